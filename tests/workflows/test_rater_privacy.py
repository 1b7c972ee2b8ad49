"""Who answered what as a rater is readable only by auditors: not in the process variables, the saved
state, or the employee's own audit trail; the full trail keeps it in a restricted event."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from engine import audit
from engine.errors import Forbidden
from engine.models import AuditEvent
from tests.workflows.lifecycle import NIP_ANI, T0, Lifecycle, add_staff, siklus_data
from workflows.data_protection import multi_rater, privacy
from workflows.organisation import org
from workflows.planning import skp as skp_records
from workflows.publishing import consent

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["umpan_balik_rekan.bpmn"]

VALUES = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]
RATERS = ["199201012019031001", "199302022019032002", "199403032019031003", "199504042019032004",
          "199605052019031005"]


@pytest.fixture(autouse=True)
def peers(lifecycle: Lifecycle) -> None:
    add_staff(lifecycle.session, RATERS)


def answer(score: int, komentar: str = "") -> dict:
    return {**{value: score for value in VALUES}, "komentar": komentar}


def start(lifecycle: Lifecycle, raters: list[str]) -> int:
    iid = lifecycle.start("umpan_balik_rekan", siklus_data(NIP_ANI, pakai_umpan_balik_rekan=True), key="k")
    lifecycle.do(iid, "Task_pilih_rekan", {"daftar_rekan": raters})
    return iid


def rater_task(lifecycle: Lifecycle, iid: int, nip: str):
    [row] = [r for r in lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak") if r.assignee == nip]
    return row


def full_trail(lifecycle: Lifecycle, iid: int) -> list[dict]:
    lifecycle.session.expire_all()
    return [audit.event_dict(e) for e in audit.events_of(lifecycle.session, iid)]


def without_choice(variables: dict) -> str:
    """The variables as text, less whom the appraiser asked (`daftar_rekan`, and `rekan` of a still open
    rater task): names without answers."""
    return json.dumps({k: v for k, v in variables.items() if k not in ("daftar_rekan", "rekan")}, default=str)


def test_no_rater_sits_next_to_a_score_in_variables_state_or_the_employees_trail(lifecycle: Lifecycle):
    iid = start(lifecycle, RATERS[:3])
    # Two answers, each with a comment that would identify its author next to a score.
    lifecycle.complete(rater_task(lifecycle, iid, RATERS[0]), answer(5, "Rahasia-A sangat teliti"))
    mid = lifecycle.variables(iid)  # while the third rater is still open
    assert "Rahasia-A" not in json.dumps(mid, default=str)
    assert not any(nip in without_choice(mid) for nip in RATERS)
    lifecycle.complete(rater_task(lifecycle, iid, RATERS[1]), answer(1, "Rahasia-B sering terlambat"))
    lifecycle.do(iid, "Task_penilaian_diri", answer(4, "Catatan diri"))
    lifecycle.worker(T0 + timedelta(days=14, seconds=1))
    assert lifecycle.status(iid) == "completed"

    data = lifecycle.variables(iid)
    final = without_choice(data)
    assert "Rahasia" not in final and not any(nip in final for nip in RATERS)
    # The saved engine state (what `instance show` and a restore read) holds no answer either.
    state = lifecycle.instance(iid).state
    assert "Rahasia" not in state

    # The employee's own trail: every event of the instance, no rater id, no single answer.
    trail = privacy.trail_for_employee(lifecycle.session, NIP_ANI, 2027)
    text = json.dumps(trail, default=str)
    assert not any(nip in text for nip in RATERS)
    assert "Rahasia" not in text
    assert {e["event_type"] for e in trail} >= {"task_completed", "rater_response_recorded", "instance_completed"}
    assert audit.CONFIDENTIAL_EVENT not in {e["event_type"] for e in trail}
    completions = [e for e in trail if e["event_type"] == "task_completed"
                   and e["data"]["bpmn_id"] == "Task_beri_umpan_balik_berakhlak"]
    # The title names the employee being rated, never the rater.
    title = f"Beri umpan balik BerAKHLAK — Pegawai {NIP_ANI[-4:]} ({NIP_ANI}) — 2027"
    assert [(e["actor"], e["data"]) for e in completions] == [
        (privacy.RATER, {"bpmn_id": "Task_beri_umpan_balik_berakhlak", "name": title, "confidential": True})] * 2
    # The employee's own self-assessment stays readable to them.
    assert any(e["event_type"] == "task_completed" and e["data"].get("submitted", {}).get("komentar") == "Catatan diri"
               for e in trail)


def test_the_auditor_reads_who_answered_what_in_the_full_trail(lifecycle: Lifecycle):
    iid = start(lifecycle, RATERS[:3])
    lifecycle.complete(rater_task(lifecycle, iid, RATERS[2]), answer(2, "Rahasia-C"))
    restricted = [e for e in full_trail(lifecycle, iid) if e["event_type"] == audit.CONFIDENTIAL_EVENT]
    assert [(e["actor"], e["data"]["submitted"]["loyal"], e["data"]["submitted"]["komentar"], e["data"]["confidential"])
            for e in restricted] == [(RATERS[2], 2, "Rahasia-C", True)]
    # The plain completion event names the rater but carries no answer.
    [completed] = [e for e in full_trail(lifecycle, iid) if e["event_type"] == "task_completed"
                   and e["human_task_id"] == restricted[0]["human_task_id"]]
    assert completed["actor"] == RATERS[2] and "submitted" not in completed["data"]
    assert audit.verify(lifecycle.session) == []  # the chain stays whole


def test_comments_are_shuffled_and_carry_no_attribution(lifecycle: Lifecycle):
    iid = start(lifecycle, RATERS)
    comments = [f"Komentar nomor {i}" for i in range(len(RATERS))]
    for nip, comment in zip(RATERS, comments, strict=True):
        lifecycle.complete(rater_task(lifecycle, iid, nip), answer(4, comment))
    lifecycle.do(iid, "Task_penilaian_diri", answer(4))
    data = lifecycle.variables(iid)
    assert sorted(data["komentar_rekan"]) == sorted(comments)
    assert all(isinstance(c, str) for c in data["komentar_rekan"])  # text only, no rater field
    # Read again, the order changes: it is not the order the raters answered in.
    skp = skp_records.require_skp(lifecycle.session, iid)
    orders = {tuple(multi_rater.aggregate(lifecycle.session, skp)["komentar_rekan"]) for _ in range(20)}
    assert len(orders) > 1


def test_only_the_employee_fills_their_self_assessment(lifecycle: Lifecycle):
    iid = start(lifecycle, RATERS[:3])
    task = lifecycle.task(iid, "Task_penilaian_diri")
    with pytest.raises(Forbidden, match="may not complete"):
        lifecycle.complete(task, answer(5), actor=RATERS[0])
    assert lifecycle.task(iid, "Task_penilaian_diri").state == "open"


def test_consent_events_of_the_employee_are_in_their_trail(lifecycle: Lifecycle):
    iid = start(lifecycle, RATERS[:3])
    lifecycle.do(iid, "Task_penilaian_diri", answer(4))
    ani = org.employee_by_nip(lifecycle.session, NIP_ANI)
    consent.give_consent(lifecycle.session, ani, 2027, NIP_ANI, teks="Boleh dipublikasikan")
    lifecycle.session.commit()
    trail = privacy.trail_for_employee(lifecycle.session, NIP_ANI, 2027)
    assert [e["data"]["teks"] for e in trail if e["event_type"] == "consent_given"] == ["Boleh dipublikasikan"]
    assert lifecycle.session.query(AuditEvent).filter_by(event_type="consent_given").count() == 1
