"""The audit key ring: created private on first use, rotated without breaking what older keys sealed."""

from __future__ import annotations

import os
import shutil
import stat

import pytest
from sqlalchemy import select

from engine import audit
from engine.audit import keys
from engine.models import AuditEvent


@pytest.fixture
def own_ring(tmp_path, _audit_key_ring):
    """A copy of the run's key ring that a test may rotate; the run's ring is used again afterwards."""
    path = tmp_path / "audit.keys"
    keys.ring()  # the run's ring exists once something was sealed
    shutil.copyfile(_audit_key_ring, path)
    keys.configure(str(path))
    yield path
    keys.configure(_audit_key_ring)


def test_a_missing_ring_is_created_with_one_key_only_its_owner_reads(tmp_path, _audit_key_ring):
    path = tmp_path / "instance" / "audit.keys"
    keys.configure(str(path))
    try:
        seal = keys.mac("text")
    finally:
        keys.configure(_audit_key_ring)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    ring = keys._read(str(path))
    assert list(ring.keys) == ["k1"] and seal.startswith("k1:")


def test_a_malformed_ring_is_refused_with_the_line_named(tmp_path, _audit_key_ring):
    path = tmp_path / "audit.keys"
    path.write_text("k1 not-hex\n")
    keys.configure(str(path))
    try:
        with pytest.raises(keys.KeyRingError, match="line 1"):
            keys.mac("text")
    finally:
        keys.configure(_audit_key_ring)


def test_after_a_rotation_old_and_new_events_verify_and_new_ones_use_the_new_key(
        own_ring, deploy, start, open_tasks, complete, session):
    deploy("processes/counter.bpmn")
    one = start("counter", {"employee": "ani"}, key="one")
    old = keys.ring().current_id
    new = keys.rotate()
    assert new != old and keys.ring().current_id == new
    complete(open_tasks(one.id)[0], "ani", {"score": 5})
    start("counter", {"employee": "budi"}, key="two")
    used = list(session.execute(select(AuditEvent.key_id).where(AuditEvent.instance_id == one.id)
                                .order_by(AuditEvent.seq)).scalars())
    assert used[0] == old and used[-1] == new
    assert audit.verify(session) == []


def test_a_key_removed_from_the_ring_is_named_by_verify(own_ring, deploy, start, session):
    deploy("processes/counter.bpmn")
    instance = start("counter", {"employee": "ani"}, key="one")
    old = keys.ring().current_id
    keys.rotate()
    lines = [line for line in own_ring.read_text().splitlines() if not line.startswith(old + " ")]
    own_ring.write_text("\n".join(lines) + "\n")
    keys.configure(str(own_ring))
    breaches = {b.chain: b for b in audit.verify(session)}
    assert f"audit key '{old}' is not in the key ring" in breaches[f"instance:{instance.id}"].message
