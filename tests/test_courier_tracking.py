"""The shopper's link to the courier's own tracking page, from the carrier text staff typed."""

import pytest

from storefront.courier_tracking import tracking_link


@pytest.mark.parametrize(
    ("carrier", "courier", "url"),
    [
        ("JNE REG", "JNE", "https://www.jne.co.id/id/tracking/trace/AB%2012%2F3"),
        ("jne", "JNE", "https://www.jne.co.id/id/tracking/trace/AB%2012%2F3"),
        ("J&T EZ", "J&T Express", "https://www.jet.co.id/track"),
        ("JNT", "J&T Express", "https://www.jet.co.id/track"),
        ("SiCepat BEST", "SiCepat", "https://www.sicepat.com/checkAwb"),
        ("AnterAja Regular", "AnterAja", "https://anteraja.id/tracking/AB%2012%2F3"),
        ("Pos Indonesia Kilat", "Pos Indonesia", "https://www.posindonesia.co.id/id/tracking"),
        ("Ninja Xpress", "Ninja Xpress", "https://www.ninjaxpress.co/id-id/tracking?id=AB%2012%2F3"),
        ("ID Express", "ID Express", "https://idexpress.com/lacak-paket"),
    ],
)
def test_known_couriers_link_to_their_own_tracking_page(carrier, courier, url):
    link = tracking_link(carrier, "AB 12/3")
    assert (link.courier, link.url) == (courier, url)
    # The number is in the address only where the courier's page reads it from there.
    assert link.prefilled == ("AB%2012%2F3" in url)


@pytest.mark.parametrize("carrier", ["Kurir toko", "Lion Parcel", "Gosend", "", "Posko", "Ninjago"])
def test_other_carriers_get_no_link(carrier):
    assert tracking_link(carrier, "X1") is None


def test_no_tracking_number_no_link():
    assert tracking_link("JNE REG", "  ") is None
