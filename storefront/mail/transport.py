"""Sending one message: SMTP when MAIL_SERVER is set, otherwise the log (development needs no server)."""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Config

from ..redaction import redact_order_tokens

log = logging.getLogger(__name__)

# A mail server that does not answer must not hold a sender for long.
SMTP_TIMEOUT_SECONDS = 10


def build_message(config: Config, recipient: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM") or f"{config.get('STORE_NAME', 'Storefront')} <no-reply@localhost>"
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(
        domain=(config.get("MAIL_FROM") or "localhost").rpartition("@")[2].strip("> ") or None
    )
    message.set_content(body)
    return message


def send(config: Config, message: EmailMessage) -> None:
    """Deliver or raise. Once the server has accepted the message, nothing after it counts as a failure:
    a message reported failed is retried, and it must not reach the shopper twice."""
    server = config.get("MAIL_SERVER")
    if not server:
        # The log may go to a PaaS log drain: the order link in the body is the key to the shopper's data.
        log.info(
            "e-mail not sent (no MAIL_SERVER set) to %s: %s\n%s",
            message["To"],
            message["Subject"],
            redact_order_tokens(message.get_content()),
        )
        return
    port = int(config.get("MAIL_PORT") or 587)
    smtp: smtplib.SMTP
    if port == 465:
        smtp = smtplib.SMTP_SSL(server, port, timeout=SMTP_TIMEOUT_SECONDS, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(server, port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if port != 465 and config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
