from ..forms import Form


class PayForm(Form):
    """A one-button form ("Continue payment", "Pay again", "Try again") that still carries CSRF."""
