"""`flask seed`: load the demo catalog (idempotent: existing slugs are left alone) and make the raster
renditions of every product image that lacks them."""

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


def make_missing_renditions():
    """Raster renditions for every product's image that has none yet (the demo images are SVG)."""
    from .admin.images import make_product_renditions

    images = set(db.session.execute(db.select(Product.image).where(Product.image.is_not(None))).scalars())
    for image in sorted(images):
        make_product_renditions(image)
    return len(images)


def init_commands(app):
    @app.cli.command("seed")
    def seed_command():
        """Load the demo categories and products (safe to run again)."""
        created = seed_demo_data()
        click.echo(f"Seeded {created} new products.")
        images = make_missing_renditions()
        click.echo(f"Raster renditions ready for {images} product images.")
