"""`flask mail retry`: send what the background sender left (failures, a restart, no thread).
`flask mail remind`: queue the payment reminders that are due (schedule it every 5 minutes)."""

import click
from flask.cli import AppGroup

from .outbox import deliver_pending
from .reminders import send_payment_reminders

mail_cli = AppGroup("mail", help="The e-mail outbox.")


@mail_cli.command("retry")
@click.option(
    "--include-stuck",
    is_flag=True,
    help="Also resend messages stuck in 'sending' for 10+ minutes (they may already have gone out).",
)
def retry_command(include_stuck: bool) -> None:
    """Send pending messages and retry failed ones."""
    sent, failed = deliver_pending(retry_failed=True, include_stuck=include_stuck)
    click.echo(f"Sent {sent} e-mail(s), {failed} failed.")
    if failed:
        raise SystemExit(1)


@mail_cli.command("remind")
def remind_command() -> None:
    """E-mail shoppers whose payment window is two-thirds gone (once per payment attempt)."""
    queued = send_payment_reminders()
    sent, failed = deliver_pending()
    click.echo(f"Queued {queued} payment reminder(s); sent {sent} e-mail(s), {failed} failed.")
