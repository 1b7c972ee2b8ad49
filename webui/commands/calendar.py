"""`kinerja calendar add-holiday|remove-holiday|list`: the days off that working-day deadlines skip."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from engine.clock import clock
from engine.workdays import add_day_off, days_off, remove_day_off

from . import dump, transaction

group = AppGroup("calendar", help="Working days: public holidays and the cuti bersama days operators add.")


def _day(ctx: click.Context, param: click.Parameter, value: str) -> date:
    """Read a YYYY-MM-DD date or refuse it clearly."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (write YYYY-MM-DD, e.g. 2027-12-24)") from None


@group.command("add-holiday")
@click.argument("day", callback=_day)
@click.option("--name", required=True, help="What the day is, e.g. 'Cuti bersama Natal'.")
@click.option("--actor", default="operator", show_default=True, help="Who adds (recorded in the audit trail).")
def add_holiday(day: date, name: str, actor: str) -> None:
    """Make DAY a non-working day for deadlines counted in working days (e.g. a cuti bersama day)."""
    with transaction() as session:
        add_day_off(session, day, name, actor)
    click.echo(f"{day.isoformat()} ({name}) is now a day off")


@group.command("remove-holiday")
@click.argument("day", callback=_day)
@click.option("--actor", default="operator", show_default=True, help="Who removes (recorded in the audit trail).")
def remove_holiday(day: date, actor: str) -> None:
    """Make an added day off a working day again (public holidays stay)."""
    with transaction() as session:
        remove_day_off(session, day, actor)
    click.echo(f"{day.isoformat()} is a working day again")


@group.command("list")
@click.option("--year", type=click.IntRange(2000, 2100), help="Year (default: this year in Samarinda).")
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON form.")
def list_days(year: int | None, as_json: bool) -> None:
    """List the public holidays and added days off of a year."""
    year = year or clock.now().astimezone(clock.local_tz).year
    with transaction() as session:
        found = days_off(session, year)
    if as_json:
        dump([{"day": d.day.isoformat(), "name": d.name, "source": d.source} for d in found])
        return
    for entry in found:
        click.echo(f"{entry.day.isoformat()}  {entry.source:<14}  {entry.name}")
    click.echo(f"{len(found)} day(s) off in {year} besides weekends")
