"""Links to a courier's own tracking page, for the couriers Indonesian shops ship with most.

Recognised from the carrier text staff typed (pre-filled with the service the shopper chose, e.g.
"JNE REG", "J&T EZ"). Where the courier's page takes the tracking number in its address, the link
carries it; otherwise it opens the courier's tracking form and the page shows the number to paste.
An unknown carrier gets no link: its name and the number are shown as plain text.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Courier:
    name: str
    # `{number}` is replaced by the URL-quoted tracking number; a page without it is the courier's form.
    url: str


# (pattern on the start of the carrier text, courier). Patterns allow the spellings staff type.
COURIERS = (
    (r"jne\b", Courier("JNE", "https://www.jne.co.id/id/tracking/trace/{number}")),
    (r"(j\s*&\s*t|jnt|j&t express)\b", Courier("J&T Express", "https://www.jet.co.id/track")),
    (r"si\s*cepat\b", Courier("SiCepat", "https://www.sicepat.com/checkAwb")),
    (r"anter\s*aja\b", Courier("AnterAja", "https://anteraja.id/tracking/{number}")),
    (r"pos(\s+indonesia)?\b", Courier("Pos Indonesia", "https://www.posindonesia.co.id/id/tracking")),
    (
        r"ninja(\s*(xpress|express|van))?\b",
        Courier("Ninja Xpress", "https://www.ninjaxpress.co/id-id/tracking?id={number}"),
    ),
    (r"id\s*express\b|idexpress\b", Courier("ID Express", "https://idexpress.com/lacak-paket")),
)
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), courier) for pattern, courier in COURIERS)


@dataclass(frozen=True)
class TrackingLink:
    courier: str
    url: str
    # True when the page opens on this parcel; False when the shopper pastes the number into its form.
    prefilled: bool


def tracking_link(carrier: str | None, tracking_number: str | None) -> TrackingLink | None:
    carrier, number = (carrier or "").strip(), (tracking_number or "").strip()
    if not carrier or not number:
        return None
    for pattern, courier in _COMPILED:
        if pattern.match(carrier):
            prefilled = "{number}" in courier.url
            return TrackingLink(courier.name, courier.url.replace("{number}", quote(number, safe="")), prefilled)
    return None
