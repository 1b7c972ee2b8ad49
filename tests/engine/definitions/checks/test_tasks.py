"""Service, send, business rule and receive tasks as Camunda Modeler saves them: deployed, or refused with a rewrite."""

from __future__ import annotations

import pytest

from engine.definitions import specs
from engine.definitions.validation import validate
from engine.errors import ValidationFailed
from engine.models import SpecVersion
from tests.conftest import read_fixture


def _problems(name: str) -> list[str]:
    checked, problems = validate(read_fixture(f"camunda7/{name}"))
    assert checked is None
    return [str(problem) for problem in problems]


HINT = "make it an external task (Implementation: External, Topic: kirim-email) and let a worker do it"


@pytest.mark.parametrize(("name", "says"), [
    ("tasks_service_class.bpmn",
     "calls Java (camunda:class 'id.go.samarinda.kinerja.KirimEmail'): Kinerja runs no Java"),
    ("tasks_service_delegate_expression.bpmn", "calls a Java bean (camunda:delegateExpression '${pengirimEmail}')"),
    ("tasks_service_expression.bpmn", "calls Java through an expression (camunda:expression "
                                      "'${mailer.kirim(pegawai)}')"),
    ("tasks_service_connector.bpmn", "calls a connector (http-connector): Kinerja runs no connectors"),
    ("tasks_service_no_implementation.bpmn", "has no implementation"),
    ("tasks_send_class.bpmn", "calls Java (camunda:class"),
])
def test_a_task_calling_code_is_refused_with_the_external_task_rewrite(name: str, says: str) -> None:
    [problem] = _problems(name)
    assert problem.startswith(f"{name}:7: ")
    assert "'Task_kirim' (Kirim email)" in problem
    assert says in problem
    assert HINT in problem


def test_a_send_task_with_only_a_message_points_to_message_events() -> None:
    [problem] = _problems("tasks_send_message_only.bpmn")
    assert problem.startswith("tasks_send_message_only.bpmn:8: send task 'Task_kirim'")
    assert "use a message intermediate throw event or message end event" in problem


def test_a_java_business_rule_task_points_to_dmn_or_an_external_task() -> None:
    [problem] = _problems("tasks_business_rule_class.bpmn")
    assert problem.startswith("tasks_business_rule_class.bpmn:7: business rule task 'Task_kirim'")
    assert "link a DMN decision (Implementation: DMN, Decision reference), or " + HINT in problem


def test_an_external_task_needs_a_topic() -> None:
    [problem] = _problems("tasks_external_no_topic.bpmn")
    assert problem.startswith("tasks_external_no_topic.bpmn:7: ")
    assert "external task without a topic: set Topic (e.g. kirim-email)" in problem


def test_a_receive_task_without_a_message_is_refused() -> None:
    [problem] = _problems("tasks_receive_no_message.bpmn")
    assert problem.startswith("tasks_receive_no_message.bpmn:7: receive task 'Task_tunggu'")
    assert "names none: choose its Global message reference" in problem


def test_a_refused_deploy_stores_nothing(session) -> None:
    with pytest.raises(ValidationFailed):
        specs.deploy(session, read_fixture("camunda7/tasks_service_class.bpmn"), "owner")
    session.rollback()
    assert session.query(SpecVersion).count() == 0


def test_external_service_send_and_business_rule_tasks_deploy(deploy) -> None:
    versions = deploy("camunda7/tasks_external.bpmn")
    assert list(versions) == ["tasks_external"]
    spec, _ = specs.load_spec(versions["tasks_external"].spec_json)
    topics = {name: (task.topic, task.priority) for name, task in spec.task_specs.items() if hasattr(task, "topic")}
    assert topics == {"Task_kirim": ("kirim-email", "10"), "Task_arsip": ("arsip", None),
                      "Task_nilai": ("hitung-nilai", "${prioritas}")}


def test_validation_refuses_an_element_deploy_could_not_store(monkeypatch) -> None:
    # The original failure: SpiffWorkflow's own ServiceTask has no serializer, so `bpmn validate` said
    # valid and `bpmn deploy` died with "Object of type ServiceTask is not JSON serializable".
    from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
    from SpiffWorkflow.bpmn.parser.util import full_tag
    from SpiffWorkflow.bpmn.specs.defaults import ServiceTask

    from engine.definitions.parsing.parser import KinerjaParser
    classes = {**KinerjaParser.OVERRIDE_PARSER_CLASSES, full_tag("serviceTask"): (TaskParser, ServiceTask)}
    monkeypatch.setattr(KinerjaParser, "OVERRIDE_PARSER_CLASSES", classes)
    [problem] = _problems("tasks_external.bpmn")
    assert str(problem).startswith("tasks_external.bpmn:8: service task 'Task_kirim' (Kirim email) is a kind of "
                                   "element Kinerja cannot run yet")


def test_an_implementation_type_other_than_external_is_refused() -> None:
    # Camunda Modeler offers only External, but a file may come from an older tool (Activiti's "mail").
    text = read_fixture("camunda7/tasks_service_class.bpmn")["tasks_service_class.bpmn"].replace(
        b'camunda:class="id.go.samarinda.kinerja.KirimEmail"', b'camunda:type="mail"')
    checked, problems = validate({"mail.bpmn": text})
    assert checked is None
    assert [str(p) for p in problems] == [
        "mail.bpmn:7: service task 'Task_kirim' (Kirim email) has the implementation type 'mail', which Kinerja "
        "cannot run; " + HINT]


def test_error_code_variables_on_a_caught_error_are_refused_not_dropped() -> None:
    files = read_fixture("camunda7/tasks_external.bpmn")
    name = next(iter(files))
    files[name] = files[name].replace(b'errorRef="Error_alamat" />',
                                      b'errorRef="Error_alamat" camunda:errorCodeVariable="kode" />')
    _, problems = validate(files)
    assert [(p.line, p.message) for p in problems if "errorCodeVariable" in p.message] == [
        (25, "boundary event 'Event_alamat_salah' (Alamat salah) asks for the caught "
             "camunda:errorCodeVariable, which Kinerja does not set; remove them and follow a separate error "
             "boundary event per error code instead")]
