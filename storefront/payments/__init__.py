"""Payments through Midtrans Snap: gateway, attempts, notifications, re-checks, merchant actions, refunds.

The blueprint is in `blueprint.py` and `create_app` imports the views: importing the package has no
side effects and no import cycles.
"""
