"""Validation and deploy agree on every fixture: a file set either deploys and starts, or is refused line by line.

The promise to process owners: a file Camunda Modeler saves deploys unchanged, or is refused with
FILE:LINE and a fix, never a Python traceback at deploy or at the first steps.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from engine.definitions import specs
from engine.definitions.validation import validate
from engine.errors import ValidationFailed
from engine.runtime.lifecycle import instances
from tests.conftest import EXAMPLES, FIXTURES, ROOT

#: Words of Python's own errors that must never reach a process owner as the explanation.
PYTHON_ERRORS = re.compile(r"Traceback|\b(AttributeError|TypeError|KeyError|IndexError|NameError|NoneType)\b")


def _cases() -> list[tuple[str, list[Path]]]:
    """Each fixture set: a lone file, a folder of files deployed together, the real bpmn/."""
    cases: list[tuple[str, list[Path]]] = []
    for entry in sorted((FIXTURES / "camunda7").iterdir()):
        files = sorted(p for p in entry.rglob("*") if p.suffix in (".bpmn", ".dmn")) if entry.is_dir() else [entry]
        if files and (entry.is_dir() or entry.suffix in (".bpmn", ".dmn")):
            cases.append((f"camunda7/{entry.name}", files))
    for entry in sorted((FIXTURES / "bpmn" / "broken").glob("*.bpmn")):  # the broken DMN need a process
        cases.append((f"broken/{entry.name}", [entry]))
    cases.append(("bpmn/valid", sorted((FIXTURES / "bpmn" / "valid").iterdir())))
    cases.append(("examples", sorted(EXAMPLES.iterdir())))
    cases.append(("bpmn", sorted((ROOT / "bpmn").glob("*.*"))))
    return cases


CASES = _cases()


@pytest.mark.parametrize("files", [files for _, files in CASES], ids=[name for name, _ in CASES])
def test_what_validates_deploys_and_starts(session: Session, files: list[Path]) -> None:
    contents = {path.name: path.read_bytes() for path in files}
    checked, problems = validate(contents)
    if checked is None:
        assert problems, "a refused file set says why"
        for problem in problems:
            assert problem.line, f"every refusal points at a line: {problem}"
            assert not PYTHON_ERRORS.search(problem.message), f"a Python error leaked to the process owner: {problem}"
        with pytest.raises(ValidationFailed):
            specs.deploy(session, contents, "owner")
        return
    results = specs.deploy(session, contents, "owner")
    assert {r.spec_version.process_id for r in results} == set(checked.process_ids)
    for number, result in enumerate(results):
        if result.spec_version.start_messages:
            continue  # started by its message, not by hand
        instance = instances.start(session, result.spec_version, {}, f"prop-{number}", "owner")
        # Started without its data a process may stop at an incident (a missing variable): that is
        # the process's business; an exception escaping the engine is not.
        assert instance.status in ("running", "waiting", "completed", "error")
    session.commit()
