"""Voucher codes: their terms (models), the rules that price a discount (rules, allocation) and the
atomic taking and releasing of uses (usage). Cart, checkout and the back office call in; nothing here
imports a view."""
