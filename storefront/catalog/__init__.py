"""The catalogue: product list with search, categories and pages, and one page per product.

The blueprint is in `blueprint.py` and `create_app` imports the views: importing the package has no
side effects and no import cycles.
"""
