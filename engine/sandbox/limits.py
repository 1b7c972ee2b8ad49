"""The sandbox's configurable bounds, set once at start-up from the settings (`set_sandbox_limits`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.config import Defaults


@dataclass
class SandboxLimits:
    """Memory per evaluation, loop instances, and the size of the task data a script may leave."""

    #: MiB one script or expression may add to the process's resident memory (SCRIPT_MEMORY_MB).
    memory_mb: int = Defaults.SCRIPT_MEMORY_MB
    #: Most instances of a multi-instance activity or iterations of a standard loop (MAX_LOOP_CARDINALITY).
    loop_cardinality: int = Defaults.MAX_LOOP_CARDINALITY
    #: Most bytes (as JSON) of the task data a script leaves (MAX_INSTANCE_DATA_BYTES).
    data_bytes: int = Defaults.MAX_INSTANCE_DATA_BYTES


LIMITS = SandboxLimits()


def set_sandbox_limits(config: Mapping[str, Any]) -> None:
    """Take the sandbox's bounds from the settings (SCRIPT_MEMORY_MB, MAX_LOOP_CARDINALITY, MAX_INSTANCE_DATA_BYTES)."""
    values = {"memory_mb": config.get("SCRIPT_MEMORY_MB", LIMITS.memory_mb),
              "loop_cardinality": config.get("MAX_LOOP_CARDINALITY", LIMITS.loop_cardinality),
              "data_bytes": config.get("MAX_INSTANCE_DATA_BYTES", LIMITS.data_bytes)}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"the sandbox limit {name} must be a positive whole number, not {value!r}")
    LIMITS.memory_mb = values["memory_mb"]
    LIMITS.loop_cardinality = values["loop_cardinality"]
    LIMITS.data_bytes = values["data_bytes"]
