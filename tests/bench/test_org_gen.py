"""bench.org_gen: the generated city is a file `kinerja org import` takes whole, with an appraiser for everyone."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bench import org_gen
from workflows.models import Employee, Unit
from workflows.organisation import org
from workflows.organisation.org_import import import_org

ON = date(2027, 1, 4)


def test_the_generated_city_imports_without_a_refused_row(session):
    data = org_gen.write_csv(employees=150, opds=3)
    result = import_org(session, data, actor="bench", file="city.csv", on=ON)
    session.commit()
    assert result.skipped == []
    employees = session.execute(select(Employee)).scalars().all()
    assert len(employees) == 150
    assert len({e.nip for e in employees}) == 150
    units = session.execute(select(Unit)).scalars().all()
    assert len([u for u in units if u.parent is not None and u.parent.kind == "pemkot"]) == 3


def test_everyone_but_the_sekda_reports_to_a_held_position(session):
    import_org(session, org_gen.write_csv(employees=80, opds=2), actor="bench", file="city.csv", on=ON)
    session.commit()
    for employee in session.execute(select(Employee)).scalars():
        superior = employee.position.reports_to
        assert superior is not None
        if employee.position.kind == "sekda":
            assert superior.kind == "wali_kota"  # elected, vacant in the chart: the group takes it
        else:
            assert org.holder_of(session, superior, ON) is not None, employee.position.code


def test_the_same_size_gives_the_same_file():
    assert org_gen.write_csv(employees=120, opds=2) == org_gen.write_csv(employees=120, opds=2)
    assert org_gen.write_csv(employees=120, opds=2) != org_gen.write_csv(employees=121, opds=2)
