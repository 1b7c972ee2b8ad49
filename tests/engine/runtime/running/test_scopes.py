"""A collapsed sub-process as Camunda Modeler 5 saves it: a box on the main plane, its content on its own plane."""

from __future__ import annotations

from engine.runtime.human_tasks import tasks
from engine.runtime.human_tasks.assignment import operators_group

COLLAPSED = "camunda7/sub_process_collapsed.bpmn"


def test_tasks_inside_keep_their_own_lane_and_belong_to_the_process(session, deploy, start, open_tasks, complete,
                                                                     events):
    deploy(COLLAPSED)
    ops = (operators_group(),)  # no lane resolver here: the operators do every task

    def done(task, data=None):
        tasks.claim(session, task.id, "operator", ops)
        session.commit()
        complete(task, "operator", data, ops)

    instance = start("surat_keluar")
    [konsep] = open_tasks(instance.id)
    assert (konsep.bpmn_id, konsep.lane, konsep.process_id) == ("Task_konsep", "Staf", "surat_keluar")
    done(konsep)
    # The sub-process box sits in lane Staf, but the approval is drawn (and named) in lane Kepala.
    [setujui] = open_tasks(instance.id)
    assert (setujui.bpmn_id, setujui.lane, setujui.process_id) == ("Task_setujui", "Kepala", "surat_keluar")
    done(setujui)
    [kirim] = open_tasks(instance.id)
    assert (kirim.bpmn_id, kirim.lane, kirim.process_id) == ("Task_kirim", "Staf", "surat_keluar")
    done(kirim)
    assert [e for e, _ in events(instance.id)][-1] == "instance_completed"
