"""The audit trail: insert-only events in keyed hash chains, and the seals that make tampering visible.

One chain per instance, one per instance's looks, and a global one (`chain`); instance states,
deployed definitions and task rows carry keyed seals (`seals`); `verify` checks it all, streamed;
signed checkpoints (`checkpoints`) catch whole chains deleted with their instance.
"""

from __future__ import annotations

from .chain import (
    CONFIDENTIAL_EVENT,
    GENESIS,
    GLOBAL_CHAIN,
    Pending,
    access_chain_of,
    canonical,
    chain_of,
    chain_rows,
    insert_rows,
    json_safe,
    record,
    record_many,
)
from .checks import (
    all_chains,
    chain_head,
    check_chains,
    finish_check,
    start_check,
    verify,
    verify_chain,
    verify_instance,
)
from .scans import Breach
from .seals import Tampered, require_instance, seal_instance, sha256_text
from .trail import access_events_of, event_dict, events_of, export, is_confidential

__all__ = [
    "CONFIDENTIAL_EVENT", "GENESIS", "GLOBAL_CHAIN", "Breach", "Pending", "Tampered", "access_chain_of",
    "access_events_of", "all_chains", "canonical", "chain_head", "chain_of", "chain_rows", "check_chains",
    "event_dict", "events_of", "export", "finish_check", "insert_rows", "is_confidential", "json_safe",
    "record", "record_many", "require_instance", "seal_instance", "sha256_text",
    "start_check", "verify", "verify_chain", "verify_instance",
]
