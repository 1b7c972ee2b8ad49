"""Configuration: documented defaults, overridden by `KINERJA_*` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Defaults:
    """Every setting Kinerja reads, with its default; `KINERJA_<NAME>` in the environment overrides it."""

    #: SQLAlchemy URL of the database; SQLite file in the instance folder when unset.
    DATABASE_URL: str = ""
    #: Flask session signing key (at least 32 random characters); when unset, a key is generated once into
    #: INSTANCE_PATH/secret_key (mode 0600) and kept. Weak keys are refused outside debug and tests.
    SECRET_KEY: str = ""
    #: development, or production: refuses `kinerja demo` and weak keys even when debugging.
    ENV: str = "development"
    #: Largest BPMN/DMN file `bpmn validate`/`deploy` accepts, in bytes.
    MAX_BPMN_BYTES: int = 5 * 1024 * 1024
    #: Seconds a script task or expression may run before it is stopped.
    SCRIPT_TIMEOUT_SECONDS: float = 2.0
    #: Seconds the worker sleeps between passes when nothing was due.
    WORKER_INTERVAL_SECONDS: float = 30.0
    #: Instances one worker pass takes at most.
    WORKER_BATCH_SIZE: int = 100
    #: Who appraises JPT Pratama (heads of OPD): "wali_kota", or "sekda" acting for the Wali Kota.
    JPT_APPRAISER: str = "wali_kota"
    #: Candidate group of the operators who see and assign user tasks no one else can take: tasks
    #: modelled without assignee or candidates, and tasks whose lane or assignee could not be resolved.
    OPERATORS_GROUP: str = "operators"
    #: Largest JSON text of one instance's data, in bytes; a step that would store more becomes an incident.
    MAX_INSTANCE_DATA_BYTES: int = 4 * 1024 * 1024
    #: Largest JSON text of one variable of an instance's data, in bytes.
    MAX_VARIABLE_BYTES: int = 256 * 1024
    #: Deepest nesting of lists and objects accepted in instance data, forms and API bodies.
    MAX_DATA_DEPTH: int = 32
    #: Longest key of an object in instance data, in characters.
    MAX_DATA_KEY_LENGTH: int = 200

    #: Largest memory one script task or expression may allocate, in MiB.
    SCRIPT_MEMORY_MB: int = 256
    #: Most iterations of a loop or instances of a multi-instance activity.
    MAX_LOOP_CARDINALITY: int = 20000

    #: Shortest timer duration or cycle interval a definition may use, in seconds.
    TIMER_MIN_SECONDS: float = 1.0
    #: Longest timer duration a definition may use, in days.
    TIMER_MAX_DAYS: int = 3660
    #: Times a transient database failure (deadlock, serialization) of one instance is retried by the worker.
    WORKER_RETRY_LIMIT: int = 5
    #: Seconds before the first retry of a transient failure; doubled each time.
    WORKER_RETRY_SECONDS: float = 5.0

    #: File holding the key of the audit chain's HMAC (kept outside the database); instance folder when unset.
    AUDIT_KEY_FILE: str = ""

    #: Folder for the SQLite database and other local files.
    INSTANCE_PATH: str = field(default_factory=lambda: os.path.join(os.getcwd(), "instance"))


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the settings: defaults, then `KINERJA_*` environment variables, then overrides."""
    config: dict[str, Any] = {}
    for f in fields(Defaults):
        value = getattr(Defaults(), f.name)
        env = os.environ.get(f"KINERJA_{f.name}")
        if env is not None:
            value = type(value)(env) if not isinstance(value, str) else env
        config[f.name] = value
    config.update(overrides or {})
    if not config["DATABASE_URL"]:
        os.makedirs(config["INSTANCE_PATH"], exist_ok=True)
        config["DATABASE_URL"] = "sqlite:///" + os.path.join(config["INSTANCE_PATH"], "kinerja.db")
    return config
