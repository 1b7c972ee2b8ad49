"""The diagram state of an instance: each drawn element's state per process, read from one restore."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import Instance
from engine.runtime.human_tasks import tasks
from engine.runtime.lifecycle.diagram_state import diagram_state

FILES = ("bpmn/valid/cuti.bpmn", "bpmn/valid/jenis_cuti.dmn", "bpmn/valid/persetujuan.bpmn")


@pytest.fixture
def leave(deploy: Callable[..., Any], start: Callable[..., Instance]) -> Instance:
    deploy(*FILES)
    return start("pengajuan_cuti", {"atasan": "budi"})


def test_a_new_instance_marks_what_ran_and_the_open_task(session: Session, leave: Instance) -> None:
    state = diagram_state(session, leave.id)
    assert state.main == "pengajuan_cuti"
    assert list(state.processes) == ["pengajuan_cuti", "persetujuan_atasan"]  # the called process too
    main = state.processes["pengajuan_cuti"]
    assert (main.name, main.file) == ("Pengajuan Cuti", "cuti.bpmn")
    assert 'calledElement="persetujuan_atasan"' in main.xml
    assert main.states == {"StartEvent_1": "completed", "Task_isi": "active"}
    assert state.processes["persetujuan_atasan"].states == {}  # not called yet


def test_a_called_process_has_its_own_states(session: Session, leave: Instance,
                                             open_tasks: Callable[..., Any], complete: Callable[..., Any]) -> None:
    [isi] = open_tasks(leave.id)
    tasks.claim(session, isi.id, "operator", ("operators",))
    session.commit()
    complete(isi, "operator", {"alasan": "Keluarga", "lama": 3, "setengah_hari": False}, groups=("operators",))
    state = diagram_state(session, leave.id)
    main = state.processes["pengajuan_cuti"].states
    assert (main["Task_isi"], main["Task_jenis"], main["Call_persetujuan"]) == ("completed", "completed", "active")
    assert "Script_catat" not in main
    called = state.processes["persetujuan_atasan"].states
    assert called == {"StartEvent_1": "completed", "Task_setujui": "active", "Event_batas": "waiting"}
    shown = state.as_dict("persetujuan_atasan")
    assert shown["process_id"] == "persetujuan_atasan" and shown["states"] == called
    assert shown["processes"] == [{"id": "pengajuan_cuti", "name": "Pengajuan Cuti", "reached": True},
                                  {"id": "persetujuan_atasan", "name": "Persetujuan Atasan", "reached": True}]
    assert 'id="Task_setujui"' in shown["xml"]


def test_an_unknown_process_or_instance_is_not_found(session: Session, leave: Instance) -> None:
    with pytest.raises(NotFound):
        diagram_state(session, leave.id).as_dict("tidak_ada")
    with pytest.raises(NotFound):
        diagram_state(session, 999999)


def test_a_failed_step_is_marked_as_needing_attention(session: Session, leave: Instance,
                                                      open_tasks: Callable[..., Any],
                                                      complete: Callable[..., Any]) -> None:
    [isi] = open_tasks(leave.id)
    tasks.claim(session, isi.id, "operator", ("operators",))
    session.commit()
    complete(isi, "operator", {"alasan": "Keluarga", "lama": 3}, groups=("operators",))  # the rule needs more
    assert diagram_state(session, leave.id).processes["pengajuan_cuti"].states["Task_jenis"] == "error"
