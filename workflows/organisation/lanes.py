"""Lane resolution for the appraisal processes: a BPMN lane name becomes concrete users or groups.

Resolution runs inside `engine.inbox.sync`, that is during a save, inside the caller's transaction.
A separate session (a `sessionmaker` given to the resolver) would not see organisation changes the
same transaction made (an acting official appointed a moment ago), and on SQLite it would wait for
the caller's write lock. So the resolver reads through the caller's own session, which the engine
makes current while it syncs the inbox (`engine.context.current_run().session`). A caller outside
an engine step (a preview of who would get a task) passes `current_session=lambda: session`.

Who acts in a post is read afresh for every task, in one prebuilt statement (`lane_reads`); nothing is
cached between resolutions, so an org import, a transfer or a Plt/Plh is seen by the very next one.

Without a session the resolution fails; the inbox then gives the task to the operators group with
`properties.assignment_error` rather than losing it. A lane not listed here resolves to nobody (unless
the task has assignment attributes), which the inbox reports the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine.context import current_run
from engine.definitions.checks.bpmn import ASSIGNMENT_ATTRIBUTES
from engine.errors import NotFound
from engine.runtime.human_tasks.assignment import Assignment, AttributeResolver

from . import lane_reads, org

#: Candidate group of a position no employee can hold (the Wali Kota is elected, not ASN).
WALI_KOTA_GROUP = "wali_kota"


class UnresolvedLane(LookupError):
    """A lane could not be turned into a user: missing variable, unknown code, vacant post."""


def engine_session() -> Session | None:
    """Return the session of the engine step in progress, or None outside one."""
    try:
        return current_run().session
    except RuntimeError:
        return None


def opd_group(opd_code: str) -> str:
    """Return the candidate group of the performance managers (pengelola kinerja) of an OPD."""
    return f"pengelola_kinerja:{opd_code}"


class LaneResolver:
    """Resolve appraisal lanes from the instance's variables and the organisation chart.

    - a task with camunda:assignee / candidateUsers / candidateGroups keeps those (e.g. the
      multi-rater `Rekan Kerja` task assigned `${rekan}`), as does a task in an unknown lane;
    - `Pegawai`: the employee, variable `nip`;
    - `Pejabat Penilai` / `Atasan Pejabat Penilai`: whoever acts today (a valid Plt/Plh first) in
      the position coded in `jabatan_penilai_kode` / `jabatan_atasan_penilai_kode`;
    - `Pengelola Kinerja`: group `pengelola_kinerja:<OPD code>` of the OPD of `unit_kode` only;
      BKPSDM staff oversee the whole city through their own roles, not through every task;
    - `Pemutus Keberatan`: whoever acts in `jabatan_pemutus_keberatan_kode`, the position that decides
      an appeal (the appraiser's superior, or who decides instead: `appeals.choose_decider`);
    - `Pimpinan Unit`: whoever acts in the head position of the unit above the calibration unit
      (`unit_kalibrasi_kode`, else `unit_kode`): the leader who calibrates it.
    """

    def __init__(self, current_session: Callable[[], Session | None] = engine_session,
                 settings: org.OrgSettings = org.DEFAULT_SETTINGS,
                 today: Callable[[], date] = org.today) -> None:
        self.current_session = current_session
        self.settings = settings
        self.today = today
        self.attributes = AttributeResolver()
        self.lanes: dict[str, Callable[[Session, Any], Assignment]] = {
            "Pegawai": self._pegawai,
            "Pejabat Penilai": lambda s, t: self._position_lane(s, t, "jabatan_penilai_kode"),
            "Atasan Pejabat Penilai": lambda s, t: self._position_lane(s, t, "jabatan_atasan_penilai_kode"),
            "Pengelola Kinerja": self._pengelola,
            "Pemutus Keberatan": lambda s, t: self._position_lane(s, t, "jabatan_pemutus_keberatan_kode"),
            "Pimpinan Unit": self._pimpinan,
        }

    def resolve(self, task: Any) -> Assignment:
        """Return the assignment of a READY task."""
        ext = task.task_spec.extensions or {}
        lane = (task.task_spec.lane or "").strip()
        if any((ext.get(name) or "").strip() for name in ASSIGNMENT_ATTRIBUTES) or lane not in self.lanes:
            return self.attributes.resolve(task)
        session = self.current_session()
        if session is None:
            raise UnresolvedLane(f"lane {lane!r} needs a database session: resolve inside an engine step "
                                 "or give LaneResolver a current_session")
        return self.lanes[lane](session, task)

    def _pegawai(self, session: Session, task: Any) -> Assignment:
        return Assignment(assignee=str(_variable(task, "nip")))

    def _position_lane(self, session: Session, task: Any, variable: str) -> Assignment:
        code = str(_variable(task, variable))
        on = self.today()
        acting = lane_reads.acting_by_code(session, code, on)
        if acting is None:
            raise UnresolvedLane(f"{variable}: no position with code {code!r}")
        return self._acting_in(acting, on)

    def _acting_in(self, acting: lane_reads.Acting, on: date) -> Assignment:
        if acting.acting_nip is not None:  # labelled so the inbox shows on whose behalf (Plt/Plh) the task came
            return Assignment(assignee=acting.acting_nip, acting_for={
                "kind": str(acting.acting_kind), "position_code": acting.code, "position_name": acting.name})
        if acting.holder_nip is not None:
            return Assignment(assignee=acting.holder_nip)
        if acting.kind == "wali_kota":
            return Assignment(candidate_groups=[WALI_KOTA_GROUP])
        raise UnresolvedLane(f"position {acting.code} ({acting.name}) is vacant on {on} "
                             "and has no valid Plt/Plh")

    def _pengelola(self, session: Session, task: Any) -> Assignment:
        unit = self._unit(session, task)
        return Assignment(candidate_groups=[opd_group(org.opd_of(unit).code)])

    def _pimpinan(self, session: Session, task: Any) -> Assignment:
        unit = self._unit(session, task, "unit_kalibrasi_kode" if task.data.get("unit_kalibrasi_kode")
                          else "unit_kode")
        position = org.leader_above(session, unit, self.settings)
        on = self.today()
        acting = lane_reads.acting_by_id(session, position.id, on) if position is not None else None
        if acting is None:
            raise UnresolvedLane(f"unit {unit.code} has no unit above it with a head position")
        return self._acting_in(acting, on)

    def _unit(self, session: Session, task: Any, variable: str = "unit_kode") -> Any:
        code = str(_variable(task, variable))
        try:
            return org.unit_by_code(session, code)
        except NotFound:
            raise UnresolvedLane(f"{variable}: no unit with code {code!r}")


def _variable(task: Any, name: str) -> Any:
    value = task.data.get(name)
    if value is None or value == "":
        raise UnresolvedLane(f"lane {task.task_spec.lane!r} needs the process variable {name!r}")
    return value
