"""`flask seed`: load the demo catalog (idempotent: existing slugs are left alone)."""

import click

from .database import write_transaction
from .extensions import db
from .models import Category, Product


def seed_demo_data():
    from .demo_data import CATEGORIES, PRODUCTS

    created = 0
    with write_transaction():
        categories = {c.slug: c for c in db.session.execute(db.select(Category)).scalars()}
        for position, data in enumerate(CATEGORIES):
            if data["slug"] not in categories:
                categories[data["slug"]] = Category(slug=data["slug"], name=data["name"], position=position)
                db.session.add(categories[data["slug"]])
        existing = set(db.session.execute(db.select(Product.slug)).scalars())
        for data in PRODUCTS:
            if data["slug"] in existing:
                continue
            db.session.add(
                Product(
                    slug=data["slug"],
                    name=data["name"],
                    description=data["description"],
                    price_idr=data["price_idr"],
                    stock=data["stock"],
                    image=data["image"],
                    category=categories[data["category"]],
                    active=True,
                )
            )
            created += 1
    return created


def init_commands(app):
    @app.cli.command("seed")
    def seed_command():
        """Load the demo categories and products (safe to run again)."""
        created = seed_demo_data()
        click.echo(f"Seeded {created} new products.")
