"""Habits a reader can check: small modules, and no framework internals (names starting with `_`)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted((ROOT / "storefront").rglob("*.py"))
# Public API that happens to start with an underscore: namedtuple's methods.
PUBLIC_UNDERSCORE_NAMES = {"_replace", "_asdict", "_fields", "_make"}
# The sandbox's own objects (its Store's write session), not a framework's.
OWN_PRIVATE_ACCESS = {("storefront/sandbox/store.py", "_after_commit")}


def test_every_module_is_at_most_300_lines_or_says_why_it_is_long():
    long_ones = []
    for path in MODULES:
        source = path.read_text()
        docstring = ast.get_docstring(ast.parse(source)) or ""
        if len(source.splitlines()) > 300 and not docstring.startswith("Long because"):
            long_ones.append(str(path.relative_to(ROOT)))
    assert not long_ones, f"over 300 lines without a 'Long because' docstring: {long_ones}"


def test_no_module_reaches_into_another_objects_private_attributes():
    found = []
    for path in MODULES:
        relative = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Attribute) or not node.attr.startswith("_") or node.attr.startswith("__"):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            if node.attr in PUBLIC_UNDERSCORE_NAMES or (relative, node.attr) in OWN_PRIVATE_ACCESS:
                continue
            found.append(f"{relative}:{node.lineno} .{node.attr}")
    assert not found, f"private attributes of other objects: {found}"


def test_no_module_edits_flasks_hook_lists():
    edits = [str(path.relative_to(ROOT)) for path in MODULES if "before_request_funcs" in path.read_text()]
    assert not edits, f"hooks edited by hand in {edits}: register them with the app's decorators instead"
