"""Assignment as Camunda 7 does it: expressions over variables, unassigned tasks, unknown lanes, initiator."""

from __future__ import annotations

import pytest

from engine.errors import Forbidden, FormInvalid
from engine.runtime.human_tasks import inbox, tasks
from engine.runtime.human_tasks.assignment import operators_group, set_operators_group
from workflows.organisation.lanes import LaneResolver

EXPRESSIONS = "camunda7/assignment_expressions.bpmn"
UNASSIGNED = "camunda7/assignment_unassigned.bpmn"
UNKNOWN_LANE = "camunda7/assignment_unknown_lane.bpmn"
ACTIVITI = "camunda7/assignment_activiti.bpmn"


def candidates(task):
    return sorted((c.kind, c.value) for c in task.candidates)


@pytest.fixture
def operators():
    """Yield a setter of the operators group (as KINERJA_OPERATORS_GROUP does); put the default back after."""
    before = operators_group()
    yield set_operators_group
    set_operators_group(before)


def test_assignee_and_candidates_follow_the_variables_when_each_task_appears(session, deploy, start, open_tasks,
                                                                            complete, events):
    deploy(EXPRESSIONS)
    instance = start("rapat_koordinasi", {"atasan": {"nip": "198001012005011001", "nama": "Kabag"},
                                          "peninjau": ["ani", "budi"], "bagian": "umum"}, actor="sari")
    [agenda] = open_tasks(instance.id)
    # camunda:initiator="pengusul" holds the user who started the instance; camunda:assignee="${pengusul}".
    assert agenda.assignee == "sari" and candidates(agenda) == []
    assert events(instance.id)[0][1]["data"]["pengusul"] == "sari"
    complete(agenda, "sari", {"agenda": "Evaluasi triwulan"})
    [approve] = open_tasks(instance.id)
    assert approve.assignee == "198001012005011001"  # ${atasan.nip}
    complete(approve, "198001012005011001")
    [review] = open_tasks(instance.id)
    assert review.assignee is None and candidates(review) == [("user", "ani"), ("user", "budi")]  # a list
    tasks.claim(session, review.id, "budi")
    session.commit()
    complete(review, "budi")
    [archive] = open_tasks(instance.id)
    # Mixed lists: `${pengusul}, arsiparis` and `${bagian}, tata_usaha`.
    assert candidates(archive) == [("group", "tata_usaha"), ("group", "umum"), ("user", "arsiparis"),
                                   ("user", "sari")]
    assert "unassigned" not in archive.properties and "assignment_error" not in archive.properties
    assert inbox.open_tasks_for(session, "clerk", ["tata_usaha"]).total == 1
    assert inbox.open_tasks_for(session, "clerk", [operators_group()]).total == 0


def test_a_variable_given_at_the_start_wins_over_the_initiator(deploy, start, open_tasks):
    deploy(EXPRESSIONS)
    instance = start("rapat_koordinasi", {"pengusul": "rudi"}, actor="sari")
    assert open_tasks(instance.id)[0].assignee == "rudi"


def test_an_assignee_expression_giving_several_users_is_an_assignment_error(deploy, start, open_tasks):
    deploy(EXPRESSIONS)
    instance = start("rapat_koordinasi", {"pengusul": ["sari", "rudi"]})
    [agenda] = open_tasks(instance.id)
    assert agenda.assignee is None and candidates(agenda) == [("group", operators_group())]
    assert agenda.properties["assignment_error"] == ("assignee '${pengusul}' gave 2 users (sari, rudi); name one, "
                                                     "or list them in candidateUsers")


def test_a_task_modelled_for_no_one_goes_to_the_operators(session, deploy, start, open_tasks, complete, operators):
    operators("pengelola_sistem")
    deploy(UNASSIGNED)
    instance = start("pengaduan_masyarakat")
    [task] = open_tasks(instance.id)
    assert task.assignee is None and task.properties["unassigned"] is True
    assert "assignment_error" not in task.properties
    assert candidates(task) == [("group", "pengelola_sistem")]
    assert inbox.open_tasks_for(session, "ops", ["pengelola_sistem"]).total == 1
    assert inbox.open_tasks_for(session, "warga", ["pegawai"]).total == 0
    assert [t.id for t in inbox.operator_tasks(session).items] == [task.id]

    # Someone outside the operators cannot hand it out; an operator can, and the assignee completes it.
    with pytest.raises(Forbidden):
        tasks.reassign(session, task.id, "warga", "andi", "ambil alih", groups=["pegawai"])
    session.rollback()
    tasks.reassign(session, task.id, "ops", "andi", "petugas pengaduan minggu ini", groups=["pengelola_sistem"])
    session.commit()
    assert inbox.operator_tasks(session).total == 0  # handed out: no longer waiting for the operators
    with pytest.raises(Forbidden):  # now held by andi: an operator no longer hands it out without privilege
        tasks.reassign(session, task.id, "ops", "budi", "salah orang", groups=["pengelola_sistem"])
    session.rollback()
    complete(task, "andi", {"tanggapan": "Sudah ditindaklanjuti"})
    assert open_tasks(instance.id) == []


def test_an_operator_may_also_claim_an_unassigned_task(session, deploy, start, open_tasks, complete):
    deploy(UNASSIGNED)
    instance = start("pengaduan_masyarakat")
    [task] = open_tasks(instance.id)
    tasks.claim(session, task.id, "ops", [operators_group()])
    session.commit()
    complete(task, "ops", {"tanggapan": "Selesai"})
    assert open_tasks(instance.id) == []


@pytest.mark.parametrize("lane_resolver", [False, True], ids=["default resolver", "lane resolver"])
def test_a_lane_the_resolver_does_not_know_is_an_assignment_error_for_the_operators(
        session, deploy, start, open_tasks, complete, events, lane_resolver):
    if lane_resolver:
        from engine.runtime.human_tasks.assignment import set_resolver
        set_resolver(LaneResolver(lambda: session))
    deploy(UNKNOWN_LANE)
    instance = start("cuti_tahunan", {"pemohon": "dewi"})
    [apply] = open_tasks(instance.id)
    assert apply.assignee == "dewi"  # the attribute decides, not the lane
    complete(apply, "dewi")
    [verify] = open_tasks(instance.id)
    assert verify.assignee is None and candidates(verify) == [("group", operators_group())]
    assert "lane 'Subbagian Kepegawaian' is not one Kinerja can resolve" in verify.properties["assignment_error"]
    failed = [data for kind, data in events(instance.id) if kind == "task_assignment_failed"]
    assert failed == [{"bpmn_id": "Task_verifikasi", "name": "Verifikasi sisa cuti",
                       "lane": "Subbagian Kepegawaian", "reason": verify.properties["assignment_error"],
                       "given_to": operators_group()}]


def test_an_expression_that_fails_or_names_no_one_is_an_assignment_error(session, deploy, start, open_tasks,
                                                                         complete, events):
    deploy(EXPRESSIONS)
    instance = start("rapat_koordinasi", {"peninjau": []}, actor="sari")
    complete(open_tasks(instance.id)[0], "sari", {"agenda": "Rapat"})
    [approve] = open_tasks(instance.id)  # ${atasan.nip} without `atasan`
    assert approve.assignee is None and candidates(approve) == [("group", operators_group())]
    reason = "assignee '${atasan.nip}': the process variable 'atasan' is not set"
    assert approve.properties["assignment_error"] == reason
    tasks.reassign(session, approve.id, "ops", "kabag", "atasan belum diisi", groups=[operators_group()])
    session.commit()
    complete(approve, "kabag")
    [review] = open_tasks(instance.id)  # candidateUsers="${peninjau}" with an empty list
    assert candidates(review) == [("group", operators_group())]
    assert review.properties["assignment_error"] == "candidateUsers '${peninjau}' gave no user or group"
    assert [kind for kind, _ in events(instance.id)].count("task_assignment_failed") == 2


def test_activiti_attributes_work_as_their_camunda_twins(session, deploy, start, open_tasks, complete):
    deploy(ACTIVITI)
    instance = start("surat_tugas", {"pemeriksa": "rina"}, actor="yusuf")
    [fill] = open_tasks(instance.id)
    # activiti:initiator, activiti:assignee, activiti:dueDate="P3D", activiti:formData.
    assert fill.assignee == "yusuf"
    assert fill.due_at is not None and (fill.due_at - fill.created_at).days == 3
    assert [field["id"] for field in fill.form["fields"]] == ["tujuan"]
    with pytest.raises(FormInvalid, match="tujuan"):
        complete(fill, "yusuf", {})  # the required constraint of activiti:constraint holds
    complete(fill, "yusuf", {"tujuan": "Balikpapan"})
    [check] = open_tasks(instance.id)
    assert candidates(check) == [("group", "tata_usaha"), ("user", "rina")]
    assert check.form["key"] == "catatan_pemeriksaan"  # activiti:formKey


def test_human_performer_and_potential_owners_assign_as_in_camunda(deploy, start, open_tasks, complete):
    deploy("camunda7/assignment_performers.bpmn")
    instance = start("disposisi_surat", {"pimpinan": "kabag", "pelaksana": "nina"})
    [dispose] = open_tasks(instance.id)
    assert dispose.assignee == "kabag" and candidates(dispose) == []
    complete(dispose, "kabag")
    [work] = open_tasks(instance.id)
    # user(${pelaksana}), group(sekretariat) and a bare name, which Camunda takes as a group.
    assert work.assignee is None
    assert candidates(work) == [("group", "sekretariat"), ("group", "umum"), ("user", "nina")]
