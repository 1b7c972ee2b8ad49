"""Plain and manual tasks and throw events without a definition pass through; receive tasks wait for a message."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import HumanTask, MessageSubscription
from engine.runtime.events import messages
from engine.runtime.lifecycle import instances


def test_plain_and_manual_tasks_and_a_milestone_event_pass_through(deploy, start, session, reload, events):
    deploy("camunda7/tasks_pass_through.bpmn")
    instance = start("tasks_pass_through", {"pegawai": "ani"})
    stored = reload(instance.id)
    assert stored.status == "completed"
    assert session.execute(select(HumanTask).where(HumanTask.instance_id == instance.id)).first() is None
    kinds = [kind for kind, _ in events(instance.id)]
    assert "task_created" not in kinds
    assert "message_undelivered" not in kinds  # the milestone event sends nothing
    assert instances.variables(instances.load(session, instance.id))["selesai"] is True


def test_a_receive_task_waits_for_its_message(deploy, start, session, reload, events):
    deploy("camunda7/tasks_receive_message.bpmn")
    instance = start("tasks_receive_message", {"nip": "198001012005011001"})
    assert reload(instance.id).status == "waiting"
    [subscription] = session.execute(select(MessageSubscription).where(
        MessageSubscription.instance_id == instance.id)).scalars()
    assert subscription.message_name == "berkas_lengkap"

    assert messages.send(session, "berkas_lengkap", {"jumlah": 3}, "operator") == 1
    session.commit()
    assert reload(instance.id).status == "completed"
    assert instances.variables(instances.load(session, instance.id))["Task_tunggu_Response"] == {"jumlah": 3}
    assert "message_delivered" in [kind for kind, _ in events(instance.id)]
