"""Who may do what on a task page: act, claim, release, read what they submitted, or nothing (404)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort

from engine.models import HumanTask
from engine.runtime.human_tasks import tasks

from ..auth.users import me
from ..extensions import db


@dataclass(frozen=True)
class Access:
    """The signed-in user's relation to one task."""

    row: HumanTask
    candidates: list[tuple[str, str]]
    #: The user holds the open task (its assignee or the candidate who claimed it): may fill it in.
    may_act: bool = False
    #: The open task is held by no one and the user is a candidate: may claim it.
    may_claim: bool = False
    #: The user claimed the open task: may give it back to the candidates.
    may_release: bool = False
    #: The task is completed, by this user: the page shows what they submitted.
    done_by_me: bool = False


class OutOfHand(Exception):
    """A candidate's task that someone else now holds or completed, or the process withdrew.

    The user learns who has it (a colleague of the same group may), never its data.
    """

    def __init__(self, row: HumanTask) -> None:
        super().__init__(row.id)
        self.row = row


def access_to(task_id: int, *, posted: bool = False) -> Access:
    """Return the user's access to a task; 404 when it is none of their business, OutOfHand when it was.

    A candidate who posts to a task someone else completed (a stale page) learns by whom and when; only
    its completer may open a completed task's page.
    """
    user = me()
    row = db.session.get(HumanTask, task_id)
    if row is None:
        abort(404)
    candidates = tasks.candidates_of(db.session, row.id)
    candidate = tasks.is_candidate(candidates, user.username, user.groups)
    holder = row.assignee or row.claimed_by
    if row.state == "open":
        if user.username in (row.assignee, row.claimed_by):
            return Access(row, candidates, may_act=True, may_release=row.claimed_by == user.username)
        if holder is None and candidate:
            return Access(row, candidates, may_claim=True)
    elif row.completed_by == user.username:
        return Access(row, candidates, done_by_me=True)
    if (candidate or user.username == row.assignee) and (posted or row.state != "completed"):
        raise OutOfHand(row)
    abort(404)  # never say whether someone else's task exists
