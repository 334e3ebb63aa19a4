"""The back office's home (the merchant's figures and the daily chart) and the orders' CSV export."""

from datetime import timedelta

from flask import render_template, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_babel import format_date

from ..money import format_idr
from . import chart, export, reports
from .blueprint import bp
from .forms import ExportForm


@bp.get("/")
def index() -> ResponseReturnValue:
    return _home(_default_range())


def _default_range() -> ExportForm:
    """The last 30 store days, today included: what the export form starts with."""
    return ExportForm(formdata=None, date_from=reports.today() - timedelta(days=29), date_to=reports.today())


def _home(export_form: ExportForm, status: int = 200) -> tuple[str, int]:
    days = reports.daily_paid()
    labels = [f"{format_date(day.day, 'd MMM y')}: {format_idr(day.paid_idr)}" for day in days]
    page = render_template(
        "admin/home.html",
        periods=[reports.figures(n) for n in reports.PERIODS],
        methods=reports.by_payment_method(30),
        days=days,
        bars=chart.bars([day.paid_idr for day in days], labels),
        chart_size=(chart.WIDTH, chart.HEIGHT),
        export_form=export_form,
    )
    return page, status


@bp.get("/orders/export.csv")
def orders_export() -> ResponseReturnValue:
    # Without dates (a bookmarked link), the last 30 days, as the form offers.
    form = ExportForm(request.args) if request.args else _default_range()
    if not form.validate():
        # The home page again, with the message beside the date that is wrong.
        return _home(form, 422)
    date_from, date_to = form.date_from.data, form.date_to.data
    filename = f"orders-{date_from:%Y%m%d}-{date_to:%Y%m%d}.csv"
    # Streamed: the rows are read and written while the merchant's download runs.
    return (
        stream_with_context(export.csv_chunks(date_from, date_to)),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
