"""Gunicorn settings of `make run` (`gunicorn -c gunicorn.conf.py wsgi:app`); environment variables override them."""

from __future__ import annotations

import os
from typing import Any

#: Address and port: 127.0.0.1:$PORT (5000) unless KINERJA_BIND names another, e.g. 0.0.0.0:8000 behind a proxy.
bind = [os.environ.get("KINERJA_BIND") or f"127.0.0.1:{os.environ.get('PORT', '5000')}"]
#: Two sync workers keep a modest office PC responsive; each opens its own database connections.
workers = int(os.environ.get("KINERJA_WEB_WORKERS", "2"))
#: A slow page (a large unit's calibration) must not be killed as a hung worker.
timeout = 60
#: One access-log line per request on stdout, errors on stderr.
accesslog = "-"
errorlog = "-"
#: Each worker builds its own app (and database engine) after the fork.
preload_app = False
proc_name = "kinerja"
#: No runtime control socket: several instances on one machine would share its default path.
control_socket_disable = True
#: Request latency of every worker in /metrics (webui/ops/latency.py): prometheus-client's multiprocess mode
#: keeps each worker's samples in files of this folder, which must exist before the workers start and be
#: emptied at each start (on_starting, which also sets the variable in the master before any worker forks and
#: imports prometheus-client; reading this file sets nothing). The variable wins.
PROMETHEUS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.path.join(
    os.environ.get("KINERJA_INSTANCE_PATH") or os.path.join(os.getcwd(), "instance"), "prometheus")


def demo_accounts() -> list[tuple[str, str, str]]:
    """Return (username, password, who) of the demo accounts worth trying first: one per role of the SKP stage."""
    from workflows.organisation.demo_org import EMPLOYEES, POSITIONS, demo_password

    reports_to = {code: boss for code, _, _, _, boss, _ in POSITIONS}
    holder = {position: (nip, name) for nip, name, _, position, _ in reversed(EMPLOYEES)}
    nip, name = holder["IDENTITAS-OPR"]
    boss_nip, boss_name = holder[reports_to["IDENTITAS-OPR"] or ""]
    return [(nip, demo_password(nip), f"employee: {name}"),
            (boss_nip, demo_password(boss_nip), f"their appraiser (Pejabat Penilai Kinerja): {boss_name}"),
            ("pengelola.disdukcapil", demo_password("pengelola.disdukcapil"), "Pengelola Kinerja of Disdukcapil"),
            ("inspektorat", demo_password("inspektorat"), "auditor (Inspektorat)")]


def on_starting(server: Any) -> None:
    """Point prometheus-client at the metrics folder and empty it: an earlier run's samples would count again."""
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = PROMETHEUS_DIR
    os.makedirs(PROMETHEUS_DIR, exist_ok=True)
    for name in os.listdir(PROMETHEUS_DIR):
        if name.endswith(".db"):
            os.remove(os.path.join(PROMETHEUS_DIR, name))


def child_exit(server: Any, worker: Any) -> None:
    """Let prometheus-client drop a gone worker's live gauges (its counters and histograms stay summed)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def when_ready(server: Any) -> None:
    """Print where the app listens and, for `make run`, which demo accounts to sign in with."""
    urls = ", ".join(f"http://{address}/" for address in server.cfg.bind)
    lines = ["", f"Kinerja is running at {urls} (Ctrl-C stops the app and the timer worker)."]
    accounts_file = os.environ.get("KINERJA_DEMO_ACCOUNTS")  # set by `make run`: where `kinerja demo` wrote
    if accounts_file:
        lines.append(f"Sign in with one of these demo accounts (all of them are listed in {accounts_file}):")
        rows = demo_accounts()
        user_width = max(len(username) for username, _, _ in rows)
        password_width = max(len(password) for _, password, _ in rows)
        lines += [f"  {user:<{user_width}}  {password:<{password_width}}  {who}" for user, password, who in rows]
        lines.append("Each account asks for a new password of its own at its first sign-in.")
    lines.append("")
    print("\n".join(lines), flush=True)
