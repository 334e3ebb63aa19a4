"""Products, categories and stock in the back office."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from ..extensions import db
from ..htmx import render_page_or_fragment, wants_fragment
from ..models import Category, Product
from .blueprint import bp
from .catalog import (
    CatalogError,
    ProductData,
    adjust_stock,
    categories,
    delete_category,
    list_products,
    movements_for,
    save_category,
    save_product,
)
from .forms import (
    STOCK_REASONS,
    CategoryForm,
    EmptyForm,
    NewProductForm,
    ProductForm,
    StockAdjustForm,
    category_choices,
)
from .images import ImageRejected, store_image
from .variant_page import VariantSection, variants_context

STOCK_ID = "product-stock"


@bp.get("/products")
def products() -> ResponseReturnValue:
    query = request.args.get("q", "")
    page = max(request.args.get("page", 1, type=int), 1)
    return render_page_or_fragment(
        "admin/products/index.html",
        "admin/products/_results.html",
        "product-admin-results",
        pagination=list_products(query, page),
        query=query,
    )


@bp.route("/products/new", methods=["GET", "POST"])
def product_new() -> ResponseReturnValue:
    return _product_form(None)


@bp.route("/products/<slug>", methods=["GET", "POST"])
def product_edit(slug: str) -> ResponseReturnValue:
    return _product_form(_product_or_404(slug))


def _product_or_404(slug: str) -> Product:
    product: Product = db.first_or_404(db.select(Product).where(Product.slug == slug))
    return product


def _product_form(product: Product | None) -> ResponseReturnValue:
    form_class = NewProductForm if product is None else ProductForm
    form = _with_categories(form_class(obj=product) if request.method == "GET" else form_class(), product)
    if form.validate_on_submit():
        try:
            image = store_image(form.image.data) if form.image.data else None
            data = ProductData(
                name=form.name.data,
                slug=(form.slug.data or "").strip(),
                category_id=form.category_id.data or None,
                description=form.description.data or "",
                price_idr=form.price_idr.data,
                weight_g=form.weight_g.data,
                active=bool(form.active.data),
            )
            saved_slug = save_product(
                product.id if product else None,
                data,
                image=image,
                initial_stock=form.stock.data if product is None else 0,
                staff_id=g.staff.id,
            )
        except ImageRejected as exc:
            form.image.errors = [str(exc)]
        except CatalogError as exc:
            getattr(form, exc.field or "name").errors = [str(exc)]
        else:
            flash(_("Product saved."), "success")
            return redirect(url_for("admin.product_edit", slug=saved_slug), code=303)
    status = 422 if request.method == "POST" else 200
    return render_product_page(product, status, form=form)


@bp.post("/products/<slug>/stock")
def product_stock(slug: str) -> ResponseReturnValue:
    product = _product_or_404(slug)
    form = stock_form(product, formdata=request.form)
    if form.validate_on_submit():
        try:
            stock = adjust_stock(
                form.variant_id.data, form.delta.data, form.reason.data, (form.note.data or "").strip(), g.staff.id
            )
        except CatalogError as exc:
            form.delta.errors = [str(exc)]
        else:
            message = _("Stock is now %(num)d.", num=stock)
            if wants_fragment(STOCK_ID):
                fresh = stock_form(product)
                fresh.variant_id.data = form.variant_id.data
                return _render_stock(product, fresh, notice=message)
            flash(message, "success")
            return redirect(url_for("admin.product_edit", slug=slug), code=303)
    if wants_fragment(STOCK_ID):
        return _render_stock(product, form, status=422)
    return render_product_page(product, 422, stock_form_=form)


def stock_form(product: Product, formdata: MultiDict[str, str] | None = None) -> StockAdjustForm:
    """The adjustment form, its variant list the product's variants (the implicit one named "—")."""
    form = StockAdjustForm(formdata=formdata) if formdata is not None else StockAdjustForm(formdata=None)
    form.variant_id.choices = [SelectChoice(v.id, v.label or "—") for v in product.variants]
    if formdata is None and product.variants:
        form.variant_id.data = (product.sole_variant or product.variants[0]).id
    return form


def _with_categories(form: ProductForm, product: Product | None) -> ProductForm:
    form.category_id.choices = category_choices(categories())
    if form.category_id.raw_data is None:
        # Filled from the product, not from a submitted form: "no category" is choice 0.
        form.category_id.data = (product.category_id if product else None) or 0
    return form


def _render_stock(
    product: Product, form: StockAdjustForm, notice: str | None = None, status: int = 200
) -> tuple[str, int]:
    db.session.refresh(product)
    return render_template(
        "admin/products/_stock.html",
        product=product,
        stock_form=form,
        movements=movements_for(product.id),
        reasons=STOCK_REASONS,
        notice=notice,
    ), status


def render_product_page(
    product: Product | None,
    status: int,
    form: ProductForm | None = None,
    stock_form_: StockAdjustForm | None = None,
    variants: VariantSection | None = None,
) -> tuple[str, int]:
    """The whole product page; the forms not given are shown fresh (the product's current values)."""
    if form is None:
        form = _with_categories(ProductForm(formdata=None, obj=product), product)
    context: dict[str, object] = {"product": product}
    if product is not None:
        section = variants_context(product, **(variants or {}))  # the product, with its variants loaded
        context = {**section, "stock_form": stock_form_ or stock_form(section["product"])}
    return render_template(
        "admin/products/edit.html",
        form=form,
        movements=movements_for(product.id) if product else [],
        reasons=STOCK_REASONS,
        notice=None,
        **context,
    ), status


# ---------------------------------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------------------------------


def _category_or_404(slug: str) -> Category:
    category: Category = db.first_or_404(db.select(Category).where(Category.slug == slug))
    return category


@bp.route("/categories", methods=["GET", "POST"], endpoint="categories")
def categories_page() -> ResponseReturnValue:
    return _category_form(None, "admin/products/categories.html", categories=categories(), delete_form=EmptyForm())


@bp.route("/categories/<slug>", methods=["GET", "POST"])
def category_edit(slug: str) -> ResponseReturnValue:
    category = _category_or_404(slug)
    return _category_form(category, "admin/products/category.html")


def _category_form(category: Category | None, template: str, **context: object) -> ResponseReturnValue:
    context["category"] = category
    form = CategoryForm(obj=category) if request.method == "GET" else CategoryForm()
    if form.validate_on_submit():
        try:
            save_category(
                category.id if category else None,
                form.name.data,
                (form.slug.data or "").strip(),
                form.position.data,
                g.staff.id,
            )
        except CatalogError as exc:
            getattr(form, exc.field or "name").errors = [str(exc)]
        else:
            flash(_("Category saved."), "success")
            return redirect(url_for("admin.categories"), code=303)
    return render_template(template, form=form, **context), 422 if request.method == "POST" else 200


@bp.post("/categories/<slug>/delete")
def category_delete(slug: str) -> ResponseReturnValue:
    category = _category_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        delete_category(category.id, g.staff.id)
    except CatalogError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Category deleted."), "success")
    return redirect(url_for("admin.categories"), code=303)
