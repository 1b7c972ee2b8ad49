"""Deploy-time assignment rules: the strict profile, the activiti: namespace, camunda:initiator."""

from __future__ import annotations

from pathlib import Path

from engine.definitions.validation import read_paths, validate
from tests.conftest import FIXTURES, ROOT
from tests.engine.definitions.test_validation import assert_reported, line_of, variant
from webui.commands.bpmn import is_strict

CAMUNDA7 = FIXTURES / "camunda7"
UNASSIGNED = CAMUNDA7 / "assignment_unassigned.bpmn"
ACTIVITI = CAMUNDA7 / "assignment_activiti.bpmn"


def problems_of(path: Path, strict: bool = False):
    checked, problems = validate(read_paths([str(path)]), strict=strict)
    assert checked is None and problems
    return problems


def test_a_task_for_no_one_is_valid_but_refused_by_the_strict_profile() -> None:
    checked, problems = validate(read_paths([str(UNASSIGNED)]))
    assert checked is not None and problems == []
    assert_reported(problems_of(UNASSIGNED, strict=True), UNASSIGNED.name, line_of(UNASSIGNED, 'id="Task_tindak"'),
                    "user task 'Task_tindak' (Tindak lanjuti pengaduan) cannot be assigned to anyone: put it in a "
                    "named lane, or set an assignee")


def test_the_project_processes_pass_the_strict_profile() -> None:
    checked, problems = validate(read_paths([str(ROOT / "bpmn")]), strict=True)
    assert problems == [] and checked is not None


def test_the_strict_profile_is_on_for_the_project_bpmn_folder_unless_told(tmp_path: Path) -> None:
    assert is_strict((str(ROOT / "bpmn"),), None)
    assert is_strict((str(ROOT / "bpmn" / "siklus_kinerja.bpmn"),), None)
    assert not is_strict((str(UNASSIGNED),), None)
    assert not is_strict((str(ROOT / "bpmn"),), False)
    assert is_strict((str(UNASSIGNED),), True)


def test_activiti_and_camunda_disagreeing_is_refused_at_the_line() -> None:
    path = CAMUNDA7 / "assignment_activiti_conflict.bpmn"
    assert_reported(problems_of(path), path.name, line_of(path, 'id="Task_tanda_tangan"'),
                    "sets both camunda:assignee '${kepala}' and activiti:assignee '${sekretaris}'; keep only "
                    "camunda:assignee")


def test_an_activiti_attribute_is_checked_as_its_camunda_twin(tmp_path: Path) -> None:
    bad = variant(tmp_path, ACTIVITI, ('activiti:assignee="${pemohon}"', 'activiti:assignee="${pemohon +}"'))
    assert_reported(problems_of(bad), bad.name, line_of(bad, 'id="Task_isi"'), "user task 'Task_isi' (Isi "
                    "permohonan), assignee")
    bad = variant(tmp_path, ACTIVITI, ('activiti:dueDate="P3D"', 'activiti:dueDate="tiga hari"'))
    assert_reported(problems_of(bad), bad.name, line_of(bad, 'id="Task_isi"'), "dueDate 'tiga hari' is not an "
                    "ISO 8601 date")
    bad = variant(tmp_path, ACTIVITI, ('type="string"', 'type="rupiah"'))
    assert_reported(problems_of(bad), bad.name, line_of(bad, 'type="rupiah"'), "form field 'tujuan': type "
                    "'rupiah' is not supported")


def test_an_initiator_must_be_a_variable_name() -> None:
    path = CAMUNDA7 / "assignment_bad_initiator.bpmn"
    assert_reported(problems_of(path), path.name, line_of(path, 'camunda:initiator='),
                    "start event 'StartEvent_1' (Usul masuk), initiator 'nama pengusul' must be a variable name")


def test_an_initiator_belongs_on_the_process_start_event(tmp_path: Path) -> None:
    bad = variant(tmp_path, CAMUNDA7 / "assignment_bad_initiator.bpmn",
                  ('camunda:initiator="nama pengusul"', ''),
                  ('<bpmn:userTask id="Task_telaah" name="Telaah usul" camunda:candidateGroups="kepegawaian">',
                   '<bpmn:subProcess id="Task_telaah" name="Telaah usul">\n'
                   '      <bpmn:startEvent id="Start_telaah" camunda:initiator="penelaah" />'),
                  ('</bpmn:userTask>', '</bpmn:subProcess>'))
    assert_reported(problems_of(bad), bad.name, line_of(bad, 'id="Start_telaah"'),
                    "only a start event of the process itself records who started it")


def test_legacy_form_properties_are_refused_with_the_form_field_to_use() -> None:
    path = CAMUNDA7 / "assignment_activiti_form_property.bpmn"
    assert_reported(problems_of(path), path.name, line_of(path, "activiti:formProperty"),
                    "user task 'Task_periksa' (Periksa permohonan), form property 'catatan': form properties are "
                    "the legacy forms of Activiti")


PERFORMERS = CAMUNDA7 / "assignment_performers.bpmn"
PERFORMER = """<bpmn:humanPerformer id="humanPerformer_11">
        <bpmn:resourceAssignmentExpression>
          <bpmn:formalExpression>${pimpinan}</bpmn:formalExpression>
        </bpmn:resourceAssignmentExpression>
      </bpmn:humanPerformer>"""


def test_a_task_has_one_human_performer(tmp_path: Path) -> None:
    bad = variant(tmp_path, PERFORMERS, (PERFORMER, PERFORMER + "\n      " + PERFORMER.replace(
        "humanPerformer_11", "humanPerformer_12").replace("${pimpinan}", "sekretaris")))
    assert_reported(problems_of(bad), bad.name, line_of(bad, 'id="humanPerformer_12"'),
                    "user task 'Task_disposisi' (Beri disposisi) has 2 human performers; a task has one assignee")


def test_a_human_performer_disagreeing_with_the_assignee_is_refused(tmp_path: Path) -> None:
    bad = variant(tmp_path, PERFORMERS, ('name="Beri disposisi"', 'name="Beri disposisi" camunda:assignee="kabag"'))
    assert_reported(problems_of(bad), bad.name, line_of(bad, 'id="humanPerformer_11"'),
                    "names the human performer '${pimpinan}' and the assignee 'kabag'; keep only the assignee")


def test_a_potential_owner_needs_a_formal_expression(tmp_path: Path) -> None:
    bad = variant(tmp_path, PERFORMERS, ("user(${pelaksana}), group(sekretariat), umum", ""))
    assert_reported(problems_of(bad), bad.name, line_of(bad, "<bpmn:potentialOwner"),
                    "has a potential owner without a formal expression")


def test_a_performer_expression_is_checked_like_an_assignee(tmp_path: Path) -> None:
    bad = variant(tmp_path, PERFORMERS, ("${pimpinan}", "${pimpinan.getNip()}"))
    assert_reported(problems_of(bad), bad.name, line_of(bad, 'id="Task_disposisi"'),
                    "user task 'Task_disposisi' (Beri disposisi), assignee: method call")


def test_candidate_starters_are_refused_rather_than_ignored(tmp_path: Path) -> None:
    bad = variant(tmp_path, UNASSIGNED, ('isExecutable="true"',
                                         'isExecutable="true" camunda:candidateStarterGroups="kepegawaian"'))
    assert_reported(problems_of(bad), bad.name, line_of(bad, "<bpmn:process"),
                    "process 'pengaduan_masyarakat' (Pengaduan masyarakat) sets candidateStarterGroups; Kinerja "
                    "starts processes from the application")


def test_an_initiator_in_a_called_process_is_refused(tmp_path: Path) -> None:
    processes = FIXTURES / "processes"
    child = variant(tmp_path, processes / "child.bpmn", ('<bpmn:startEvent id="c_start">',
                                                          '<bpmn:startEvent id="c_start" camunda:initiator="starter">'))
    checked, problems = validate(read_paths([str(processes / "parent.bpmn"), str(child)]))
    assert checked is None
    assert_reported(problems, "child.bpmn", line_of(child, 'id="c_start"'), "initiator 'starter': process 'child' is "
                    "called by process 'parent', where it gets no initiator")
    checked, problems = validate(read_paths([str(child)]))  # started on its own, it records its initiator
    assert problems == [] and checked is not None
