"""A request that loses a race for the same rows gets a clean 409 saying so, never a 500, and nothing is stored.

The losing statement is simulated at the end of a real completion (the step ran and wrote, then the
database gave up on the transaction), as PostgreSQL and SQLite report it.
"""

from __future__ import annotations

import html
import sqlite3

import psycopg.errors
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from tests.webui.api_fixtures import api_for

from .tasks_fixtures import PEGAWAI
from .tasks_fixtures import training as training  # the fixture, requested by name

VALID = {"nama_pelatihan": "Pelatihan Analis Kebijakan", "jam_pelajaran": "40", "jenis": "manajerial",
         "tanggal_mulai": "2027-02-10"}
LOST = {
    "deadlock": lambda: OperationalError("UPDATE instance ...", {}, psycopg.errors.DeadlockDetected("deadlock")),
    "serialization": lambda: OperationalError("UPDATE instance ...", {},
                                              psycopg.errors.SerializationFailure("could not serialize")),
    "sqlite-locked": lambda: OperationalError("UPDATE instance ...", {},
                                              sqlite3.OperationalError("database is locked")),
    "stale-version": lambda: StaleDataError("UPDATE statement on table 'instance' expected to update 1 row(s)"),
}


@pytest.fixture
def losing(monkeypatch):
    """Make every task completion lose its race after the step has run and written."""
    from engine.runtime.human_tasks import tasks

    def lose(kind: str) -> None:
        real = tasks.complete

        def complete(session, *args, **kwargs):
            real(session, *args, **kwargs)
            session.flush()
            raise LOST[kind]()
        monkeypatch.setattr(tasks, "complete", complete)
    return lose


@pytest.mark.parametrize("kind", sorted(LOST))
def test_the_task_page_answers_a_lost_race_with_409_in_indonesian(kind, training, as_user, losing):
    started = training()
    [ajukan] = started.tasks()
    browser = as_user(PEGAWAI)
    taken = browser.post_form(f"/tugas/{ajukan.id}/ambil", token_page=f"/tugas/{ajukan.id}")
    assert taken.status_code == 303
    before = started.snapshot()
    losing(kind)
    response = browser.post_form(f"/tugas/{ajukan.id}", {**VALID, "aksi": "kirim"})
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    assert "mengubah penilaian yang sama pada saat yang sama" in page and "Traceback" not in page
    assert started.snapshot() == before


@pytest.mark.parametrize("kind", ["deadlock", "sqlite-locked"])
def test_the_api_answers_a_lost_race_with_409_and_its_code(kind, app, training, losing):
    started = training()
    [ajukan] = started.tasks()
    api = api_for(app, PEGAWAI)
    assert api.post(f"/api/v1/tasks/{ajukan.id}/claim").status_code == 200
    before = started.snapshot()
    losing(kind)
    refused = api.post(f"/api/v1/tasks/{ajukan.id}/complete", json={**VALID, "jam_pelajaran": 40})
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["code"] == "race_lost" and "try again" in body["message"]
    assert "UPDATE" not in refused.get_data(as_text=True)
    assert started.snapshot() == before
