"""The in-process baseline of the HTTP load benchmark: the same work, one process, no HTTP.

The users' work as the views do it: the inbox listing (`inbox_of`, the inbox page's query, and
`open_tasks_for`, the API's), then `tasks.complete` of the first task the user can answer with the
same answers the form sends, and one commit; users taken in turn, one session per user turn.
No page rendering, no sign-in, no session cookie, no form parsing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select

from engine.runtime.human_tasks import tasks
from engine.runtime.human_tasks.inbox import open_tasks_for
from workflows.inbox.inbox_view import inbox_of
from workflows.models.org import UserAccount

from . import http_forms
from .http_setup import Account
from .kinerja import Factory


@dataclass
class Baseline:
    """What the baseline did: completions, inbox reads, refusals and the seconds it ran."""

    completions: int = 0
    reads: int = 0
    refused: int = 0
    seconds: float = 0.0
    first_refusal: str = ""

    @property
    def rate(self) -> float:
        """Return completions per second."""
        return self.completions / self.seconds if self.seconds else 0.0


def run(factory: Factory, accounts: list[Account], seconds: float) -> Baseline:
    """Work the users' inboxes in turn for `seconds`; return the counts."""
    with factory() as session:
        groups = {a.username: a.groups() for a in session.execute(select(UserAccount).where(
            UserAccount.username.in_([account.username for account in accounts]))).scalars()}
    out = Baseline()
    began = time.perf_counter()
    turn = 0
    while time.perf_counter() - began < seconds:
        user = accounts[turn % len(accounts)].username
        turn += 1
        with factory() as session:
            inbox_of(session, user, groups[user], "mine")
            page = open_tasks_for(session, user, groups[user])
            out.reads += 1
            row = next((r for r in page.items if r.bpmn_id in http_forms.ENGINE_ANSWERS), None)
            if row is None:
                continue
            try:
                tasks.complete(session, row.id, user, http_forms.ENGINE_ANSWERS[row.bpmn_id], groups[user])
                session.commit()
                out.completions += 1
            except Exception as refusal:  # counted and shown: the baseline must do the same work
                session.rollback()
                out.refused += 1
                out.first_refusal = out.first_refusal or f"{row.bpmn_id}: {type(refusal).__name__}: {refusal}"
    out.seconds = time.perf_counter() - began
    return out
