"""The merchant back office under /admin: staff sign-in, orders and payments, products and stock, e-mails.

The top floor: it calls payments, inventory and shipping; nothing below imports it (import-linter checks).
"""
