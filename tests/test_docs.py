"""Every "midtrans.md §x" that a comment cites names a section of docs/midtrans.md."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITATION = re.compile(r"midtrans\.md ((?:§\d+(?:\.\d+)?(?:[–-]\d+(?:\.\d+)?)?(?:, | and )?)+)")


def cited_sections():
    cited = {}
    for path in [*ROOT.glob("storefront/**/*.py"), *ROOT.glob("tests/**/*.py"), *ROOT.glob("bench/*.py")]:
        for match in CITATION.finditer(path.read_text()):
            for number in re.findall(r"§(\d+(?:\.\d+)?)", match.group(1)):
                cited.setdefault(number, path.relative_to(ROOT))
    return cited


def test_every_midtrans_md_section_the_code_cites_exists():
    headings = set(re.findall(r"^#+ (\d+(?:\.\d+)?)\.? ", (ROOT / "docs" / "midtrans.md").read_text(), re.M))
    cited = cited_sections()
    assert len(cited) > 10  # the code does cite the notes
    missing = {number: str(path) for number, path in cited.items() if number not in headings}
    assert not missing, f"cited but not in docs/midtrans.md: {missing}"
