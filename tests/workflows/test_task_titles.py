"""Task titles of the lifecycle: each human task names whose appraisal it is and for which period."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.models import HumanTask
from tests.conftest import worker_pass
from tests.workflows.conftest import Chart
from tests.workflows.lifecycle import BPMN_DIR, NIP_ANI, T0, Lifecycle, siklus_data
from workflows.planning import skp as skp_records

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]
LIFECYCLE_FILES = ["pemantauan_kinerja.bpmn", "capaian_unit_periodik.bpmn", "predikat_kinerja.dmn"]

PLAN = {"rhk": [{"uraian": "Layanan KTP-el", "iki": [{"uraian": "KTP-el tercetak", "target": 1200,
                                                       "satuan": "keping"}]}]}
#: Past the end of Triwulan I (31 March, Samarinda time): the unit's periodic rating opens.
AFTER_Q1 = datetime(2027, 4, 1, 1, 0, tzinfo=UTC)


def open_titles(session: Session) -> dict[str, str]:
    """Return {bpmn_id + assignee: title} of the open tasks, read from the rows."""
    session.expire_all()
    rows = session.execute(select(HumanTask).where(HumanTask.state == "open").order_by(HumanTask.id)).scalars()
    return {f"{row.bpmn_id}:{row.assignee}": row.name or "" for row in rows}


def test_a_new_cycle_lists_each_task_with_whose_appraisal_and_which_period(cli, session: Session, chart: Chart):
    clock.set(T0)
    people = {name: (person.name, person.nip) for name, person in chart.people.items()}
    session.rollback()  # SQLite: a reading transaction would keep the commands waiting
    cli("bpmn", "deploy", str(BPMN_DIR))
    cli("cycle", "open", "2027", "--unit", "SEKSI", "--actor", "bkpsdm")

    # Every employee of the seksi drafts their own SKP: the title says whose, and for which year.
    titles = open_titles(session)
    for name in ("kasi", "staf", "koordinator", "staf2"):
        full_name, nip = people[name]
        assert titles[f"Task_susun_skp:{nip}"] == f"Susun SKP — {full_name} ({nip}) — 2027"
    session.rollback()
    staf_name, staf_nip = people["staf"]
    drafting = f"Susun SKP — {staf_name} ({staf_nip}) — 2027"
    assert drafting in cli("task", "list", "--user", staf_nip)
    [own] = json.loads(cli("task", "list", "--user", staf_nip, "--json"))["tasks"]
    assert own["name"] == drafting

    # The appraiser's review names the employee whose SKP it is, not the appraiser.
    cli("task", "complete", str(own["id"]), "--actor", staf_nip, "--data", json.dumps({"skp": PLAN}))
    kasi_name, kasi_nip = people["kasi"]
    [review] = [t for t in json.loads(cli("task", "list", "--user", kasi_nip, "--json"))["tasks"]
                if t["bpmn_id"] == "Task_tinjau_skp"]
    assert review["name"] == f"Tinjau SKP — {staf_name} ({staf_nip}) — 2027"
    assert kasi_name not in review["name"] and kasi_nip not in review["name"]
    assert review["name"] in cli("task", "list", "--user", kasi_nip)

    # At the end of the first quarter the unit's periodic result is due: the title names the period and unit.
    worker_pass(session, AFTER_Q1)
    [unit_task] = [title for key, title in open_titles(session).items()
                   if key.startswith("Task_tetapkan_capaian_periode:")]
    assert unit_task == "Tetapkan capaian kinerja unit Triwulan I — Unit DISDUK — 2027"
    session.rollback()
    listed = json.loads(cli("task", "list", "--json"))["tasks"]
    assert unit_task in [t["name"] for t in listed]
    assert unit_task in cli("task", "list")


def test_the_realisation_task_names_the_calendar_period(lifecycle: Lifecycle):
    iid = lifecycle.start("pemantauan_kinerja", siklus_data(NIP_ANI), key="k")
    skp_records.save_plan(lifecycle.session, skp_records.require_skp(lifecycle.session, iid), PLAN, "tester")
    lifecycle.session.commit()
    lifecycle.next_timer(iid)
    record = lifecycle.task(iid, "Task_catat_realisasi")
    assert record.name == f"Catat realisasi Triwulan I — Pegawai {NIP_ANI[-4:]} ({NIP_ANI}) — 2027"
    assert "name_error" not in record.properties


def test_a_unit_started_without_its_name_is_titled_with_its_code(lifecycle: Lifecycle):
    iid = lifecycle.start("capaian_unit_periodik", {"unit_kode": "SEKSI-A", "tahun": 2027}, key="c")
    lifecycle.worker(AFTER_Q1)
    [task] = lifecycle.open_tasks(iid)
    assert task.name == "Tetapkan capaian kinerja unit Triwulan I — SEKSI-A — 2027"
