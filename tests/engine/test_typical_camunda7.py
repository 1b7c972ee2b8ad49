"""A process as a process owner typically draws it in Camunda Modeler 7 runs unchanged, end to end.

Initiator, a generated form, a JUEL gateway condition, a candidate group with a date-chain due date,
an input parameter with a method call, and an external payment task, in one file.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.clock import clock
from engine.errors import FormInvalid
from engine.runtime.external import external_tasks
from engine.runtime.human_tasks import tasks

T0 = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def reimburse(deploy):
    clock.set(T0)
    deploy("camunda7/typical_reimburse/pengajuan_reimburse.bpmn")


def _approve(session, complete, task, approved):
    tasks.claim(session, task.id, "keuangan01", groups=("keuangan",))  # a candidate claims before completing
    session.commit()
    complete(task, "keuangan01", {"disetujui": approved}, groups=("keuangan",))


def _pay(session, instance_id):
    rows = external_tasks.fetch_and_lock(session, "bank-worker", {"pembayaran": timedelta(minutes=5)}, 10)
    session.commit()
    assert [(row.instance_id, row.topic) for row in rows] == [(instance_id, "pembayaran")]
    external_tasks.complete(session, rows[0].id, "bank-worker", {"nomor_transfer": "TRX-1"})
    session.commit()


def test_a_large_claim_is_approved_by_finance_then_paid_by_a_worker(reimburse, start, open_tasks, complete,
                                                                     reload, session):
    instance = start("pengajuan_reimburse", actor="199001012020121001")
    (fill,) = open_tasks(instance.id)
    assert fill.assignee == "199001012020121001"  # camunda:initiator, then ${pemohon}
    with pytest.raises(FormInvalid):
        complete(fill, "199001012020121001", {"uraian": "Tiket", "jumlah": 0})
    complete(fill, "199001012020121001", {"uraian": "tiket pesawat", "jumlah": 2500000})

    (approve,) = open_tasks(instance.id)
    assert approve.bpmn_id == "Task_setujui"
    assert [(c.kind, c.value) for c in approve.candidates] == [("group", "keuangan")]
    assert approve.due_at == T0 + timedelta(days=3)  # ${dateTime().plusDays(3).toDate()}
    assert {f["id"] for f in approve.form["fields"]} == {"disetujui"}
    _approve(session, complete, approve, True)

    assert reload(instance.id).status == "waiting"  # at the external payment task
    _pay(session, instance.id)
    done = reload(instance.id)
    assert done.status == "completed"
    assert "ringkasan" not in done.state  # the input parameter was local to the approval task


def test_a_small_claim_goes_straight_to_payment(reimburse, start, open_tasks, complete, reload, session):
    instance = start("pengajuan_reimburse", actor="199001012020121001")
    complete(open_tasks(instance.id)[0], "199001012020121001", {"uraian": "fotokopi", "jumlah": 50000})
    assert open_tasks(instance.id) == []
    _pay(session, instance.id)
    assert reload(instance.id).status == "completed"


def test_a_rejected_claim_is_never_paid(reimburse, start, open_tasks, complete, reload, session):
    instance = start("pengajuan_reimburse", actor="199001012020121001")
    complete(open_tasks(instance.id)[0], "199001012020121001", {"uraian": "hotel", "jumlah": 3000000})
    _approve(session, complete, open_tasks(instance.id)[0], False)
    assert reload(instance.id).status == "completed"
    assert external_tasks.fetch_and_lock(session, "bank-worker", {"pembayaran": timedelta(minutes=5)}, 10) == []
