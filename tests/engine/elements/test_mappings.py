"""Input/output parameters and call activity in/out mappings run with Camunda 7's variable scopes."""

from __future__ import annotations

from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.errors import InvalidInput
from engine.runtime.lifecycle import instances
from tests.conftest import FIXTURES


def _open_data(session: Any, instance_id: int) -> dict[str, Any]:
    """Return the data of the instance's one open human task, as restored from the database."""
    [task] = instances.load(session, instance_id).workflow.get_tasks(state=TaskState.READY, manual=True)
    return dict(task.data)


def test_input_parameters_are_local_and_outputs_leave(deploy, start, open_tasks, complete, session, reload):
    deploy("camunda7/mappings_input_output.bpmn")
    instance = start("mappings_input_output", {"nilai_awal": 7, "judul": "milik proses"})
    [isi] = open_tasks(instance.id)
    inside = _open_data(session, instance.id)
    # Text, ${...}, list, map and python script inputs, each with its value, inside the user task.
    assert inside["judul"] == "Rencana kerja"
    assert inside["batas"] == 17
    assert inside["daftar"] == ["a", 7]
    assert inside["peta"] == {"kunci": "nilai", "angka": 7}
    assert inside["ringkas"] == 15
    assert "x" not in inside  # the script's own variable stays inside the script
    assert [f["id"] for f in isi.form["fields"]] == ["catatan"]

    complete(isi, "demo", {"catatan": "sudah dibaca"})
    after = _open_data(session, instance.id)
    # With an output parameter only the outputs leave the task: inputs and form fields stay inside,
    # and the shadowed process variable 'judul' is back.
    assert after["hasil"] == "sudah dibaca"
    assert after["judul"] == "milik proses"
    assert not {"batas", "daftar", "peta", "ringkas", "catatan"} & set(after)
    # Without output parameters the script's own results leave the task, its input does not.
    assert after["terlihat_di_skrip"] == ["faktor", "judul"]
    assert after["total"] == 21
    assert after["terlihat"] == ["judul", "hasil", "total"]
    assert reload(instance.id).status == "running"


def test_failing_input_parameter_is_an_incident_naming_it(deploy, start, reload, open_tasks, session):
    deploy("camunda7/mappings_input_output.bpmn")
    instance = start("mappings_input_output", {})  # nilai_awal is missing
    stopped = reload(instance.id)
    assert stopped.status == "error"
    assert stopped.error and stopped.error["message"].startswith("input parameter 'batas' of Isi catatan")
    instances.retry(session, instance.id, "admin")  # nothing corrected: fails again, stays an incident
    session.commit()
    assert reload(instance.id).status == "error"
    instances.retry(session, instance.id, "admin", {"nilai_awal": 2})
    session.commit()
    assert [t.bpmn_id for t in open_tasks(instance.id)] == ["Task_isi"]
    assert _open_data(session, instance.id)["batas"] == 12


def test_call_activity_passes_only_what_in_and_out_name(deploy, start, open_tasks, complete, session):
    deploy("camunda7/mappings_call_activity/induk.bpmn", "camunda7/mappings_call_activity/anak.bpmn")
    instance = start("mappings_induk", {"nilai_awal": 4, "rahasia": "jangan"}, key="SKP-7")
    [in_child] = open_tasks(instance.id)
    child = _open_data(session, instance.id)
    assert child["anak_melihat"] == ["nilai", "ganda"]  # no camunda:in for nilai_awal or rahasia
    assert child["hasil_anak"] == 12
    assert instances.load(session, instance.id).instance.business_key == "SKP-7"
    complete(in_child, "demo")
    parent = _open_data(session, instance.id)
    assert parent == {"nilai_awal": 4, "rahasia": "jangan", "hasil": 12}


def test_data_objects_are_diagram_only(deploy, start, open_tasks, session):
    deploy("camunda7/mappings_data_objects.bpmn")
    instance = start("mappings_data_objects")
    open_tasks(instance.id)
    data = _open_data(session, instance.id)
    # As in Camunda 7 the associations move nothing: the script's variables flow on as variables.
    assert data["nilai"] == 5 and data["DataObject_nilai"] == 4
    assert "data_objects" not in instances.load(session, instance.id).workflow.data


def test_failing_output_parameter_refuses_the_completion(deploy, start, open_tasks, complete, reload, session):
    xml = (FIXTURES / "camunda7" / "mappings_input_output.bpmn").read_text()
    deploy(files={"keluaran.bpmn": xml.replace("${catatan}", "${catatan_lain}").encode()})
    instance = start("mappings_input_output", {"nilai_awal": 1})
    [isi] = open_tasks(instance.id)
    with pytest.raises(InvalidInput, match=r"output parameter 'hasil' of Isi catatan: .*catatan_lain"):
        complete(isi, "demo", {"catatan": "x"})
    # As in Camunda the completion is rolled back whole: the task is still open, the instance running.
    assert [t.id for t in open_tasks(instance.id)] == [isi.id]
    assert reload(instance.id).status == "running"


def test_python_listeners_run_in_order_around_the_mappings(deploy, start, open_tasks, complete, session):
    deploy("camunda7/mappings_listeners.bpmn")
    instance = start("mappings_listeners", {"urutan": []})
    [isi] = open_tasks(instance.id)
    # The start listener sees the input parameter; the task listener runs when the task is created.
    assert _open_data(session, instance.id)["urutan"] == ["mulai:5", "dibuat"]
    complete(isi, "demo", {"catatan": "ok"})
    after = _open_data(session, instance.id)
    # complete, then end, then the output parameter maps what the end listener set; locals stay inside.
    assert after["jejak_akhir"] == ["mulai:5", "dibuat", "diselesaikan:ok", "akhir"]
    assert after["urutan"] == []
    assert not {"jejak", "batas", "catatan"} & set(after)


def test_failing_listener_is_an_incident_naming_it(deploy, start, reload):
    deploy("camunda7/mappings_listeners.bpmn")
    instance = start("mappings_listeners", {})  # urutan is missing
    stopped = reload(instance.id)
    assert stopped.status == "error"
    assert stopped.error and stopped.error["message"].startswith("execution listener on 'start' of Isi: ")


def test_sub_process_inputs_are_seen_inside_and_gone_after(deploy, start, open_tasks, complete, session):
    deploy("camunda7/mappings_sub_process.bpmn")
    instance = start("mappings_sub_process", {"nilai": 4})
    [inside] = open_tasks(instance.id)
    assert inside.bpmn_id == "Task_dalam"
    assert _open_data(session, instance.id) == {"nilai": 4, "dalam": 8}
    complete(inside, "demo", {})
    # No output parameters: what the sub-process set leaves it, its input parameter does not.
    assert _open_data(session, instance.id) == {"nilai": 4}


def test_call_activity_all_and_local_variables(deploy, start, open_tasks, session):
    deploy("camunda7/mappings_call_all/induk_semua.bpmn", "camunda7/mappings_call_all/anak_semua.bpmn")
    instance = start("mappings_induk_semua", {"nilai": 1})
    open_tasks(instance.id)
    # local="true": only the call activity's own input parameter goes in; variables="all" comes back,
    # but the input parameter stays local to the call activity. Then everything goes in, one comes back.
    assert _open_data(session, instance.id) == {"nilai": 1, "dilihat": ["lokal"],
                                                  "dilihat_kedua": ["nilai", "dilihat"]}


def test_multi_instance_call_activity_maps_each_instance(deploy, start, open_tasks, session):
    deploy("camunda7/mappings_call_multi/induk_banyak.bpmn", "camunda7/mappings_call_multi/anak_banyak.bpmn")
    instance = start("mappings_induk_banyak", {"daftar_penilai": ["ani", "budi"], "rahasia": "x"})
    rows = open_tasks(instance.id)
    assert sorted(row.assignee for row in rows) == ["ani", "budi"]  # each child got its own penilai_ini
    workflow = instances.load(session, instance.id).workflow
    inside = [task.data for task in workflow.get_tasks(state=TaskState.READY, manual=True)]
    # Neither the collection, the element variable nor rahasia went in: only what camunda:in names.
    assert sorted(inside, key=str) == [{"penilai_ini": "ani"}, {"penilai_ini": "budi"}]
