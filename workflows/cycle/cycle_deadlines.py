"""A late cycle opening says so: the cycle's deadlines that have already passed, and the explicit confirmation.

The deadlines are not repeated here: they are the `batas_*` settings the *Tetapkan pengaturan siklus*
script of the deployed siklus_kinerja computes (`value_of(name, default)`), run with the year and what the
operator set, so a default changed in the BPMN (or a deadline added there) is checked as written.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import clock
from engine.definitions import specs
from engine.errors import InvalidState
from engine.models import Instance
from engine.runtime.human_tasks.task_dates import moment_of
from engine.sandbox.environment import SandboxEnvironment
from engine.workdays import reading_days_off

__all__ = ["SETTINGS_TASK", "LateOpening", "PassedDeadline", "check_opening", "cycle_settings", "passed_deadlines"]

#: The script task of siklus_kinerja.bpmn that sets the cycle's deadlines and windows.
SETTINGS_TASK = "Task_pengaturan_siklus"
_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class PassedDeadline:
    """A deadline setting of the cycle whose moment is already behind the engine clock."""

    name: str
    value: str
    moment: datetime

    def describe(self) -> str:
        """Return `name = value (passed on ... WITA)` for messages."""
        local = self.moment.astimezone(clock.local_tz)
        return f"{self.name} = {self.value} (passed {local:%Y-%m-%d %H:%M} WITA)"


class LateOpening(InvalidState):
    """Opening would start cycles whose deadlines already passed, and nobody confirmed it."""

    code = "late_cycle_opening"


def _settings_script(session: Session) -> str | None:
    """Return the source of the settings script of the latest siklus_kinerja, or None if it has none."""
    version = specs.require_latest(session, "siklus_kinerja")
    for text in (version.files or {}).values():
        root = etree.fromstring(text.encode() if isinstance(text, str) else text)
        for script in root.iterfind(f".//{{{_BPMN}}}scriptTask[@id='{SETTINGS_TASK}']/{{{_BPMN}}}script"):
            return script.text or ""
    return None


def cycle_settings(session: Session, year: int, chosen: dict[str, Any]) -> dict[str, Any]:
    """Return the settings a cycle of year gets: the settings script run over `tahun` and the chosen values.

    Statements run one by one; one that needs what only an employee's cycle has is skipped, since the
    deadlines of the year do not depend on it.
    """
    source = _settings_script(session)
    data: dict[str, Any] = {"tahun": year, **chosen}
    if not source:
        return data
    try:
        statements = ast.parse(source).body
    except SyntaxError:
        return data
    environment = SandboxEnvironment()
    with reading_days_off(session):  # a default counted in working days sees the cuti bersama days
        for statement in statements:
            segment = ast.get_source_segment(source, statement)
            if not segment:
                continue
            try:
                environment.execute(segment, data)
            except Exception:
                continue  # a statement needing an employee's data does not set a deadline of the year
    return data


def passed_deadlines(session: Session, year: int, chosen: dict[str, Any]) -> list[PassedDeadline]:
    """Return the cycle's `batas_*` date settings that are before the engine clock's now."""
    now = clock.now()
    passed = []
    for name, value in sorted(cycle_settings(session, year, chosen).items()):
        if not name.startswith("batas_") or not isinstance(value, str) or not _DATE.match(value):
            continue
        try:
            moment = moment_of(value, now)
        except ValueError:
            continue
        if moment is not None and moment < now:
            passed.append(PassedDeadline(name, value, moment))
    return passed


def _anything_new(session: Session, keys: list[str]) -> bool:
    if not keys:
        return False
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        found.update(session.execute(select(Instance.business_key).where(
            Instance.business_key.in_(keys[i:i + 500]))).scalars())
    return len(found) < len(set(keys))


def check_opening(session: Session, year: int, chosen: dict[str, Any], keys: list[str], *, actor: str,
                  unit_code: str | None, confirm_late: bool) -> list[PassedDeadline]:
    """Refuse to start instances (business keys) of a cycle whose deadlines passed, unless confirmed.

    A confirmed late opening is audited with the deadlines it passed; a rerun that starts nothing new is
    not checked, so an opening already done stays idempotent.
    """
    if not _anything_new(session, keys):
        return []
    passed = passed_deadlines(session, year, chosen)
    if not passed:
        return []
    listed = "; ".join(p.describe() for p in passed)
    if not confirm_late:
        raise LateOpening(
            f"the {year} cycle's deadlines have already passed: {listed}. Opening now would start every SKP "
            "overdue and escalate it at once. Give later deadlines (e.g. --batas-skp) or confirm with "
            "--confirm-late.", deadlines={p.name: p.value for p in passed})
    audit.record(session, "cycle_opened_late", actor, data={
        "tahun": year, "unit": unit_code, "deadlines": {p.name: p.value for p in passed}})
    return passed
