"""Factory fixtures for the organisation: a small city chart built through the models, committed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.forms import custom as custom_forms
from engine.sandbox import functions
from workflows.appraisals import forms
from workflows.models import Employee, Position, Unit
from workflows.organisation import org
from workflows.script_functions import register_all

START = date(2026, 1, 2)


def make_nip(birth: str = "19800101", tmt: str = "200501", gender: str = "1", seq: int = 1) -> str:
    """Return a structurally valid NIP."""
    return f"{birth}{tmt}{gender}{seq:03d}"


@dataclass
class Chart:
    """The units, positions and employees of a test city, by code / short name."""

    session: Session
    units: dict[str, Unit] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    people: dict[str, Employee] = field(default_factory=dict)

    def unit(self, code: str, kind: str, parent: str | None = None) -> Unit:
        unit = Unit(code=code, name=f"Unit {code}", kind=kind, public_service=False,
                    parent=self.units[parent] if parent else None)
        self.session.add(unit)
        self.units[code] = unit
        return unit

    def position(self, code: str, kind: str, unit: str, reports_to: str | None = None, head: bool = False
                 ) -> Position:
        position = Position(code=code, name=f"Jabatan {code}", kind=kind, unit=self.units[unit],
                            reports_to=self.positions[reports_to] if reports_to else None)
        self.session.add(position)
        self.positions[code] = position
        if head:
            self.units[unit].head_position = position
        return position

    def person(self, name: str, position: str | None, status: str = "aktif", seq: int | None = None,
               kind: str = "pns") -> Employee:
        nip = make_nip(seq=seq or len(self.people) + 1)
        employee = Employee(nip=nip, name=name, kind=kind, status=status, gender="L", updated_at=clock.now())
        self.session.add(employee)
        if position:
            org.transfer(self.session, employee, self.positions[position], START)
        self.people[name] = employee
        return employee


@pytest.fixture
def chart(session: Session) -> Chart:
    """Build PEMKOT > (SETDA, DISDUK > BIDANG > SEKSI) with one position of every kind, and commit.

    Holders: Wali Kota vacant; sekda, kadis, kabid, kasi, staf (pelaksana), fungsional, koordinator
    (a fungsional the pelaksana `staf2` reports to).
    """
    c = Chart(session)
    c.unit("PEMKOT", "pemkot")
    c.unit("SETDA", "sekretariat", "PEMKOT")
    c.unit("DISDUK", "dinas", "PEMKOT")
    c.unit("BIDANG", "bidang", "DISDUK")
    c.unit("SEKSI", "seksi", "BIDANG")
    c.position("WALIKOTA", "wali_kota", "PEMKOT", head=True)
    c.position("SEKDA", "sekda", "SETDA", "WALIKOTA", head=True)
    c.position("KADIS", "jpt_pratama", "DISDUK", "WALIKOTA", head=True)
    c.position("KABID", "administrator", "BIDANG", "KADIS", head=True)
    c.position("KASI", "pengawas", "SEKSI", "KABID", head=True)
    c.position("STAF", "pelaksana", "SEKSI", "KASI")
    c.position("JF", "fungsional", "BIDANG", "KABID")
    c.position("KOORD", "fungsional", "SEKSI", "KASI")
    c.position("STAF2", "pelaksana", "SEKSI", "KOORD")
    for name, position in [("sekda", "SEKDA"), ("kadis", "KADIS"), ("kabid", "KABID"), ("kasi", "KASI"),
                           ("staf", "STAF"), ("fungsional", "JF"), ("koordinator", "KOORD"),
                           ("staf2", "STAF2"), ("cadangan", None)]:
        c.person(name, position)
    session.commit()
    return c


@pytest.fixture
def script_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the appraisal-record functions and custom forms as create_app does in production.

    They go on copies of the sandbox and custom-form registries, so tests elsewhere see the engine's own.
    """
    monkeypatch.setattr(functions, "_registry", dict(functions._registry))
    monkeypatch.setattr(custom_forms, "_REGISTRY", dict(custom_forms._REGISTRY))
    register_all()
    forms.register_all()
