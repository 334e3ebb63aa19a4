"""The payment methods the sandbox can simulate, and the sandbox test cards (midtrans.md §4.2, §9.1)."""

import itertools
import secrets
from dataclasses import dataclass
from typing import Any


def _digits(count: int) -> str:
    # Never a leading 0: a shop that stores the number as an integer must not silently lose a digit.
    return str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(count - 1))


@dataclass(frozen=True)
class PaymentMethod:
    key: str  # the enabled_payments value and the form value on the payment page
    label: str
    payment_type: str
    group: str
    # Midtrans sends no fraud_status for convenience-store payments (midtrans.md §4.2).
    has_fraud_status: bool = True
    # Set for VA methods whose notifications carry va_numbers/payment_amounts.
    va_bank: str | None = None

    def new_fields(self) -> dict[str, Any]:
        """Method-specific transaction fields, fixed when the customer picks the method."""
        if self.va_bank:
            return {
                "va_numbers": [{"bank": self.va_bank, "va_number": _digits(11 if self.va_bank == "bca" else 16)}],
                "payment_amounts": [],
            }
        return _EXTRA_FIELDS.get(self.key, dict)()


_EXTRA_FIELDS = {
    "permata_va": lambda: {"permata_va_number": _digits(16)},
    "echannel": lambda: {"biller_code": "70012", "bill_key": _digits(12)},
    "qris": lambda: {"acquirer": "gopay"},
    "indomaret": lambda: {"store": "indomaret", "payment_code": _digits(16)},
    "alfamart": lambda: {"store": "alfamart", "payment_code": _digits(16)},
}

VA, WALLET, STORE, CARD = "Virtual account", "E-wallet and QRIS", "Convenience store", "Card"

METHODS = {
    m.key: m
    for m in (
        PaymentMethod("bca_va", "BCA Virtual Account", "bank_transfer", VA, va_bank="bca"),
        PaymentMethod("bni_va", "BNI Virtual Account", "bank_transfer", VA, va_bank="bni"),
        PaymentMethod("bri_va", "BRI Virtual Account", "bank_transfer", VA, va_bank="bri"),
        PaymentMethod("permata_va", "Permata Virtual Account", "bank_transfer", VA),
        PaymentMethod("echannel", "Mandiri Bill", "echannel", VA),
        PaymentMethod("gopay", "GoPay", "gopay", WALLET),
        PaymentMethod("qris", "QRIS", "qris", WALLET),
        PaymentMethod("shopeepay", "ShopeePay", "shopeepay", WALLET),
        PaymentMethod("indomaret", "Indomaret", "cstore", STORE, has_fraud_status=False),
        PaymentMethod("alfamart", "Alfamart", "cstore", STORE, has_fraud_status=False),
        PaymentMethod("credit_card", "Credit/Debit Card", "credit_card", CARD),
    )
}

# enabled_payments also accepts group aliases and a few names for the same simulated method.
_ALIASES = {
    "bank_transfer": ("bca_va", "bni_va", "bri_va", "permata_va", "echannel"),
    "cstore": ("indomaret", "alfamart"),
    "store": ("indomaret", "alfamart"),
    "other_qris": ("qris",),
}

# Methods that Midtrans can refund through the API (midtrans.md §6.5): never VA, bill or OTC.
REFUNDABLE_PAYMENT_TYPES = frozenset({"credit_card", "gopay", "shopeepay", "qris"})
# ShopeePay (and OVO, which the sandbox does not offer) refund only the whole payment (midtrans.md §6.5).
FULL_REFUND_ONLY_PAYMENT_TYPES = frozenset({"shopeepay", "ovo"})

# The control endpoint accepts a payment_type (as notifications name it) or a method key.
_DEFAULT_METHOD_FOR_TYPE = {"bank_transfer": "bca_va", "cstore": "indomaret"}


def enabled_methods(enabled_payments: list[str] | None) -> list[PaymentMethod]:
    """Methods shown on the payment page, in the sandbox's fixed order."""
    if enabled_payments is None:
        return list(METHODS.values())
    wanted: set[str] = set()
    for name in enabled_payments:
        wanted.update(_ALIASES.get(name, (name,)))
    return [m for key, m in METHODS.items() if key in wanted]


def grouped(methods: list[PaymentMethod]) -> list[tuple[str, list[PaymentMethod]]]:
    """Methods by group, in catalogue order (Jinja's groupby would sort the groups alphabetically)."""
    return [(group, list(items)) for group, items in itertools.groupby(methods, key=lambda m: m.group)]


def method_for_payment_type(name: str) -> PaymentMethod | None:
    return METHODS.get(_DEFAULT_METHOD_FOR_TYPE.get(name, name))


@dataclass(frozen=True)
class CardOutcome:
    transaction_status: str
    fraud_status: str
    channel_response_code: str
    channel_response_message: str
    eci: str = "05"

    @property
    def approved(self) -> bool:
        # An approval code exists only when the issuer approved; a bank or FDS deny has none.
        return self.transaction_status == "capture"


_ACCEPT = CardOutcome("capture", "accept", "00", "Approved")
_CHALLENGE = CardOutcome("capture", "challenge", "00", "Approved")
_BANK_DENY = CardOutcome("deny", "accept", "05", "Do not honour")
_FDS_DENY = CardOutcome("deny", "deny", "", "Denied by FDS")

# Sandbox test cards (midtrans.md §9.1). 3DS OTP, expiry and CVV are not simulated.
TEST_CARDS = {
    "4811111111111114": _ACCEPT,
    "4411111111111118": _ACCEPT,
    "5211111111111117": CardOutcome("capture", "accept", "00", "Approved", eci="02"),
    "5410111111111116": CardOutcome("capture", "accept", "00", "Approved", eci="01"),
    "4556557955726624": _ACCEPT,
    "4911111111111113": _BANK_DENY,
    "4711111111111115": _BANK_DENY,
    "4485436455354151": _BANK_DENY,
    "4472429869996670": CardOutcome("deny", "accept", "51", "Insufficient funds"),
    "5111111111111118": CardOutcome("deny", "accept", "05", "Do not honour", eci="02"),
    "5511111111111114": CardOutcome("deny", "accept", "05", "Do not honour", eci="01"),
    "4611111111111116": _FDS_DENY,
    "5411111111111115": CardOutcome("deny", "deny", "", "Denied by FDS", eci="01"),
    "4511111111111117": _CHALLENGE,
    "5510111111111115": CardOutcome("capture", "challenge", "00", "Approved", eci="02"),
}


def normalise_card_number(text: str) -> str:
    return "".join(ch for ch in text if ch not in " -")


def card_fields(card_number: str, outcome: CardOutcome) -> dict[str, Any]:
    fields = {
        "masked_card": f"{card_number[:8]}-{card_number[-4:]}",
        "bank": "bni",
        "card_type": "credit",
        "eci": outcome.eci,
        "channel_response_code": outcome.channel_response_code,
        "channel_response_message": outcome.channel_response_message,
        "three_ds_version": "2",
    }
    if outcome.approved:
        fields["approval_code"] = _digits(13)
    return fields


def method_of(fields: dict[str, Any]) -> PaymentMethod | None:
    """The simulated method behind a transaction (payment_type alone cannot tell BCA from BNI)."""
    if fields.get("va_numbers"):
        return METHODS.get(f"{fields['va_numbers'][0]['bank']}_va")
    if "permata_va_number" in fields:
        return METHODS["permata_va"]
    if "store" in fields:
        return METHODS.get(fields["store"])
    return METHODS.get(fields["payment_type"])
