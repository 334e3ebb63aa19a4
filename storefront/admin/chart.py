"""A small bar chart of daily paid revenue, drawn as SVG on the server (no JavaScript, no build step).

The view passes plain numbers; this module only lays the bars out in a fixed viewBox, so the chart
scales with the page and prints as it looks.
"""

from dataclasses import dataclass

WIDTH, HEIGHT, GAP = 300, 80, 2


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "1 Des 2026: Rp190.000", the bar's <title> for screen readers and hover


def bars(amounts: list[int], labels: list[str]) -> list[Bar]:
    top = max(amounts, default=0) or 1
    step = WIDTH / max(len(amounts), 1)
    result = []
    for index, (amount, label) in enumerate(zip(amounts, labels, strict=True)):
        height = round(HEIGHT * amount / top, 2)
        # A day without sales still shows a hairline, so the axis of days reads as complete.
        height = max(height, 0.5)
        result.append(Bar(round(index * step, 2), round(HEIGHT - height, 2), round(step - GAP, 2), height, label))
    return result
