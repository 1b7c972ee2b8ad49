"""Keyed seals of what the engine runs and shows: instance state and chain heads, definitions, task rows.

A seal is `keys.mac` of a short text naming the row and the hashes of its content, so a row edited by
SQL (or swapped with another row's content) no longer matches its seal, and a new seal cannot be made
without the key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from engine.errors import KinerjaError

from . import keys


class Tampered(KinerjaError):
    """Stored data no longer matches its seal: it was changed outside Kinerja and is not run or shown."""

    code = "tampered"


def sha256_text(text: str) -> str:
    """Return the SHA-256 hex digest of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _matches(text: str, seal: str | None) -> bool | str:
    """Return whether a seal matches, or why it cannot be checked (its key is not in the ring)."""
    try:
        return keys.check(text, seal)
    except keys.KeyRingError as exc:
        return exc.message


def _mismatch(text: str, seal: str | None, message: str) -> str | None:
    """Return message when the seal does not match the text (the key's absence when it is missing)."""
    matched = _matches(text, seal)
    return None if matched is True else matched or message


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


# Instances: the seal binds the chain head (so the trail cannot be cut or rewritten) to the state's hash.

def _instance_text(instance_id: int, seq: int, head: str, state_hash: str | None) -> str:
    return f"instance\0{instance_id}\0{seq}\0{head}\0{state_hash}"


def seal_instance(instance_id: int, seq: int, head: str, state_hash: str | None) -> str:
    """Return the seal of an instance's chain head and state hash."""
    return keys.mac(_instance_text(instance_id, seq, head, state_hash))


def instance_problem(instance_id: int, seq: int, head: str, state_hash: str | None, seal: str | None,
                     state: str | None = None) -> str | None:
    """Return what is wrong with an instance row's seal (and its state, when given), or None."""
    if seal is None:
        return "the instance is not sealed (edited, or written before the chain was keyed: run `audit seal`)"
    problem = _mismatch(_instance_text(instance_id, seq, head, state_hash), seal,
                        "the instance's chain head or state hash does not match its seal: the row was edited")
    if problem:
        return problem
    if state is not None and sha256_text(state) != state_hash:
        return "the instance's state does not match its sealed hash: the state was edited"
    return None


def require_instance(instance_id: int, seq: int, head: str, state_hash: str | None, seal: str | None,
                     state: str | None = None) -> None:
    """Raise Tampered when an instance row does not match its seal."""
    problem = instance_problem(instance_id, seq, head, state_hash, seal, state)
    if problem:
        raise Tampered(f"instance {instance_id} refuses to run: {problem}", instance_id=instance_id)


# Heads of the chains outside instances (global, access:<id>).

def _head_text(chain: str, seq: int, head: str) -> str:
    return f"head\0{chain}\0{seq}\0{head}"


def seal_head(chain: str, seq: int, head: str) -> str:
    """Return the seal of a chain head kept in `audit_chain_head`."""
    return keys.mac(_head_text(chain, seq, head))


def head_problem(chain: str, seq: int, head: str, seal: str | None) -> str | None:
    """Return what is wrong with a chain head's seal, or None."""
    if seal is None:
        return "the chain head is not sealed (edited, or written before the chain was keyed: run `audit seal`)"
    return _mismatch(_head_text(chain, seq, head), seal,
                     "the chain head does not match its seal: the chain was rewritten or cut")


def require_head(chain: str, seq: int, head: str, seal: str | None) -> None:
    """Raise Tampered when a chain head does not match its seal."""
    problem = head_problem(chain, seq, head, seal)
    if problem:
        raise Tampered(f"audit chain {chain}: {problem}", chain=chain)


# Deployed definitions: the executable spec JSON and the BPMN/DMN files it was built from.

def spec_digest(spec_json: str, files: dict[str, str]) -> str:
    """Return the content hash of a version (`spec_version.sha256`): its spec JSON and every file."""
    sha = hashlib.sha256(spec_json.encode("utf-8"))
    for name in sorted(files):
        sha.update(b"\0" + name.encode("utf-8") + b"\0" + files[name].encode("utf-8"))
    return sha.hexdigest()


def _spec_text(version_id: int, process_id: str, version: int, sha256: str, spec_json: str) -> str:
    return f"spec\0{version_id}\0{process_id}\0{version}\0{sha256}\0{sha256_text(spec_json)}"


def _files_text(version_id: int, files: dict[str, str]) -> str:
    return f"files\0{version_id}\0{sha256_text(_canonical(files))}"


def seal_spec(version_id: int, process_id: str, version: int, sha256: str, spec_json: str,
              files: dict[str, str]) -> str:
    """Return the seal of a deployed version: one of its row and executable spec, one of its XML files."""
    return (keys.mac(_spec_text(version_id, process_id, version, sha256, spec_json)) + " "
            + keys.mac(_files_text(version_id, files)))


def spec_problem(version_id: int, process_id: str, version: int, sha256: str, spec_json: str,
                 files: dict[str, str] | None, seal: str | None) -> str | None:
    """Return what was edited in a stored version, or None; files None checks the executable part only."""
    if not seal:
        return "the definition is not sealed (edited, or deployed before sealing: run `audit seal`)"
    spec_seal, _, files_seal = seal.partition(" ")
    problem = _mismatch(_spec_text(version_id, process_id, version, sha256, spec_json), spec_seal,
                        "its executable spec (spec_json) or its version row was edited")
    if problem or files is None:
        return problem
    return _mismatch(_files_text(version_id, files), files_seal, "its stored BPMN/DMN XML (files) was edited")


def require_spec(version_id: int, process_id: str, version: int, sha256: str, spec_json: str,
                 seal: str | None) -> None:
    """Raise Tampered when a stored executable spec does not match its seal: an edited definition never runs."""
    problem = spec_problem(version_id, process_id, version, sha256, spec_json, None, seal)
    if problem:
        raise Tampered(f"process {process_id} version {version} (spec version {version_id}) refuses to run: "
                       f"{problem}", spec_version_id=version_id)


# Human task rows: who may act on a task, and the form (with its values) they are shown. Two seals, the
# row's and its candidates', so completing a task checks its row without reading its candidates.

def _task_text(row: Any) -> str:
    return "task\0" + _canonical([
        row.instance_id, row.spiff_task_id, row.bpmn_id, row.name, row.lane, row.assignee, row.claimed_by,
        row.form, row.documentation, row.properties])


def _candidates_text(row: Any, candidates: Iterable[tuple[str, str]]) -> str:
    return "candidates\0" + _canonical([row.instance_id, row.spiff_task_id,
                                        sorted([kind, value] for kind, value in candidates)])


def seal_task(row: Any, candidates: Iterable[tuple[str, str]]) -> str:
    """Return the seal of a human task row (an object or namespace with its columns) and of its candidates."""
    return keys.mac(_task_text(row)) + " " + keys.mac(_candidates_text(row, candidates))


def task_problem(row: Any, candidates: Iterable[tuple[str, str]] | None) -> str | None:
    """Return what is wrong with a task row's seal (and its candidates', unless None), or None."""
    if not row.seal:
        return "the task is not sealed (edited, or created before sealing: run `audit seal`)"
    row_seal, _, candidates_seal = row.seal.partition(" ")
    problem = _mismatch(_task_text(row), row_seal, "the task row (assignee, form or properties) was edited")
    if problem or candidates is None:
        return problem
    return _mismatch(_candidates_text(row, candidates), candidates_seal, "the task's candidates were edited")


def require_task(row: Any, candidates: Iterable[tuple[str, str]] | None = None) -> None:
    """Raise Tampered when a human task row (and its candidates, when given) does not match its seal."""
    problem = task_problem(row, candidates)
    if problem:
        raise Tampered(f"task {row.id} refuses to be worked on: {problem}", task_id=row.id)
