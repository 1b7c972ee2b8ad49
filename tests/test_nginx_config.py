"""The example nginx configuration (deploy/nginx) is accepted by nginx itself, certificates and all."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "nginx"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def _need(tool: str | None, package: str) -> str:
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail(f"{package} is missing (make browser installs it)")
        pytest.skip(f"{package} is not installed (apt-get install {package})")
    return tool


def test_nginx_accepts_the_example_configuration(tmp_path: Path) -> None:
    nginx = _need(NGINX, "nginx-light")
    openssl = _need(shutil.which("openssl"), "openssl")
    # A throwaway certificate where the example names the real one; logs and includes in the temp folder.
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=kinerja.test",
                    "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
                   check=True, capture_output=True)
    site = ((DEPLOY / "kinerja.conf").read_text()
            .replace("/etc/ssl/kinerja/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
            .replace("/etc/nginx/kinerja_proxy_params", str(tmp_path / "kinerja_proxy_params"))
            .replace("/srv/kinerja/", f"{ROOT}/"))
    (tmp_path / "kinerja.conf").write_text(site)
    shutil.copy(DEPLOY / "kinerja_proxy_params", tmp_path / "kinerja_proxy_params")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    include {tmp_path}/kinerja.conf;\n}}\n")
    checked = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr
    assert "[warn]" not in checked.stderr, checked.stderr
