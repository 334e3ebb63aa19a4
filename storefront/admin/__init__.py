"""The merchant back office under /admin: staff sign-in, orders and payments, products and stock, e-mails.

The blueprint lives in `blueprint.py`, not here: `payments/merchant.py` needs this package's models, and a
package __init__ that imported the views would import merchant.py back while it is half loaded.
"""
