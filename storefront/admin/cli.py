"""`flask admin create|password|deactivate <email>`: staff accounts, from a terminal only."""

import click
from flask.cli import AppGroup

from .accounts import MIN_PASSWORD_LENGTH, AccountError, create_staff, deactivate, set_password

admin_cli = AppGroup("admin", help="Back-office staff accounts.")


def _prompt_password() -> str:
    # Prompted (twice, hidden), never an argument: arguments end up in shell history and `ps`.
    return click.prompt(
        f"Password (at least {MIN_PASSWORD_LENGTH} characters)", hide_input=True, confirmation_prompt=True
    )


@admin_cli.command("create")
@click.argument("email")
def create_command(email: str) -> None:
    """Create a staff account that can sign in at /admin."""
    try:
        staff = create_staff(email, _prompt_password())
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created staff account {staff.email}.")


@admin_cli.command("password")
@click.argument("email")
def password_command(email: str) -> None:
    """Set a new password (and re-activate the account); its sessions end at once."""
    try:
        set_password(email, _prompt_password())
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("Password changed.")


@admin_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Stop an account from signing in; its sessions end at once."""
    try:
        deactivate(email)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("Account deactivated.")
