from flask_wtf import FlaskForm


class PayForm(FlaskForm):
    """A one-button form ("Continue payment", "Pay again", "Try again") that still carries CSRF."""
