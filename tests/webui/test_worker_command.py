"""`kinerja worker` goes on past a failing instance, and the incident shows where operators look for it."""

from __future__ import annotations

import json

from engine.runtime.events import timers
from tests.conftest import FIXTURES

DATA = '{"employee": "ani", "manager": "budi", "deadline": "2027-01-31T23:59:59+08:00"}'


def _broken_for(monkeypatch, instance_id: int) -> None:
    """Make firing one instance hit a bug in a function its step calls (any exception, not the engine's)."""
    real = timers.fire_due

    def fire_due(session, fired_id, now, actor="worker"):
        if fired_id == instance_id:
            raise KeyError("nip")
        return real(session, fired_id, now, actor)
    monkeypatch.setattr(timers, "fire_due", fire_due)


def test_the_worker_command_survives_a_failing_instance_and_instance_show_names_the_incident(cli, monkeypatch):
    cli("bpmn", "deploy", str(FIXTURES / "processes" / "deadlines.bpmn"))
    ids = [int(cli("instance", "start", "deadlines", "--key", key, "--data", DATA).strip()) for key in ("a", "b")]
    _broken_for(monkeypatch, ids[0])
    out = cli("worker", "--once", "--now", "2030-01-01T00:00:00+00:00")  # exit status 0: it went on
    assert f"instance {ids[0]}: incident: KeyError: 'nip'" in out and "fired timers of 1 instance(s)" in out
    broken = json.loads(cli("instance", "show", str(ids[0]), "--json"))
    assert broken["status"] == "error"
    assert broken["error"]["message"] == "the timer worker could not run this instance: KeyError: 'nip'"
    assert "KeyError: 'nip'" in cli("instance", "show", str(ids[0]))
    assert json.loads(cli("instance", "show", str(ids[1]), "--json"))["status"] == "running"
    assert "fired timers of 0" in cli("worker", "--once", "--now", "2030-01-02T00:00:00+00:00")


def test_a_worker_incident_is_on_the_incidents_page(app, as_user, monkeypatch):
    from datetime import UTC, datetime

    from engine.definitions import specs
    from engine.runtime.events.worker_pass import Backoff, PassReport, fire_one
    from engine.runtime.lifecycle import instances
    from tests.conftest import read_fixture
    from webui.extensions import db

    with app.app_context():
        specs.deploy(db.session, read_fixture("processes/deadlines.bpmn"), "admin")
        instance = instances.start(db.session, specs.require_latest(db.session, "deadlines"),
                                   json.loads(DATA), "pekerja-1", "admin")
        db.session.commit()
        _broken_for(monkeypatch, instance.id)
        report = PassReport()
        fire_one(db.session, instance.id, datetime(2030, 1, 1, tzinfo=UTC), Backoff(3, 5), report)
        assert report.incidents == [instance.id]
    page = as_user("admin").get("/definisi/insiden").get_data(as_text=True)
    assert f"Instance {instance.id}" in page and "pekerja-1" in page
    assert "the timer worker could not run this instance: KeyError: &#39;nip&#39;" in page
