"""`kinerja consent give|withdraw|list`: the employee's consent to publish their own result."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from workflows.organisation import org
from workflows.publishing import consent as consents

from . import transaction

group = AppGroup("consent", help="Consent to publish one's own appraisal result (UU 27/2022).")

_NIP = click.option("--nip", required=True, help="The employee's NIP.")
_TAHUN = click.option("--tahun", type=int, required=True, help="Appraisal year.")
_TEKS = click.option("--teks", required=True, help="The statement, in the employee's words or the form's.")
_ACTOR = click.option("--actor", help="Who records it (default: the employee).")


@group.command("give")
@_NIP
@_TAHUN
@_TEKS
@_ACTOR
def give(nip: str, tahun: int, teks: str, actor: str | None) -> None:
    """Record the employee's consent to publish their predikat of the year (kept until withdrawn)."""
    with transaction() as session:
        employee = org.employee_by_nip(session, nip)
        already = consents.valid_consent(session, employee, tahun)
        consent = consents.give_consent(session, employee, tahun, actor or nip, teks=teks)
        given_at = consent.given_at.isoformat()
    if already is not None:
        click.echo(f"{nip} {tahun}: persetujuan sudah berlaku sejak {given_at}; tidak ada yang diubah")
        return
    click.echo(f"{nip} {tahun}: persetujuan publikasi dicatat pada {given_at}")


@group.command("withdraw")
@_NIP
@_TAHUN
@_TEKS
@_ACTOR
def withdraw(nip: str, tahun: int, teks: str, actor: str | None) -> None:
    """Withdraw the employee's consent of the year; refused when there is none to withdraw."""
    with transaction() as session:
        employee = org.employee_by_nip(session, nip)
        consent = consents.revoke_consent(session, employee, tahun, actor or nip, teks=teks)
        revoked_at = consent.revoked_at.isoformat() if consent.revoked_at else ""
    click.echo(f"{nip} {tahun}: persetujuan publikasi ditarik pada {revoked_at}")


@group.command("list")
@_NIP
@_TAHUN
def list_command(nip: str, tahun: int) -> None:
    """Print every consent of the employee for the year, with its times and texts."""
    with transaction() as session:
        employee = org.employee_by_nip(session, nip)
        lines = [f"{c.given_at.isoformat()} diberikan: {c.text}"
                 + (f"\n{c.revoked_at.isoformat()} ditarik: {c.revocation_text or ''}" if c.revoked_at else "")
                 for c in consents.consent_history(session, employee, tahun)]
    click.echo("\n".join(lines) if lines else f"{nip} {tahun}: belum ada persetujuan")
