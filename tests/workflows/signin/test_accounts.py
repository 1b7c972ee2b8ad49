"""Accounts: sign-in checks, password rules, and the operator's create/reset/disable through `kinerja user`."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from engine.clock import clock
from engine.errors import FormInvalid, InvalidInput, NotFound
from engine.models import AuditEvent
from workflows.models.org import UserAccount
from workflows.organisation.demo_org import EMPLOYEES, build_demo_org, demo_password
from workflows.signin import accounts

from ..conftest import Chart
from ..lifecycle import T0

TEMPORARY = re.compile(r"temporary password for (\S+): (\S+)")


@pytest.fixture
def user_cli(cli, session: Session):  # type: ignore[no-untyped-def]
    """Run `kinerja user ...` after ending the test session's read (SQLite lets no writer past it)."""
    def run(*args: str, code: int = 0) -> str:
        session.rollback()
        return str(cli("user", *args, code=code))
    return run


def account(session: Session, username: str) -> UserAccount:
    session.expire_all()
    return session.execute(select(UserAccount).where(UserAccount.username == username)).scalar_one()


def events(session: Session, kind: str) -> list[AuditEvent]:
    return list(session.execute(select(AuditEvent).where(AuditEvent.event_type == kind)
                                .order_by(AuditEvent.id)).scalars())


@pytest.fixture
def staff(session: Session) -> UserAccount:
    created, _ = accounts.create_account(session, "pengelola.test", "operator", roles=["pengelola_kinerja"])
    created.set_password("rahasia-lama-sekali")
    created.must_change_password = False
    session.commit()
    return created


def test_authenticate_accepts_only_the_right_password_of_an_active_account(session: Session, staff: UserAccount):
    assert accounts.authenticate(session, "pengelola.test", "rahasia-lama-sekali") is staff
    assert accounts.authenticate(session, " pengelola.test ", "rahasia-lama-sekali") is staff
    assert accounts.authenticate(session, "pengelola.test", "salah") is None
    assert accounts.authenticate(session, "tidak.ada", "rahasia-lama-sekali") is None
    staff.active = False
    assert accounts.authenticate(session, "pengelola.test", "rahasia-lama-sekali") is None


def test_an_older_hash_is_upgraded_to_scrypt_on_the_next_sign_in(session: Session, staff: UserAccount):
    staff.password_hash = generate_password_hash("rahasia-lama-sekali", method="pbkdf2:sha256:600000")
    session.commit()
    assert accounts.authenticate(session, "pengelola.test", "salah") is None
    assert account(session, "pengelola.test").password_hash.startswith("pbkdf2:")  # not on a failed try
    assert accounts.authenticate(session, "pengelola.test", "rahasia-lama-sekali") is not None
    session.commit()
    upgraded = account(session, "pengelola.test")
    assert upgraded.password_hash.startswith("scrypt:") and upgraded.check_password("rahasia-lama-sekali")


@pytest.mark.parametrize(("password", "codes"), [
    ("pendek-9c", ["password_too_short"]),
    ("xx-pengelola.test-xx", ["password_has_username"]),
    ("kinerja-pengelola", ["password_demo_pattern"]),
    ("KINERJA-1234567", ["password_demo_pattern"]),
    ("rahasia-lama-sekali", ["password_unchanged"]),
])
def test_a_new_password_breaking_a_rule_is_refused_and_nothing_changes(session: Session, staff: UserAccount,
                                                                       password: str, codes: list[str]):
    before = staff.password_hash
    with pytest.raises(FormInvalid) as refused:
        accounts.change_password(session, staff, "rahasia-lama-sekali", password)
    assert [e["code"] for e in refused.value.errors["new_password"]] == codes
    session.rollback()
    assert account(session, "pengelola.test").password_hash == before
    assert events(session, "password_changed") == []


def test_a_wrong_current_password_is_refused(session: Session, staff: UserAccount):
    with pytest.raises(FormInvalid) as refused:
        accounts.change_password(session, staff, "bukan-ini-sandinya", "sandi-baru-yang-kuat")
    assert list(refused.value.errors) == ["current_password"]


def test_a_password_change_is_audited_without_the_password_and_clears_the_forced_change(
        session: Session, staff: UserAccount):
    staff.must_change_password = True
    accounts.change_password(session, staff, "rahasia-lama-sekali", "sandi-baru-yang-kuat")
    session.commit()
    changed = account(session, "pengelola.test")
    assert changed.check_password("sandi-baru-yang-kuat") and not changed.must_change_password
    [event] = events(session, "password_changed")
    assert event.actor == "pengelola.test"
    assert "sandi-baru" not in event.data and changed.password_hash not in event.data


def test_temporary_passwords_pass_the_rules_and_differ():
    made = {accounts.temporary_password() for _ in range(50)}
    assert len(made) == 50
    assert all(accounts.password_problems(p, "operator") == [] for p in made)


def test_the_demo_builder_forces_a_change_and_clear_forced_change_lifts_it(session: Session,
                                                                          monkeypatch: pytest.MonkeyPatch):
    # A cheap hash: the builder hashes some eighty demo passwords.
    monkeypatch.setattr("workflows.models.org.generate_password_hash",
                        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"))
    clock.set(T0)
    build_demo_org(session, 2027)
    session.commit()
    nip = EMPLOYEES[0][0]
    assert account(session, nip).must_change_password and account(session, "admin").must_change_password
    assert accounts.clear_forced_change(session) == len(session.execute(select(UserAccount)).all())
    session.commit()
    assert not account(session, nip).must_change_password
    build_demo_org(session, 2027)  # existing accounts keep their flag (and their password)
    session.commit()
    assert not account(session, nip).must_change_password and account(session, nip).check_password(
        demo_password(nip))


def test_user_create_prints_a_temporary_password_that_must_be_changed(user_cli, session: Session, chart: Chart):
    nip = chart.people[next(iter(chart.people))].nip
    out = user_cli("create", nip, "--actor", "bkpsdm")
    username, password = TEMPORARY.search(out).groups()  # type: ignore[union-attr]
    created = account(session, nip)
    assert username == nip and created.employee is not None and created.employee.nip == nip
    assert created.must_change_password and created.check_password(password) and created.roles == []
    [event] = events(session, "account_created")
    assert event.actor == "bkpsdm" and json.loads(event.data)["employee_nip"] == nip
    assert password not in event.data and created.password_hash not in event.data
    assert "already exists" in user_cli("create", nip, code=1)


def test_user_create_of_staff_with_roles_and_a_scope(user_cli, session: Session, chart: Chart):
    user_cli("create", "pengelola.disduk", "--role", "pengelola_kinerja", "--scope", "DISDUK")
    created = account(session, "pengelola.disduk")
    assert created.roles == ["pengelola_kinerja"] and created.groups() == ["pengelola_kinerja:DISDUK"]
    assert created.employee is None
    assert "no unit 'NOPE'" in user_cli("create", "x.y", "--role", "admin", "--scope", "NOPE", code=1)
    assert "at least one --role" in user_cli("create", "x.y", code=1)
    assert "not a group name" in user_cli("create", "x.y", "--role", "Admin Kota", code=1)
    assert "no employee with NIP 199001012015011999" in user_cli("create", "199001012015011999", code=1)
    assert session.execute(select(UserAccount.username)).scalars().all() == ["pengelola.disduk"]


def test_reset_password_replaces_the_password_and_forces_a_change(user_cli, session: Session, staff: UserAccount):
    out = user_cli("reset-password", "pengelola.test")
    _, password = TEMPORARY.search(out).groups()  # type: ignore[union-attr]
    reset = account(session, "pengelola.test")
    assert reset.check_password(password) and not reset.check_password("rahasia-lama-sekali")
    assert reset.must_change_password
    [event] = events(session, "password_reset")
    assert event.actor == "operator" and password not in event.data
    assert "no account 'nobody'" in user_cli("reset-password", "nobody", code=1)


def test_disable_and_enable_are_audited_and_refused_when_nothing_changes(user_cli, session: Session,
                                                                         staff: UserAccount):
    assert "account pengelola.test disabled" in user_cli("disable", "pengelola.test", "--actor", "admin")
    assert not account(session, "pengelola.test").active
    assert "already disabled" in user_cli("disable", "pengelola.test", code=1)
    user_cli("enable", "pengelola.test")
    assert account(session, "pengelola.test").active
    assert [e.actor for e in events(session, "account_disabled")] == ["admin"]
    assert [e.actor for e in events(session, "account_enabled")] == ["operator"]


def test_domain_refusals_leave_nothing(session: Session):
    with pytest.raises(NotFound):
        accounts.set_active(session, "nobody", False, "admin")
    with pytest.raises(InvalidInput):
        accounts.create_account(session, "two words", "admin", roles=["admin"])
    assert session.execute(select(UserAccount)).first() is None and events(session, "account_created") == []
