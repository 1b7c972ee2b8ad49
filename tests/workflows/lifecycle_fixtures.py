"""Fixtures of the lifecycle scenario tests, loaded by each test module through `pytest_plugins`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.definitions import specs
from engine.runtime.human_tasks.assignment import AttributeResolver, set_resolver
from tests.workflows.lifecycle import T0, DictLaneResolver, Lifecycle, bpmn_files, build_org


@pytest.fixture
def lane_resolver() -> Iterator[DictLaneResolver]:
    """Install the dict lane resolver for the test; put the default AttributeResolver back afterwards."""
    resolver = DictLaneResolver()
    set_resolver(resolver)
    yield resolver
    set_resolver(AttributeResolver())


@pytest.fixture
def lifecycle(request: pytest.FixtureRequest, session: Session, lane_resolver: DictLaneResolver,
              script_functions: None) -> Lifecycle:
    """Build the test organisation, register the script functions, deploy bpmn/ at T0; return the driver.

    A test module may set `LIFECYCLE_FILES = [...]` to deploy only the files it drives (faster).
    """
    clock.set(T0)
    build_org(session)
    files = bpmn_files()
    wanted = getattr(request.module, "LIFECYCLE_FILES", None)
    if wanted:
        files = {name: files[name] for name in wanted}
    specs.deploy(session, files, "process-owner")
    session.commit()
    return Lifecycle(session)

