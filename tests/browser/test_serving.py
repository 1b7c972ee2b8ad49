"""`make run`'s server: gunicorn serves wsgi:app with gunicorn.conf.py, and the accounts it prints sign in."""

from __future__ import annotations

import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from tests.demo_city import Browser

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = ROOT / "gunicorn.conf.py"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def test_gunicorn_serves_the_app_with_two_workers_and_stops_on_ctrl_c(demo_url: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "KINERJA_DATABASE_URL": demo_url, "KINERJA_INSTANCE_PATH": str(tmp_path),
           "KINERJA_DEMO_ACCOUNTS": str(tmp_path / "demo-accounts.txt"), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "wsgi:app"], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/health")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 200 and '"status":"ok"' in body.replace(" ", "")
        status, page = _get(f"http://127.0.0.1:{port}/masuk")
        assert status == 200 and "Masuk ke Kinerja" in page
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert f"Kinerja is running at http://127.0.0.1:{port}/" in output
    assert "199108172015032003" in output and "inspektorat" in output  # the accounts to try
    assert output.count("Booting worker") == 2
    assert '"GET /masuk HTTP/1.1" 200' in output  # the access log


def test_the_accounts_make_run_prints_sign_in_and_the_employee_has_her_skp_to_draft(
        demo_url: str, make_app: Callable[..., Flask]) -> None:
    app = make_app(demo_url)
    app.test_client_class = Browser
    accounts = runpy.run_path(str(GUNICORN_CONF))["demo_accounts"]()
    assert accounts[0][2].startswith("employee") and accounts[1][2].startswith("their appraiser")
    assert [username for username, _, _ in accounts[2:]] == ["pengelola.disdukcapil", "inspektorat"]
    for username, password, _ in accounts:
        browser: Browser = app.test_client()  # type: ignore[assignment]
        assert browser.sign_in(username, password).status_code == 302, username
    employee, password, _ = accounts[0]
    browser = app.test_client()  # type: ignore[assignment]
    browser.sign_in(employee, password)
    assert "Susun SKP" in browser.get("/").get_data(as_text=True)
