"""Sharing a discount over order lines, for per-line refunds and for what each line really cost."""


def allocate(discount_idr: int, line_totals: list[int]) -> list[int]:
    """Each line's share of `discount_idr`, pro rata to its total and rounded down; what the rounding
    leaves goes on the last line (and, should it not fit there, on the lines before it), so the shares
    sum exactly to the discount and no share exceeds its line. Lines outside the voucher are given 0
    by the caller passing 0 as their total."""
    whole = sum(line_totals)
    if discount_idr <= 0 or whole <= 0:
        return [0] * len(line_totals)
    discount_idr = min(discount_idr, whole)
    shares = [discount_idr * total // whole for total in line_totals]
    left = discount_idr - sum(shares)
    for index in reversed(range(len(shares))):
        room = line_totals[index] - shares[index]
        taken = min(room, left)
        shares[index] += taken
        left -= taken
        if not left:
            break
    return shares


def units_share(line_discount_idr: int, line_quantity: int, units: int) -> int:
    """The part of a line's discount that `units` of its units carry, rounded down. Refunding a line in
    steps takes share(t + q) - share(t) each time, so the steps always add up to the whole share."""
    return line_discount_idr * units // line_quantity if line_quantity > 0 else 0


def refund_for_units(unit_price_idr: int, line_quantity: int, line_discount_idr: int, refunded: int, units: int) -> int:
    """What `units` more of a line are worth after `refunded` were given back: their price less their
    share of the line's discount (the whole line, in any steps, returns line total - line discount)."""
    share = units_share(line_discount_idr, line_quantity, refunded + units) - units_share(
        line_discount_idr, line_quantity, refunded
    )
    return unit_price_idr * units - share
