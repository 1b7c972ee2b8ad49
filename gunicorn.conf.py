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


def demo_accounts() -> list[tuple[str, str, str]]:
    """Return (username, password, who) of the demo accounts worth trying first: one per role of the SKP stage."""
    from workflows.demo_org import EMPLOYEES, POSITIONS, demo_password

    reports_to = {code: boss for code, _, _, _, boss, _ in POSITIONS}
    holder = {position: (nip, name) for nip, name, _, position, _ in reversed(EMPLOYEES)}
    nip, name = holder["IDENTITAS-OPR"]
    boss_nip, boss_name = holder[reports_to["IDENTITAS-OPR"] or ""]
    return [(nip, demo_password(nip), f"employee: {name}"),
            (boss_nip, demo_password(boss_nip), f"their appraiser (Pejabat Penilai Kinerja): {boss_name}"),
            ("pengelola.disdukcapil", demo_password("pengelola.disdukcapil"), "Pengelola Kinerja of Disdukcapil"),
            ("inspektorat", demo_password("inspektorat"), "auditor (Inspektorat)")]


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
