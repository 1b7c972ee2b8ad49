"""Fixtures of the auth tests: the demo city with its forced password changes cleared, as the other areas see it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.db import make_engine
from workflows.models.org import UserAccount
from workflows.signin.accounts import clear_forced_change


def set_forced_change(url: str, username: str | None = None, value: bool = True) -> None:
    """Set (or clear) the forced password change of one account, or of all, in the database at url."""
    engine = make_engine(url)
    with Session(engine) as session:
        if username is None and not value:
            clear_forced_change(session)
        else:
            query = update(UserAccount).values(must_change_password=value)
            if username is not None:
                query = query.where(UserAccount.username == username)
            session.execute(query)
        session.commit()
    engine.dispose()


@pytest.fixture
def demo_url(demo_url: str) -> Iterator[str]:
    """This test's copy of the demo city, demo accounts signing in straight to their pages."""
    set_forced_change(demo_url, value=False)
    yield demo_url
