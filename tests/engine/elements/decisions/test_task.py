"""DMN business rule tasks: the Camunda Modeler example runs unchanged, and every evaluation is audited."""

from __future__ import annotations

import pytest

from engine.runtime.lifecycle import instances
from tests.conftest import EXAMPLES


@pytest.fixture
def training(deploy):
    files = {p.name: p.read_bytes() for p in EXAMPLES.iterdir() if p.suffix in (".bpmn", ".dmn")}
    return deploy(files=files)["izin_pelatihan"]


@pytest.mark.parametrize("hours, kind, category", [
    (10, "teknis", "singkat"),
    (40, "teknis", "reguler"),
    (40, "sosial_kultural", "reguler"),
    (40, "manajerial", "kepemimpinan"),
])
def test_example_process_runs_with_its_decision_table(training, start, open_tasks, complete, reload, events,
                                                      session, hours, kind, category):
    instance = start("izin_pelatihan", {"pegawai": "ani", "penilai": "budi", "batas_tinjau": "2027-03-01"})
    [ajukan] = open_tasks(instance.id)
    assert ajukan.assignee is None and [c.value for c in ajukan.candidates] == ["ani"]
    assert ajukan.form["fields"][1]["value"] == "20"  # defaultValue shown before entry
    from engine.runtime.human_tasks import tasks
    tasks.claim(session, ajukan.id, "ani")
    session.commit()
    complete(ajukan, "ani", {"nama_pelatihan": "Pelatihan Analis Kebijakan", "jam_pelajaran": hours,
                             "jenis": kind, "tanggal_mulai": "2027-02-10"})
    [tinjau] = open_tasks(instance.id)
    assert tinjau.assignee == "budi"
    assert tinjau.form["fields"][1] == {**tinjau.form["fields"][1], "id": "kategori", "value": category,
                                        "readonly": True}
    decision = [d for e, d in events(instance.id) if e == "decision_evaluated"][0]
    assert decision["decision_id"] == "kategori_pelatihan" and decision["outputs"] == {"kategori": category}
    assert decision["inputs"]["Jam pelajaran"] == hours
    complete(tinjau, "budi", {"keputusan": "setuju", "kategori": "hacked"})
    done = reload(instance.id)
    assert done.status == "completed"
    data = instances.load(session, instance.id).workflow.data
    assert data["kategori"] == category  # the read-only field was not overwritten
    completed = [d for e, d in events(instance.id) if e == "instance_completed"]
    assert completed and completed[0]["data"]["keputusan"] == "setuju"


def test_rejected_path_by_juel_condition(training, start, open_tasks, complete, session):
    from engine.runtime.human_tasks import tasks
    instance = start("izin_pelatihan", {"pegawai": "ani", "penilai": "budi", "batas_tinjau": "2027-03-01"})
    [ajukan] = open_tasks(instance.id)
    tasks.claim(session, ajukan.id, "ani")
    session.commit()
    complete(ajukan, "ani", {"nama_pelatihan": "Pelatihan Teknis", "jam_pelajaran": 30, "jenis": "teknis"})
    [tinjau] = open_tasks(instance.id)
    complete(tinjau, "budi", {"keputusan": "tolak"})
    run = instances.load(session, instance.id)
    ended = [t.task_spec.bpmn_id for t in run.workflow.get_tasks() if t.task_spec.bpmn_id == "Event_ditolak"
             and t.state == 64]
    assert ended == ["Event_ditolak"]
