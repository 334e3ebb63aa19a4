"""Checkout: the customer form, stock reserved and the order placed, then on to payment.

The blueprint is in `blueprint.py` and `create_app` imports the views: importing the package has no
side effects and no import cycles.
"""
