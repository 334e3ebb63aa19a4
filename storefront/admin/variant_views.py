"""Options and variants of a product in the back office: one section of the product page, whose forms
swap it in place with htmx and work as plain forms without it."""

from typing import Unpack

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..extensions import db
from ..htmx import wants_fragment
from ..models import Product
from .blueprint import bp
from .catalog import CatalogError
from .forms import EmptyForm, OptionForm, VariantRowForm
from .product_views import render_product_page
from .variant_page import VARIANTS_ID, VariantSection, row_forms, variants_context
from .variants import VariantRow, add_option, generate_variants, product_with_variants, save_variants


def product_or_404(slug: str) -> Product:
    product: Product = db.first_or_404(db.select(Product).where(Product.slug == slug))
    return product


def _answer(product: Product, status: int = 200, **context: Unpack[VariantSection]) -> ResponseReturnValue:
    """The section alone for htmx, else the product page (422) or a redirect back to it (303)."""
    if status == 200 and not wants_fragment(VARIANTS_ID):
        if context.get("notice"):
            flash(context["notice"], "success")
        return redirect(url_for("admin.product_edit", slug=product.slug) + "#" + VARIANTS_ID, code=303)
    if wants_fragment(VARIANTS_ID):
        return render_template("admin/products/_variants.html", **variants_context(product, **context)), status
    return render_product_page(product, status, variants=context)


@bp.post("/products/<slug>/options")
def product_option_add(slug: str) -> ResponseReturnValue:
    product = product_or_404(slug)
    form = OptionForm()
    if form.validate_on_submit():
        try:
            add_option(product.id, form.name.data, form.values.data, g.staff.id)
        except CatalogError as exc:
            getattr(form, exc.field or "name").errors = [str(exc)]
        else:
            return _answer(product, notice=_("Option saved. Generate the variants to sell its values."))
    return _answer(product, 422, option_form=form)


@bp.post("/products/<slug>/variants/generate")
def product_variants_generate(slug: str) -> ResponseReturnValue:
    product = product_or_404(slug)
    if not EmptyForm().validate_on_submit():
        return _answer(product, 422, error=_("Your session expired. Please try again."))
    try:
        made = generate_variants(product.id, g.staff.id)
    except CatalogError as exc:
        return _answer(product, 422, error=str(exc))
    return _answer(product, notice=_("%(num)d variants added.", num=made))


@bp.post("/products/<slug>/variants")
def product_variants_save(slug: str) -> ResponseReturnValue:
    product = product_with_variants(product_or_404(slug).id)
    forms = row_forms(product, request.form)
    valid = EmptyForm().validate_on_submit()
    valid = all([form.validate() for form in forms.values()]) and valid
    if valid:
        try:
            save_variants(product.id, [_row(variant_id, form) for variant_id, form in forms.items()], g.staff.id)
        except CatalogError as exc:
            return _answer(product, 422, rows=forms, error=str(exc))
        return _answer(product, notice=_("Variants saved."))
    return _answer(product, 422, rows=forms, error=_("Please correct the marked fields."))


def _row(variant_id: int, form: VariantRowForm) -> VariantRow:
    seen = form.stock_seen.data
    return VariantRow(
        variant_id=variant_id,
        sku=(form.sku.data or "").strip() or None,
        price_idr=form.price_idr.data,
        weight_g=form.weight_g.data,
        active=bool(form.active.data),
        stock_seen=int(seen) if str(seen or "").isdigit() else form.stock.data,
        stock=form.stock.data,
    )
