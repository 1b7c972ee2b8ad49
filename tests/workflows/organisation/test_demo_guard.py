"""`kinerja demo` never adds its known-password accounts to a real organisation or a production system."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from engine.clock import clock
from engine.models import SpecVersion
from tests.conftest import FIXTURES
from tests.workflows.lifecycle import T0
from workflows.models.org import Employee, Unit, UserAccount
from workflows.organisation.demo_guard import DemoRefused, check_demo_allowed
from workflows.organisation.demo_org import build_demo_org


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash demo passwords cheaply: scrypt for ~80 accounts costs seconds per test."""
    monkeypatch.setattr("workflows.models.org.generate_password_hash",
                        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"))


def totals(sessions) -> tuple[int, ...]:
    with sessions() as session:
        return tuple(session.execute(select(func.count()).select_from(model)).scalar_one()
                     for model in (Unit, Employee, UserAccount, SpecVersion))


def test_the_demo_refuses_a_database_holding_a_real_organisation_and_says_what_is_there(cli, sessions):
    cli("org", "import", str(FIXTURES / "workflows" / "org.csv"), "--on", "2026-03-02")
    before = totals(sessions)
    out = cli("demo", "--year", "2027", code=1)
    assert "error: this database holds an organisation the demo did not make" in out
    assert "7 employee(s): 197005151995031002, 197508202000122001, 198003102005011003, 198507072010012004, " \
           "199201152019031005, ..." in out
    assert "3 unit(s): DUKCAPIL, DUKCAPIL.DAFDUK, DUKCAPIL.DAFDUK.ID;" in out  # PEMKOT and SETDA are demo codes
    assert "published passwords" in out and "--force" in out
    assert totals(sessions) == before and before[2] == 0  # not one account, nothing deployed


def test_force_lets_the_demo_join_a_test_organisation(session: Session):
    session.add(Unit(code="DINKES", name="Dinas Kesehatan", kind="dinas"))
    session.flush()
    with pytest.raises(DemoRefused) as refused:
        check_demo_allowed(session, production=False, force=False)
    assert refused.value.details["foreign"] == {"unit": ["DINKES"]}
    check_demo_allowed(session, production=False, force=True)


def test_the_demo_runs_again_on_its_own_organisation_even_after_additions(session: Session):
    clock.set(T0)
    build_demo_org(session, 2027)
    session.commit()
    check_demo_allowed(session, production=False, force=False)  # `make run` twice keeps working
    session.add(Unit(code="DINKES", name="Dinas Kesehatan", kind="dinas"))
    session.flush()
    check_demo_allowed(session, production=False, force=False)  # every demo account exists: a rerun adds none
    session.execute(delete(UserAccount).where(UserAccount.username == "admin"))
    with pytest.raises(DemoRefused, match=r"1 unit\(s\): DINKES"):
        check_demo_allowed(session, production=False, force=False)


def test_production_mode_refuses_the_demo_even_forced_on_an_empty_database(database_url: str, sessions,
                                                                          tmp_path: Path):
    from webui import create_app
    app = create_app({"DATABASE_URL": database_url, "ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    result = app.test_cli_runner().invoke(args=["demo", "--force"])
    assert result.exit_code == 1
    assert "error: kinerja demo never runs in production mode (KINERJA_ENV=production)" in result.output
    assert totals(sessions) == (0, 0, 0, 0)
