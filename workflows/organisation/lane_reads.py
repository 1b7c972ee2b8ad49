"""Who acts in a position on a day, read in one prebuilt statement (the hot path of every new task).

`org.acting_in` and `org.holder_of` load ORM rows one query at a time (the post, the Plt/Plh, the
Plt/Plh again, the holder's assignment, then the holder); lane resolution runs for every new human
task, so it reads the same answer in one round trip. The statements are built once at import: building
and cache-keying a SQLAlchemy statement per call costs several times what SQLite takes to run it.
Nothing is cached between calls, so an org import, a transfer or a Plt/Plh appointment (even one
flushed earlier in the same transaction: `Session.execute` autoflushes) is seen by the next resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, ScalarSelect, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from ..models.org import ActingAssignment, Employee, Position, PositionAssignment

_ON = bindparam("on", type_=Date)


def _acting(column: object) -> ScalarSelect[object]:
    """The valid Plt/Plh of the outer position on `on` (the latest one), as in `org.acting_in`."""
    return (select(column).select_from(ActingAssignment)
            .join(Employee, Employee.id == ActingAssignment.employee_id)
            .where(ActingAssignment.position_id == Position.id, ActingAssignment.starts_on <= _ON,
                   ActingAssignment.ends_on >= _ON)
            .order_by(ActingAssignment.starts_on.desc(), ActingAssignment.id.desc()).limit(1)
            .correlate(Position).scalar_subquery())


#: The definitive holder who is aktif on `on`, as in `org.holder_of` (the latest assignment).
_HOLDER = (select(Employee.nip).select_from(PositionAssignment)
           .join(Employee, Employee.id == PositionAssignment.employee_id)
           .where(PositionAssignment.position_id == Position.id, PositionAssignment.started_on <= _ON,
                  Employee.status == "aktif",
                  or_(PositionAssignment.ended_on.is_(None), PositionAssignment.ended_on >= _ON))
           .order_by(PositionAssignment.started_on.desc(), PositionAssignment.id.desc()).limit(1)
           .correlate(Position).scalar_subquery())

_COLUMNS: Select[tuple[object, ...]] = select(
    Position.code, Position.name, Position.kind, _acting(ActingAssignment.kind).label("acting_kind"),
    _acting(Employee.nip).label("acting_nip"), _HOLDER.label("holder_nip"))
_BY_CODE = _COLUMNS.where(Position.code == bindparam("code"))
_BY_ID = _COLUMNS.where(Position.id == bindparam("id"))


@dataclass(frozen=True)
class Acting:
    """A position and who acts in it on a day: a valid Plt/Plh, else the aktif holder, else nobody."""

    code: str
    name: str
    kind: str
    acting_kind: str | None
    acting_nip: str | None
    holder_nip: str | None


def acting_by_code(session: Session, code: str, on: date) -> Acting | None:
    """Return who acts in the position with this code on a day; None when there is no such position."""
    row = session.execute(_BY_CODE, {"code": code, "on": on}).one_or_none()
    return Acting(*row) if row is not None else None


def acting_by_id(session: Session, position_id: int, on: date) -> Acting | None:
    """Return who acts in the position with this id on a day; None when there is no such position."""
    row = session.execute(_BY_ID, {"id": position_id, "on": on}).one_or_none()
    return Acting(*row) if row is not None else None
