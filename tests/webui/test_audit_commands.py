"""`kinerja audit checkpoint|verify --checkpoint|--progress|rotate-key` from the operator's side."""

from __future__ import annotations

import json
import shutil

from engine.audit import keys
from tests.conftest import FIXTURES
from tests.engine.audit.helpers import delete_instance


def _start_two(cli) -> list[int]:
    cli("bpmn", "deploy", str(FIXTURES / "processes" / "counter.bpmn"))
    return [int(cli("instance", "start", "counter", "--key", key, "--data", json.dumps({"employee": key})).strip())
            for key in ("ani", "budi")]


def test_a_checkpoint_names_an_instance_deleted_with_its_trail(cli, session, tmp_path):
    gone, kept = _start_two(cli)
    statement = tmp_path / "checkpoint.json"
    statement.write_text(cli("audit", "checkpoint", "--actor", "inspektorat"))
    assert "consistent with the checkpoint" in cli("audit", "verify", "--checkpoint", str(statement))
    delete_instance(session, gone)
    out = cli("audit", "verify", "--checkpoint", str(statement), code=1)
    assert f"BROKEN instance:{gone}: chain head: all 2 events recorded by the checkpoint" in out
    assert "the instance and its trail were deleted" in out and f"instance:{kept}" not in out


def test_an_edited_checkpoint_is_refused(cli, tmp_path):
    _start_two(cli)
    statement = json.loads(cli("audit", "checkpoint"))
    chain = next(iter(statement["heads"]))
    statement["heads"][chain][0] -= 1  # hide the last event of a chain from the checkpoint
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps(statement))
    out = cli("audit", "verify", "--checkpoint", str(path), code=1)
    assert "the checkpoint's signature does not match" in out


def test_verify_reports_its_progress(cli):
    _start_two(cli)
    out = cli("audit", "verify", "--progress")
    assert "checked 3 chains, 5 events; then states, tasks and definitions" in out and "intact" in out


def test_rotate_key_adds_a_key_and_keeps_the_old_ones(cli, tmp_path, _audit_key_ring):
    _start_two(cli)
    ring = tmp_path / "audit.keys"
    shutil.copyfile(_audit_key_ring, ring)
    keys.configure(str(ring))
    try:
        old = keys.ring().current_id
        out = cli("audit", "rotate-key")
        new = keys.ring().current_id
        assert f"new audit key {new}" in out and new != old and old in keys.ring().keys
        cli("instance", "start", "counter", "--key", "citra", "--data", '{"employee": "citra"}')
        assert "intact" in cli("audit", "verify")
    finally:
        keys.configure(_audit_key_ring)


def test_seal_runs_once(cli):
    _start_two(cli)
    assert "sealed 0 instances, 0 chain heads, 0 definitions, 0 tasks" in cli("audit", "seal")
    assert "sealed already" in cli("audit", "seal", code=1)
    assert "intact" in cli("audit", "verify")
