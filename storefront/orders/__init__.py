"""Order pages: the private order page with its status poll, and "Cek pesanan" (order lookup).

The blueprint is in `blueprint.py` and `create_app` imports the views: importing the package has no
side effects and no import cycles.
"""
