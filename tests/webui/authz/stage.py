"""The matrix's stage: Reza's appraisal at its objection window, plus a process owner, a worker and an incident.

Built once per test worker from the demo template (tests/webui/rating_fixtures.py `build_stage`); a module
that only reads shares one app on one copy, and a test that changes state takes its own copy.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.definitions import specs
from engine.models import AuditCheck, ExternalTask, HumanTask, Instance, Notification
from engine.runtime.external import external_tasks
from engine.runtime.lifecycle import instances
from tests.conftest import read_fixture
from tests.webui.rating_fixtures import APPRAISER, RATED, cycle_of, open_task, to_appeal
from workflows.organisation.demo_org import demo_password
from workflows.signin import accounts

from .cast import EXTRA_ACCOUNTS, Case

WORKER = "svc.siasn"


def to_matrix(session: Session) -> None:
    """Move the demo city to Reza's objection window, add the extra accounts, a worker's task and an incident."""
    to_appeal(session)
    for username, roles in EXTRA_ACCOUNTS:
        account, _ = accounts.create_account(session, username, "admin", roles=roles)
        account.set_password(demo_password(username))
        account.must_change_password = False
    specs.deploy(session, read_fixture("camunda7/tasks_external.bpmn"), "admin")
    version = specs.require_latest(session, "tasks_external")
    for key in ("eksternal-gagal", "eksternal-terbuka"):  # the first one's task is locked first and fails
        instances.start(session, version, {"prioritas": 1}, key, "admin")
    [row] = external_tasks.fetch_and_lock(session, WORKER, {"kirim-email": timedelta(minutes=5)}, 1)
    external_tasks.handle_failure(session, row.id, WORKER, "SMTP tidak menjawab", retries=0)
    audit.start_check(session, "inspektorat")
    session.commit()


def case_of(session: Session) -> Case:
    """Return the ids the matrix's addresses use, read from the built stage."""
    reza, teguh = cycle_of(session, RATED), cycle_of(session, APPRAISER)
    notice = open_task(session, "Task_beritahu_predikat", reza)
    rated = session.execute(select(HumanTask.id).where(
        HumanTask.instance_id == reza, HumanTask.bpmn_id == "Task_nilai")).scalar_one()
    group = session.execute(select(HumanTask.id).join(Instance, Instance.id == HumanTask.instance_id).where(
        Instance.business_key == "kalibrasi:2027:BKPSDM", HumanTask.state == "open")).scalar_one()
    notification = session.execute(select(Notification.id).where(
        Notification.recipient == RATED, Notification.human_task_id == notice.id)).scalar_one()
    incident = session.execute(select(Instance.id).where(Instance.status == "error")).scalar_one()
    external = session.execute(select(ExternalTask.id).where(ExternalTask.instance_id != incident)).scalar_one()
    check = session.execute(select(AuditCheck.id)).scalar_one()
    return Case(instance=reza, task=notice.id, notification=notification, done_task=rated,
                appraiser_instance=teguh, appraiser_task=open_task(session, "Task_nilai_kepala_unit", teguh).id,
                group_task=group, external_task=str(external), incident=incident, audit_check=check)
