"""The base of every form in the shop: Flask-WTF (CSRF included) with WTForms' own messages cached."""

from functools import lru_cache

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@lru_cache(maxsize=None)
def _wtforms_messages(locale):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            """WTForms' own messages in the shopper's language, the catalogue read once per process.

            Flask-WTF reads it again (from disk) for every request that builds a form; for Indonesian,
            which WTForms has no catalogue for, that means probing the file system each time.
            """
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_messages(str(get_locale()))
