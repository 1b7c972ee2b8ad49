"""`kinerja user create|reset-password|disable|enable|token...`: accounts and API tokens, secrets shown once."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from workflows.signin import accounts, api_tokens

from . import transaction

group = AppGroup("user", help="Sign-in accounts: create, reset a password, disable or enable; JSON API tokens.")
_ACTOR = click.option("--actor", default="operator", show_default=True,
                      help="Who does it (recorded in the audit trail).")


def _hand_over(username: str, password: str) -> None:
    click.echo(f"temporary password for {username}: {password}")
    click.echo("Hand it over in person; it must be changed at the first sign-in.")


@group.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, help="A role (group) of the account, e.g. pengelola_kinerja; "
              "repeat for several.")
@click.option("--scope", "scope", help="OPD code the roles are limited to (default: the whole city).")
@click.option("--employee", "employee", help="NIP of the employee the account signs in as (default: the "
              "username when it is a NIP).")
@_ACTOR
def create_command(username: str, roles: tuple[str, ...], scope: str | None, employee: str | None,
                   actor: str) -> None:
    """Create an account (an employee's NIP or a staff username) with a temporary password."""
    with transaction() as session:
        account, password = accounts.create_account(session, username, actor, roles=list(roles),
                                                    scope_unit_code=scope, employee_nip=employee)
    who = account.employee.name if account.employee is not None else ", ".join(account.roles)
    click.echo(f"account {account.username} created ({who})")
    _hand_over(account.username, password)


@group.command("reset-password")
@click.argument("username")
@_ACTOR
def reset_command(username: str, actor: str) -> None:
    """Give an account a new temporary password (its sessions are signed out)."""
    with transaction() as session:
        password = accounts.reset_password(session, username, actor)
    _hand_over(username, password)


@group.command("disable")
@click.argument("username")
@_ACTOR
def disable_command(username: str, actor: str) -> None:
    """Disable an account: it cannot sign in and is signed out at its next request."""
    with transaction() as session:
        accounts.set_active(session, username, False, actor)
    click.echo(f"account {username} disabled")


@group.command("enable")
@click.argument("username")
@_ACTOR
def enable_command(username: str, actor: str) -> None:
    """Enable a disabled account again."""
    with transaction() as session:
        accounts.set_active(session, username, True, actor)
    click.echo(f"account {username} enabled")


@group.command("token")
@click.argument("username")
@click.option("--name", default="api", show_default=True, help="What the token is for, shown in the list.")
@_ACTOR
def token_command(username: str, name: str, actor: str) -> None:
    """Issue a JSON API bearer token for an account (a NIP or a staff username); the secret is shown once."""
    with transaction() as session:
        token, secret = api_tokens.issue(session, accounts.account_by_username(session, username), name, actor)
        token_id = token.id
    click.echo(f"API token {token_id} ({name}) for {username}: {secret}")
    click.echo("Keep it secret: it is not stored and cannot be shown again. "
               f"Revoke it with `kinerja user token-revoke {token_id}`.")


@group.command("token-revoke")
@click.argument("token_id", type=int)
@_ACTOR
def token_revoke_command(token_id: int, actor: str) -> None:
    """Revoke a JSON API token: it is refused from the next request on."""
    with transaction() as session:
        api_tokens.revoke(session, token_id, actor)
    click.echo(f"API token {token_id} revoked")


@group.command("tokens")
@click.argument("username")
def tokens_command(username: str) -> None:
    """List an account's JSON API tokens (never their secrets)."""
    with transaction() as session:
        tokens = api_tokens.tokens_of(session, accounts.account_by_username(session, username))
        rows = [(t.id, t.name, t.created_at, t.last_used_at, t.revoked_at) for t in tokens]
    if not rows:
        click.echo(f"no API tokens for {username}")
    for token_id, name, created, used, revoked in rows:
        state = f"revoked {revoked:%Y-%m-%d %H:%M}" if revoked else "active"
        last = f"{used:%Y-%m-%d %H:%M}" if used else "never"
        click.echo(f"{token_id}\t{name}\tcreated {created:%Y-%m-%d %H:%M}\tlast used {last}\t{state}")
