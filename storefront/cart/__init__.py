"""The shopping cart: a session cart of product ids and quantities, its page and htmx fragments.

The blueprint is in `blueprint.py` and `create_app` imports the views: importing the package has no
side effects and no import cycles.
"""
