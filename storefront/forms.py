"""The base of every form in the shop: Flask-WTF (CSRF included) with WTForms' own messages cached."""

from functools import lru_cache

from babel import support
from flask import current_app, request
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@lru_cache(maxsize=None)
def _wtforms_messages(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    class Meta:
        def wrap_formdata(self, form, formdata):
            """The shop's forms are HTML forms: a JSON body is none of them. Flask-WTF would read any
            JSON body as form data, and a JSON list (or "[" nested 1000 deep) answered 500."""
            if request.is_json:
                return None
            return super().wrap_formdata(form, formdata)

        def get_translations(self, form):
            """WTForms' own messages in the shopper's language, the catalogue read once per process.

            Flask-WTF reads it again (from disk) for every request that builds a form; for Indonesian,
            which WTForms has no catalogue for, that means probing the file system each time.
            """
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_messages(str(get_locale()))
