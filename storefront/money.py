"""Rupiah amounts: integers end to end, formatted only at the edge."""


def format_idr(amount: int) -> str:
    """150000 -> 'Rp150.000' (Indonesian grouping with dots; no decimals, IDR has no minor unit)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"rupiah amounts are integers, got {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")
