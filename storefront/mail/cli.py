"""`flask mail retry`: send what the background sender left (failures, a restart, no thread)."""

import click
from flask.cli import AppGroup

from .outbox import deliver_pending

mail_cli = AppGroup("mail", help="The e-mail outbox.")


@mail_cli.command("retry")
@click.option(
    "--include-stuck",
    is_flag=True,
    help="Also resend messages stuck in 'sending' for 10+ minutes (they may already have gone out).",
)
def retry_command(include_stuck):
    """Send pending messages and retry failed ones."""
    sent, failed = deliver_pending(retry_failed=True, include_stuck=include_stuck)
    click.echo(f"Sent {sent} e-mail(s), {failed} failed.")
    if failed:
        raise SystemExit(1)
