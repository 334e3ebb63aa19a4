"""`flask seed`: the regions, the demo catalogue (with raster renditions of its images), demo shipping rates
and the demo voucher HEMAT10, each safe to run again; `flask seed regions`: the official regions alone, for a
production database."""

import click
from flask import Flask

from .database import write_transaction
from .extensions import db
from .models import Category, Product
from .products import add_variants
from .regions import PROVINCE, Region, load_regions
from .vouchers.models import KIND_PERCENT, Voucher


def seed_demo_data() -> int:
    from .demo_data import CATEGORIES, PRODUCTS

    created = 0
    with write_transaction():
        categories = {c.slug: c for c in db.session.execute(db.select(Category)).scalars()}
        for position, data in enumerate(CATEGORIES):
            if data["slug"] not in categories:
                categories[data["slug"]] = Category(slug=data["slug"], name=data["name"], position=position)
                db.session.add(categories[data["slug"]])
        existing = {p.slug: p for p in db.session.execute(db.select(Product)).scalars()}
        for data in PRODUCTS:
            if data["slug"] in existing:
                # Demo products seeded before weights existed get theirs; a weight set by hand stays.
                if existing[data["slug"]].weight_g == 0:
                    existing[data["slug"]].weight_g = data["weight_g"]
                continue
            product = Product(
                slug=data["slug"],
                name=data["name"],
                description=data["description"],
                price_idr=data["price_idr"],
                weight_g=data["weight_g"],
                stock=data["stock"],
                image=data["image"],
                category=categories[data["category"]],
                active=True,
            )
            db.session.add(product)
            if "variants" in data:
                db.session.add_all(add_variants(product, data["variants"]["option"], data["variants"]["rows"]))
            created += 1
    return created


def seed_demo_voucher() -> int:
    """HEMAT10: 10 % off (at most Rp25.000) from a Rp100.000 subtotal, 100 uses, one per customer. Only
    when no voucher has that code, so a merchant's own HEMAT10 is never changed."""
    with write_transaction():
        if db.session.execute(db.select(Voucher.id).where(Voucher.code == "HEMAT10")).first():
            return 0
        db.session.add(
            Voucher(
                code="HEMAT10",
                kind=KIND_PERCENT,
                percent=10,
                max_discount_idr=25000,
                min_subtotal_idr=100000,
                usage_limit=100,
                per_customer_limit=1,
            )
        )
        return 1


def seed_regions() -> int:
    with write_transaction():
        return load_regions()


def seed_demo_shipping() -> int:
    """Demo courier services priced per province, the origin and the free-shipping threshold; only into
    an empty set-up, so a merchant's own services are never touched."""
    from .demo_data import FREE_SHIPPING_MIN_IDR, NEAR_PROVINCES, SHIPPING_ORIGIN, SHIPPING_SERVICES
    from .shipping_rates.models import ShippingRate, ShippingService, ShippingSettings

    with write_transaction():
        if db.session.execute(db.select(ShippingService.id).limit(1)).first() is not None:
            return 0
        provinces = list(db.session.execute(db.select(Region.code).where(Region.level == PROVINCE)).scalars())
        for position, data in enumerate(SHIPPING_SERVICES):
            service = ShippingService(
                code=data["code"],
                courier=data["courier"],
                service=data["service"],
                position=position,
                etd_min_days=data["etd_min_days"],
                etd_max_days=data["etd_max_days"],
                active=True,
                free_shipping=True,
            )
            db.session.add(service)
            db.session.flush()
            db.session.add_all(
                ShippingRate(
                    service_id=service.id,
                    region_code=code,
                    price_per_kg_idr=data["near"] if code in NEAR_PROVINCES else data["far"],
                )
                for code in provinces
            )
        if db.session.execute(db.select(ShippingSettings.id).limit(1)).first() is None:
            db.session.add(
                ShippingSettings(
                    origin_city_code=SHIPPING_ORIGIN["city_code"],
                    origin_postal_code=SHIPPING_ORIGIN["postal_code"],
                    free_shipping_min_idr=FREE_SHIPPING_MIN_IDR,
                )
            )
        return len(SHIPPING_SERVICES)


def make_missing_renditions() -> int:
    """Raster renditions for every product's image that has none yet (the demo images are SVG)."""
    from .admin.images import make_product_renditions

    images = set(db.session.execute(db.select(Product.image).where(Product.image.is_not(None))).scalars())
    for image in sorted(images):
        make_product_renditions(image)
    return len(images)


def init_commands(app: Flask) -> None:
    @app.cli.group("seed", invoke_without_command=True)
    @click.pass_context
    def seed_command(ctx: click.Context) -> None:
        """Load the regions, the demo categories and products, and demo shipping rates (safe to run again)."""
        if ctx.invoked_subcommand is not None:
            return
        click.echo(f"Seeded {seed_regions()} new regions.")
        click.echo(f"Seeded {seed_demo_data()} new products.")
        click.echo(f"Raster renditions ready for {make_missing_renditions()} product images.")
        click.echo(f"Seeded {seed_demo_shipping()} demo shipping services.")
        click.echo(f"Seeded {seed_demo_voucher()} demo voucher (HEMAT10).")

    @seed_command.command("shipping")
    def seed_shipping_command() -> None:
        """Load the regions and the demo courier services and rates (only into an empty shipping set-up)."""
        click.echo(f"Seeded {seed_regions()} new regions.")
        click.echo(f"Seeded {seed_demo_shipping()} demo courier services.")

    @seed_command.command("regions")
    def seed_regions_command() -> None:
        """Load the official Kemendagri regions (38 provinces, their cities and districts)."""
        click.echo(f"Seeded {seed_regions()} new regions.")
