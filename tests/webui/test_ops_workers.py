"""Request latency in /metrics adds up every worker process, as gunicorn runs several (multiprocess mode)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The app made once, two forked workers answering 2 and 3 sign-in pages, then the metrics read by the parent.
WORKERS = """
import sys
from multiprocessing import get_context
from pathlib import Path
from tests.demo_city import create_app_for_tests
app = create_app_for_tests(sys.argv[1], Path(sys.argv[2]))
def work(pages):
    client = app.test_client()
    for _ in range(pages):
        assert client.get("/masuk").status_code == 200
workers = [get_context("fork").Process(target=work, args=(pages,)) for pages in (2, 3)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
    assert worker.exitcode == 0
print(app.test_client().get("/metrics").get_data(as_text=True))
"""


def test_the_latency_of_every_worker_is_summed(demo_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", WORKERS, demo_url, str(tmp_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'^kinerja_request_duration_seconds_count\{endpoint="auth.sign_in",method="GET"\} (\S+)$',
                      done.stdout, re.M)
    assert found and float(found.group(1)) == 5, done.stdout[-3000:]
    assert "kinerja_open_tasks" in done.stdout  # the gauges are counted at scrape time, not from the files
    assert len(list(folder.glob("histogram_*.db"))) == 3  # one file per process: the two workers and the parent
