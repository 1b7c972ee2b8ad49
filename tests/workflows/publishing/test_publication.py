"""Publication of a calibration group: withheld cells (UU 14/2008 Ps 17(h), UU 27/2022) and versions."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.models import AuditEvent
from tests.workflows.lifecycle import NIP_ANI, NIP_BUDI, NIP_CITRA, Lifecycle, add_staff
from workflows.appraisals.records import RecordInvalid
from workflows.models import Publication
from workflows.organisation import org
from workflows.publishing import documents, publication

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["keberatan.bpmn", "pola_distribusi.dmn"]
STAFF = ["199101012016031001", "199202022017032002"]


def cells(**counts: int) -> dict[str, int]:
    return {**dict.fromkeys(("sangat_baik", "baik", "butuh_perbaikan", "kurang_misconduct", "sangat_kurang"), 0),
            **counts}


@pytest.mark.parametrize(("counts", "known", "expected"), [
    # Nobody rated yet: nothing to reveal.
    (cells(), [], (True, True, None)),
    # Four people: below the minimum, no distribution; the consenting names stay.
    (cells(baik=3, sangat_baik=1), ["baik"], (False, True, "kelompok_kecil")),
    # A mixed group and nobody consenting: the counts reveal nobody.
    (cells(baik=3, sangat_baik=2, butuh_perbaikan=1), [], (True, True, None)),
    # Five of six named as Baik: the one left is the Butuh Perbaikan ("all but one known").
    (cells(baik=5, butuh_perbaikan=1), ["baik"] * 5, (True, False, "dapat_disimpulkan")),
    # Two left, but both in one cell: each of them is deducible as well.
    (cells(baik=4, butuh_perbaikan=2), ["baik"] * 4, (True, False, "dapat_disimpulkan")),
    # Two left in different cells: nobody can tell which is which.
    (cells(baik=4, butuh_perbaikan=1, sangat_baik=1), ["baik"] * 4, (True, True, None)),
    # Everybody in one cell: the distribution alone reveals everyone, so it is withheld.
    (cells(baik=6), [], (False, True, "dapat_disimpulkan")),
    # Everybody consented: nothing unknown is left to reveal.
    (cells(baik=5, butuh_perbaikan=1), ["baik"] * 5 + ["butuh_perbaikan"], (True, True, None)),
])
def test_no_published_cell_reveals_a_non_consenting_persons_predikat(counts, known, expected):
    assert publication.disclosure(counts, known, 5) == expected


def test_the_minimum_group_size_is_a_setting():
    assert publication.disclosure(cells(baik=2, sangat_baik=1), [], 3) == (True, True, None)
    assert publication.disclosure(cells(baik=2, sangat_baik=1), [], 4)[2] == "kelompok_kecil"


@pytest.fixture
def seksi(lifecycle: Lifecycle):
    """SEKSI-A with five members rated: Ani, Budi, Citra and two more staff."""
    add_staff(lifecycle.session, STAFF)
    for nip, predikat in ((NIP_ANI, "baik"), (NIP_BUDI, "baik"), (NIP_CITRA, "sangat_baik"),
                          (STAFF[0], "baik"), (STAFF[1], "butuh_perbaikan")):
        lifecycle.give_predikat(nip, predikat)
    return org.unit_by_code(lifecycle.session, "SEKSI-A")


def test_a_small_group_publishes_totals_and_consenting_names_but_no_distribution(lifecycle, seksi):
    session = lifecycle.session
    documents.give_consent(session, org.employee_by_nip(session, NIP_ANI), 2027, NIP_ANI)
    published = documents.publish_unit(session, seksi, 2027, "pengelola", min_size=6).aggregate
    assert published["distribusi"] is None and published["ditahan"] == "kelompok_kecil"
    assert published["jumlah_dinilai"] == 5
    assert published["individu"] == [{"nip": NIP_ANI, "nama": "Ani", "predikat": "baik"}]


def test_names_are_withheld_when_they_would_reveal_the_last_colleague(lifecycle, seksi):
    session = lifecycle.session
    for nip in (NIP_ANI, NIP_BUDI, NIP_CITRA, STAFF[0]):
        documents.give_consent(session, org.employee_by_nip(session, nip), 2027, nip)
    published = documents.publish_unit(session, seksi, 2027, "pengelola").aggregate
    # The fifth (Butuh Perbaikan) did not consent: names plus counts would reveal her.
    assert published["individu"] == [] and published["ditahan"] == "dapat_disimpulkan"
    assert published["distribusi"]["butuh_perbaikan"] == 1


def test_an_unchanged_group_is_not_published_twice_and_a_change_is_a_new_version(lifecycle, seksi):
    session = lifecycle.session
    first = documents.publish_unit(session, seksi, 2027, "pengelola")
    assert first.aggregate["versi"] == 1
    lifecycle.give_predikat(STAFF[1], "baik")  # a later change of one member's predikat
    second = documents.publish_unit(session, seksi, 2027, "pengelola")
    assert second.aggregate["versi"] == 2
    rows = session.execute(select(AuditEvent).where(AuditEvent.event_type == "result_published")
                           .order_by(AuditEvent.id)).scalars()
    versions = [json.loads(e.data) for e in rows]
    assert versions[1]["sebelumnya"] == first.aggregate and versions[1]["sesudah"] == second.aggregate
    assert len(session.execute(select(Publication)).scalars().all()) == 2


def test_a_bad_minimum_is_refused_and_publishes_nothing(lifecycle, seksi):
    session = lifecycle.session
    for bad in (0, "5", True):
        with pytest.raises(RecordInvalid, match="min_kelompok_publikasi"):
            documents.publish_unit(session, seksi, 2027, "pengelola", min_size=bad)
    assert session.execute(select(Publication)).first() is None


def test_an_incomplete_group_says_whom_it_waits_for(lifecycle, seksi):
    waiting = publication.incomplete(lifecycle.session, seksi, 2027)
    # Every member has a predikat, but no objection window has been opened and closed yet.
    assert len(waiting) == 5 and all("jendela keberatan belum ditutup" in w for w in waiting)
    assert publication.publish_if_complete(lifecycle.session, seksi, 2027, "pengelola") is None
