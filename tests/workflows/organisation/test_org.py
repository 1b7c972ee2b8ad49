"""The organisation chart at work: appraiser chain, acting officials, eligibility, transfers, accounts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.clock import clock
from engine.errors import InvalidInput, NotFound
from workflows.models import PositionAssignment, UserAccount
from workflows.organisation import org
from workflows.organisation.org import OrgSettings

SEKDA = OrgSettings(jpt_appraiser="sekda")


def codes(session, chart, code, settings=org.DEFAULT_SETTINGS):
    position = chart.positions[code]
    penilai = org.pejabat_penilai_position(session, position, settings)
    atasan = org.atasan_pejabat_penilai_position(session, position, settings)
    return (penilai.code if penilai else None, atasan.code if atasan else None)


@pytest.mark.parametrize(("code", "wali_kota", "sekda"), [
    ("WALIKOTA", (None, None), (None, None)),
    ("SEKDA", ("WALIKOTA", None), ("WALIKOTA", None)),
    ("KADIS", ("WALIKOTA", None), ("SEKDA", "WALIKOTA")),
    ("KABID", ("KADIS", "WALIKOTA"), ("KADIS", "SEKDA")),
    ("KASI", ("KABID", "KADIS"), ("KABID", "KADIS")),
    ("STAF", ("KASI", "KABID"), ("KASI", "KABID")),
    ("JF", ("KABID", "KADIS"), ("KABID", "KADIS")),
    # A pelaksana under a fungsional coordinator is appraised by the nearest structural superior.
    ("STAF2", ("KASI", "KABID"), ("KASI", "KABID")),
])
def test_appraiser_chain_for_every_position_kind(session, chart, code, wali_kota, sekda):
    assert codes(session, chart, code) == wali_kota
    assert codes(session, chart, code, SEKDA) == sekda


def test_settings_come_from_config_or_environment(monkeypatch):
    assert OrgSettings.from_config({}).jpt_appraiser == "wali_kota"
    assert OrgSettings.from_config({"JPT_APPRAISER": "sekda"}) == SEKDA
    monkeypatch.setenv("KINERJA_JPT_APPRAISER", "sekda")
    assert OrgSettings.from_config() == SEKDA
    with pytest.raises(InvalidInput, match="JPT_APPRAISER"):
        OrgSettings(jpt_appraiser="wakil")


def test_opd_and_the_leader_above_a_unit(session, chart):
    assert org.opd_of(chart.units["SEKSI"]).code == "DISDUK"
    assert org.opd_of(chart.units["DISDUK"]).code == "DISDUK"
    assert org.leader_above(session, chart.units["SEKSI"]).code == "KABID"
    assert org.leader_above(session, chart.units["DISDUK"]).code == "WALIKOTA"
    assert org.leader_above(session, chart.units["DISDUK"], SEKDA).code == "SEKDA"
    assert org.leader_above(session, chart.units["PEMKOT"]) is None


def test_lookups_by_code_raise_not_found(session, chart):
    assert org.unit_by_code(session, "SEKSI") is chart.units["SEKSI"]
    assert org.employee_by_nip(session, chart.people["kasi"].nip) is chart.people["kasi"]
    for lookup in (org.unit_by_code, org.position_by_code, org.employee_by_nip):
        with pytest.raises(NotFound):
            lookup(session, "NOPE")


def test_acting_official_wins_while_valid_and_not_after(session, chart):
    kasi = chart.positions["KASI"]
    assert org.holder_of(session, kasi, date(2026, 3, 1)) is chart.people["kasi"]
    org.appoint_acting(session, kasi, chart.people["koordinator"], "plh", date(2026, 3, 2), date(2026, 3, 6),
                       "Kepala Seksi cuti tahunan")
    session.commit()
    assert org.holder_of(session, kasi, date(2026, 3, 1)) is chart.people["kasi"]
    assert org.holder_of(session, kasi, date(2026, 3, 2)) is chart.people["koordinator"]
    assert org.holder_of(session, kasi, date(2026, 3, 6)) is chart.people["koordinator"]
    assert org.holder_of(session, kasi, date(2026, 3, 7)) is chart.people["kasi"]
    assert org.holder_of(session, kasi, date(2025, 12, 31)) is None  # before anyone held it


def test_plt_fills_a_vacant_post(session, chart):
    kabid = chart.positions["KABID"]
    org.transfer(session, chart.people["kabid"], chart.positions["JF"], date(2026, 4, 1))
    assert org.holder_of(session, kabid, date(2026, 3, 31)) is chart.people["kabid"]
    assert org.holder_of(session, kabid, date(2026, 4, 1)) is None
    org.appoint_acting(session, kabid, chart.people["kasi"], "plt", date(2026, 4, 1), date(2026, 6, 30),
                       "SPT Wali Kota 800/123")
    assert org.holder_of(session, kabid, date(2026, 5, 1)) is chart.people["kasi"]
    assert org.holder_of(session, kabid, date(2026, 7, 1)) is None


def test_a_holder_who_is_not_aktif_leaves_the_post_vacant(session, chart):
    kasi = chart.positions["KASI"]
    chart.people["kasi"].status = "tugas_belajar"
    assert org.holder_of(session, kasi, date(2026, 3, 1)) is None
    org.appoint_acting(session, kasi, chart.people["koordinator"], "plt", date(2026, 3, 1), date(2026, 12, 31),
                       "Kepala Seksi tugas belajar")
    assert org.holder_of(session, kasi, date(2026, 3, 1)) is chart.people["koordinator"]


@pytest.mark.parametrize(("kind", "ends", "reason", "words"), [
    ("pjs", date(2026, 3, 9), "x", "plt or plh"),
    ("plt", date(2026, 3, 1), "x", "before it starts"),
    ("plt", date(2026, 3, 9), " ", "reason"),
])
def test_acting_appointment_is_checked(session, chart, kind, ends, reason, words):
    with pytest.raises(InvalidInput, match=words):
        org.appoint_acting(session, chart.positions["KASI"], chart.people["staf"], kind, date(2026, 3, 2), ends,
                           reason)


@pytest.mark.parametrize(("status", "expected"), [
    ("aktif", True), ("cltn", False), ("diberhentikan_sementara", False), ("tugas_belajar", False),
    ("mpp", False), ("pensiun", False), ("berhenti", False),
])
def test_eligibility_follows_the_status(chart, status, expected):
    employee = chart.people["staf"]
    employee.status = status
    assert org.eligible(employee) is expected


def test_transfer_closes_the_current_assignment_and_keeps_history(session, chart):
    staf = chart.people["staf"]
    moved = org.transfer(session, staf, chart.positions["JF"], date(2026, 7, 1))
    session.commit()
    assert moved.previous_position is chart.positions["STAF"]
    assert moved.closed is not None and moved.closed.ended_on == date(2026, 6, 30)
    assert moved.opened.started_on == date(2026, 7, 1) and moved.opened.ended_on is None
    assert staf.position is chart.positions["JF"]
    history = session.execute(select(PositionAssignment).where(PositionAssignment.employee_id == staf.id)
                              .order_by(PositionAssignment.started_on)).scalars().all()
    assert [(a.position.code, a.started_on, a.ended_on) for a in history] == [
        ("STAF", date(2026, 1, 2), date(2026, 6, 30)), ("JF", date(2026, 7, 1), None)]
    assert org.holder_of(session, chart.positions["STAF"], date(2026, 6, 30)) is staf
    assert org.holder_of(session, chart.positions["STAF"], date(2026, 7, 1)) is None


def test_first_placement_opens_without_closing(session, chart):
    moved = org.transfer(session, chart.people["cadangan"], chart.positions["STAF"], date(2026, 2, 1))
    assert moved.closed is None and moved.previous_position is None
    assert org.current_assignment(session, chart.people["cadangan"]) is moved.opened


def test_transfer_is_refused_to_the_same_post_or_too_early(session, chart):
    with pytest.raises(InvalidInput, match="already holds"):
        org.transfer(session, chart.people["staf"], chart.positions["STAF"], date(2026, 5, 1))
    with pytest.raises(InvalidInput, match="must be after"):
        org.transfer(session, chart.people["staf"], chart.positions["JF"], date(2026, 1, 2))


def test_account_password_is_hashed_and_groups_carry_the_scope(session, chart):
    account = UserAccount(username="pk.disduk", roles=["pengelola_kinerja"], scope_unit_code="DISDUK",
                          active=True, created_at=clock.now())
    account.set_password("rahasia-123")
    session.add(account)
    session.commit()
    assert "rahasia" not in account.password_hash
    assert account.check_password("rahasia-123") and not account.check_password("salah")
    assert account.groups() == ["pengelola_kinerja:DISDUK"]
    assert UserAccount(username="admin", roles=["admin", "inspektorat"]).groups() == ["admin", "inspektorat"]
