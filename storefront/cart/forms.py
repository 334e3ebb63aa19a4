from functools import lru_cache

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.i18n import messages_path


@lru_cache(maxsize=None)
def _wtforms_messages(locale):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _Meta(FlaskForm.Meta):
    def get_translations(self, form):
        """WTForms' own messages in the shopper's language, the catalogue read once per process.

        Flask-WTF reads it again (from disk) for every request that builds a form; for Indonesian,
        which WTForms has no catalogue for, that means probing the file system each time. The cart's
        forms are built on every add, update and remove.
        """
        if not current_app.config.get("WTF_I18N_ENABLED", True):
            return super().get_translations(form)
        return _wtforms_messages(str(get_locale()))


class CartLineForm(FlaskForm):
    """product_id + quantity. Checked by hand in the view because the limits depend on the product."""

    Meta = _Meta

    product_id = HiddenField()
    quantity = StringField(default="1")
    # Which add form sent this (grid card or product page), so the same one is re-rendered.
    variant = HiddenField(default="detail")


class RemoveLineForm(FlaskForm):
    Meta = _Meta

    product_id = HiddenField()
