"""How to pay a virtual account or a Mandiri bill, step by step, per bank and per channel.

Midtrans shows these steps only on its own page, which the shopper leaves; the order page (and the
reminder e-mail) show them next to the number. Menu names are those on the banks' own screens, in the
language the shopper reads the shop in (bank ATMs and apps offer both). Steps are tables, not template
branches: one list per bank and channel, built from a few kinds of step.
"""

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

ATM, MOBILE, INTERNET = "atm", "mobile", "internet"

CHANNEL_TITLES = {
    ATM: _l("ATM"),
    MOBILE: _l("Mobile banking (%(app)s)"),
    INTERNET: _l("Internet banking (%(app)s)"),
}

# Step kinds; each is one sentence with the values of this payment filled in.
CARD = _l("Insert your ATM card and enter your PIN.")
LOG_IN = _l("Log in to %(app)s.")
MENU = _l("Choose %(menu)s.")
ENTER_VA = _l("Enter the virtual account number %(number)s.")
ENTER_BILLER = _l("Enter the company (biller) code %(biller)s.")
ENTER_BILL_KEY = _l("Enter the bill key (virtual account number) %(bill_key)s.")
CHECK = _l("Check that the amount is %(amount)s, then confirm.")
CONFIRM_WITH = _l("Confirm with %(secret)s.")
DONE = _l("Keep the receipt. Your order turns to paid by itself a few moments after you pay.")


@dataclass(frozen=True)
class Channel:
    kind: str
    app: str  # the bank's own product name, never translated
    steps: tuple[tuple[object, dict[str, object]], ...]  # (template, extra values) pairs


def _va(
    atm_menu: object, app: str, app_menu: object, secret: object, web: str, web_menu: object, web_secret: object
) -> tuple[Channel, ...]:
    return (
        Channel(ATM, "", ((CARD, {}), (MENU, {"menu": atm_menu}), (ENTER_VA, {}), (CHECK, {}), (DONE, {}))),
        Channel(
            MOBILE,
            app,
            (
                (LOG_IN, {}),
                (MENU, {"menu": app_menu}),
                (ENTER_VA, {}),
                (CHECK, {}),
                (CONFIRM_WITH, {"secret": secret}),
                (DONE, {}),
            ),
        ),
        Channel(
            INTERNET,
            web,
            (
                (LOG_IN, {}),
                (MENU, {"menu": web_menu}),
                (ENTER_VA, {}),
                (CHECK, {}),
                (CONFIRM_WITH, {"secret": web_secret}),
                (DONE, {}),
            ),
        ),
    )


GUIDES = {
    "bca": _va(
        _l("Other Transactions › Transfer › To BCA Virtual Account"),
        "BCA mobile",
        _l("m-Transfer › BCA Virtual Account"),
        _l("your m-BCA PIN"),
        "KlikBCA",
        _l("Fund Transfer › Transfer to BCA Virtual Account"),
        _l("the response code of your KeyBCA token"),
    ),
    "bni": _va(
        _l("Other Menu › Transfer › Savings Account › To BNI Account"),
        "BNI Mobile Banking",
        _l("Transfer › Virtual Account Billing"),
        _l("your transaction password"),
        "BNI Internet Banking",
        _l("Transfer › Virtual Account Billing"),
        _l("your BNI e-Secure token code"),
    ),
    "bri": _va(
        _l("Other Transactions › Payment › Other › BRIVA"),
        "BRImo",
        _l("Payment › BRIVA"),
        _l("your BRImo PIN"),
        "Internet Banking BRI",
        _l("Payment › BRIVA"),
        _l("your password and mToken code"),
    ),
    "permata": _va(
        _l("Other Transactions › Payment › Other Payments › Virtual Account"),
        "PermataMobile X",
        _l("Pay Bills › Virtual Account"),
        _l("your PermataMobile X PIN"),
        "PermataNet",
        _l("Bill Payment › Virtual Account"),
        _l("the code sent to your phone"),
    ),
    "cimb": _va(
        _l("Transfer › Other CIMB Niaga Account / Virtual Account"),
        "OCTO Mobile",
        _l("Transfer › Virtual Account"),
        _l("your OCTO Mobile PIN"),
        "OCTO Clicks",
        _l("Bill Payment › Virtual Account"),
        _l("the code sent to your phone"),
    ),
    # Mandiri bill payment (Midtrans "echannel"): a company code plus a bill key, not one VA number.
    "mandiri": (
        Channel(
            ATM,
            "",
            (
                (CARD, {}),
                (MENU, {"menu": _l("Pay/Buy › Others › Multi Payment")}),
                (ENTER_BILLER, {}),
                (ENTER_BILL_KEY, {}),
                (CHECK, {}),
                (DONE, {}),
            ),
        ),
        Channel(
            MOBILE,
            "Livin' by Mandiri",
            (
                (LOG_IN, {}),
                (MENU, {"menu": _l("Pay › Multipayment")}),
                (ENTER_BILLER, {}),
                (ENTER_BILL_KEY, {}),
                (CHECK, {}),
                (CONFIRM_WITH, {"secret": _l("your Livin' PIN")}),
                (DONE, {}),
            ),
        ),
        Channel(
            INTERNET,
            "Mandiri Internet Banking",
            (
                (LOG_IN, {}),
                (MENU, {"menu": _l("Payment › Multi Payment")}),
                (ENTER_BILLER, {}),
                (ENTER_BILL_KEY, {}),
                (CHECK, {}),
                (CONFIRM_WITH, {"secret": _l("your Mandiri token")}),
                (DONE, {}),
            ),
        ),
    ),
}


@dataclass(frozen=True)
class GuideChannel:
    kind: str
    title: str
    steps: list[str]


def payment_guide(instructions: dict[str, Any] | None, amount: str) -> list[GuideChannel]:
    """The steps for this payment's bank, in the request's language; [] for other methods.

    `amount` is already formatted (the `idr` filter), since the shopper must type or check it as shown.
    """
    if not instructions or instructions.get("kind") not in ("va", "bill"):
        return []
    channels = GUIDES.get(str(instructions.get("bank", "")).lower())
    if channels is None:
        return []
    values = {
        "number": instructions.get("va_number", ""),
        "biller": instructions.get("biller_code", ""),
        "bill_key": instructions.get("bill_key", ""),
        "amount": amount,
    }
    guide = []
    for channel in channels:
        # str() of a lazy string translates it now, into the request's (or e-mail's) language.
        fill = {**values, "app": channel.app}
        steps = [str(template) % {**fill, **{k: str(v) for k, v in extra.items()}} for template, extra in channel.steps]
        guide.append(GuideChannel(channel.kind, str(CHANNEL_TITLES[channel.kind]) % fill, steps))
    return guide
