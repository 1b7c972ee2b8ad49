"""`kinerja cycle open|transfer|overdue`: start the year's calibrations and cycles; move cycles after transfers;
list what is overdue."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from engine.clock import clock
from engine.expressions import ExpressionError, check_timer_value
from workflows.appraisals.records import RecordInvalid
from workflows.cycle import transfers
from workflows.cycle.cycles import CycleSettings, CycleSummary, open_cycle
from workflows.cycle.periods import days_of
from workflows.models.periods import JENIS_PERIODE
from workflows.organisation import org
from workflows.organisation.org import OrgSettings
from workflows.oversight import overdue

from . import fail, transaction

group = AppGroup("cycle", help="The yearly appraisal cycle.")


def _timer(kind: str) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    """Return a click callback refusing a value the process's timers would not accept."""
    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is not None:
            try:
                check_timer_value(value, kind)
            except ExpressionError as exc:
                raise click.BadParameter(str(exc)) from None
        return value
    return check


def _days(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse a period setting that is not a number of days (P5D)."""
    if value is not None:
        try:
            days_of(param.name or "", value)
        except RecordInvalid as exc:
            raise click.BadParameter(str(exc)) from None
    return value


@group.command("open")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.option("--unit", "unit_code", help="Only this unit and its sub-units (default: the whole city).")
@click.option("--actor", default="operator", show_default=True, help="Who opens (recorded in the audit trail).")
@click.option("--batas-skp", callback=_timer("timeDate"), help="SKP deadline, ISO date(-time) (default: 31 Jan).")
@click.option("--pengingat-skp", callback=_timer("timeDate"), help="SKP reminder (default: 7 days before).")
@click.option("--jenis-periode", type=click.Choice(JENIS_PERIODE),
              help="Monitoring periods of this cycle (default: the agency's, else triwulanan).")
@click.option("--batas-pengisian-periode", callback=_days, help="Input deadline after a period's end, e.g. P5D.")
@click.option("--buka-realisasi", callback=_days, help="Realisation task opens before a period's end, e.g. P7D.")
@click.option("--mulai-penilaian-tahunan", callback=_timer("timeDate"),
              help="Annual rating opens (default: 1 January of the next year).")
@click.option("--batas-penilaian-tahunan", callback=_timer("timeDate"),
              help="Annual rating due (default: 31 January of the next year).")
@click.option("--batas-umpan-balik", callback=_timer("timeDuration"), help="How long raters have, e.g. P14D.")
@click.option("--jendela-keberatan", callback=_timer("timeDuration"), help="Objection window, e.g. P14D.")
@click.option("--masa-perbaikan", callback=_timer("timeDuration"), help="Improvement period, e.g. P6M.")
@click.option("--umpan-balik-rekan/--tanpa-umpan-balik-rekan", "pakai_umpan_balik_rekan", default=None,
              help="Run the multi-rater stage (default: as the process says).")
@click.option("--batas-kalibrasi", callback=_timer("timeDate"),
              help="Calibration deadline, ISO date(-time) (default: 15 Feb of the next year).")
@click.option("--min-kelompok-kurva", type=click.IntRange(1, 10000),
              help="Smallest calibration group whose curve is enforced (default: 10).")
@click.option("--min-penilai-agregat", type=click.IntRange(2, 50),
              help="Raters needed per question before a multi-rater mean is shown (default 3).")
@click.option("--min-kelompok-publikasi", type=click.IntRange(1, 10000),
              help="Smallest calibration group whose predikat distribution is published (default 5).")
@click.option("--confirm-late", is_flag=True,
              help="Open even though the cycle's deadlines have passed (recorded in the audit trail).")
def open_command(year: int, unit_code: str | None, actor: str, confirm_late: bool, **chosen: Any) -> None:
    """Start one kalibrasi_unit per calibration unit, then one siklus_kinerja per eligible employee (idempotent).

    Deadlines and windows not given take the defaults written in siklus_kinerja.bpmn."""
    settings = CycleSettings(org_settings=OrgSettings(jpt_appraiser=current_app.config["KINERJA_JPT_APPRAISER"]),
                             **chosen)
    with transaction() as session:
        summary = open_with_progress(session, year, unit_code, actor, settings, confirm_late=confirm_late)
    print_summary(summary)


@group.command("transfer")
@click.argument("nips", nargs=-1)
@click.option("--year", type=click.IntRange(2000, 2100), help="Cycle year (default: this year).")
@click.option("--all", "all_moved", is_flag=True,
              help="Every employee whose running cycle was opened for another position than theirs now.")
@click.option("--actor", default="operator", show_default=True, help="Who moves (recorded in the audit trail).")
@click.option("--batas-skp-pindah", callback=_timer("timeDuration"),
              help="New SKP deadline counted from the transfer date, e.g. P30D (default: as the process says).")
def transfer_command(nips: tuple[str, ...], year: int | None, all_moved: bool, actor: str,
                     batas_skp_pindah: str | None) -> None:
    """After a transfer (org import, Plt ends...), end the employee's running cycle and start one for the
    new position; the year's calibrations follow (docs/operators.md)."""
    if bool(nips) == all_moved:
        fail("give NIPs or --all")
    year = year or org.today().year
    settings = CycleSettings(org_settings=OrgSettings(jpt_appraiser=current_app.config["KINERJA_JPT_APPRAISER"]),
                             batas_skp_pindah=batas_skp_pindah)
    with transaction() as session:
        employees = (transfers.moved_employees(session, year) if all_moved
                     else [org.employee_by_nip(session, nip) for nip in nips])
        result = transfers.follow(session, employees, year, actor, settings=settings, commit=session.commit)
    for nip, key in result.restarted.items():
        click.echo(f"{nip}: new cycle {key}")
        for partial in result.partial.get(nip, []):
            click.echo(f"{nip}: the old appraiser rates the months before the transfer ({partial})")
    for nip, reason in result.problems:
        click.echo(f"problem {nip}: {reason}", err=True)
    click.echo(f"{len(result.restarted)} cycle(s) moved, {len(result.problems)} problem(s)")
    if result.problems:
        sys.exit(1)


def open_with_progress(session: Any, year: int, unit_code: str | None, actor: str,
                       settings: CycleSettings, *, confirm_late: bool = False) -> CycleSummary:
    """Run open_cycle behind a click progress bar, committing each batch."""
    bars: list[Any] = []
    shown = [0]

    def progress(done: int, total: int) -> None:
        if not bars:  # the total is known only once the organisation has been read
            bars.append(click.progressbar(length=total, label=f"opening {year}", file=sys.stderr))
            bars[0].__enter__()
        bars[0].update(done - shown[0])
        shown[0] = done

    try:
        return open_cycle(session, year, unit_code, actor=actor, settings=settings, commit=session.commit,
                          on_progress=progress, confirm_late=confirm_late)
    finally:
        if bars:
            bars[0].__exit__(None, None, None)


def print_summary(summary: CycleSummary) -> None:
    """Print the counts per process, then every skipped employee or unit and every problem."""
    click.echo(f"cycle {summary.year}:")
    for kind, result in summary.kinds.items():
        click.echo(f"  {kind}: {len(result.started)} started, {len(result.existing)} already started, "
                   f"{len(result.skipped)} skipped, {len(result.problems)} problem(s)")
    for kind, result in summary.kinds.items():
        for label, reason in result.skipped:
            click.echo(f"  skipped {kind} {label}: {reason}")
        for label, reason in result.problems:
            click.echo(f"  problem {kind} {label}: {reason}")
        for nip in result.joined:
            click.echo(f"  joined {kind}: {nip} (member on record, missing from its calibration)")


@group.command("overdue")
@click.option("--unit", "unit_code", required=True, help="The OPD (or any unit): its employees and sub-units.")
@click.option("--tahun", type=click.IntRange(2000, 2100), help="Only this appraisal year.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def overdue_command(unit_code: str, tahun: int | None, as_json: bool) -> None:
    """Every cycle of the unit's employees overdue at any stage, most overdue first (docs/operators.md)."""
    with transaction() as session:
        rows = overdue.overdue(session, unit_code, tahun)
    if as_json:
        click.echo(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
        return
    for row in rows:
        due = row.batas.astimezone(clock.local_tz).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{row.hari_terlambat:>4} hari  {due}  {row.nip}  {row.nama}  {row.unit_kode}  "
                   f"{row.tahap}: {row.tugas}  ({row.penerima or 'belum diambil'})")
    click.echo(f"{len(rows)} terlambat di {unit_code}" + (f" ({tahun})" if tahun else ""))
