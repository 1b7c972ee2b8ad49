"""Web settings are read strictly; a wrong setting stops the CLI and the web app with its sentence, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.setting_values import SettingInvalid
from webui.settings import load_web_settings

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "KINERJA_DATABASE_URL": "sqlite://", **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize(("name", "raw", "words"), [
    ("SESSION_COOKIE_SECURE", "ya", "not a yes/no value"),  # was silently False: cookies over plain HTTP
    ("SESSION_COOKIE_SECURE", "", "not a yes/no value"),
    ("SMTP_PORT", "70000", "between 1 and 65535"),
    ("NOTIFY_DIGEST_HOUR", "24", "between 0 and 23"),
    ("INBOX_PAGE_SIZE", "0", "above zero"),
    ("NOTIFY_DIGEST", "weekly", "one of off, daily"),
    ("TIMEZONE", "Mars/Olympus", "not a time zone"),
])
def test_a_wrong_web_setting_is_refused_naming_its_variable(monkeypatch, name, raw, words):
    monkeypatch.setenv(f"KINERJA_{name}", raw)
    with pytest.raises(SettingInvalid) as refused:
        load_web_settings()
    assert f"KINERJA_{name}=" in str(refused.value) and words in str(refused.value)


def test_yes_and_no_are_read_in_any_case(monkeypatch):
    monkeypatch.setenv("KINERJA_SESSION_COOKIE_SECURE", "Off")
    monkeypatch.setenv("KINERJA_SMTP_STARTTLS", "YES")
    web = load_web_settings()
    assert web["SESSION_COOKIE_SECURE"] is False and web["SMTP_STARTTLS"] is True


def test_the_cli_refuses_to_start_with_a_non_finite_script_timeout():
    result = _run("from webui.cli import main; main()", KINERJA_SCRIPT_TIMEOUT_SECONDS="nan")
    assert result.returncode == 1
    assert "KINERJA_SCRIPT_TIMEOUT_SECONDS=nan is not a finite number" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_the_web_app_refuses_to_start_with_a_negative_limit():
    result = _run("import wsgi", KINERJA_MAX_BPMN_BYTES="-1")
    assert result.returncode == 3  # gunicorn's "worker failed to boot": the server stops
    assert "KINERJA_MAX_BPMN_BYTES=-1 must be above zero" in result.stderr
    assert "Traceback" not in result.stderr
