"""HTTP under load (issue #12, 1.4 and 1.6): gunicorn with 2 workers on PostgreSQL, simulated users signing in,
reading their inbox and completing tasks, against the same work done in-process (`python -m bench.http_load -h`).

Set-up, not timed: the given empty database filled with a generated city (bpmn/ deployed, the 2027 cycle
opened), accounts with passwords and API tokens for the users (bench.http_setup). Then gunicorn
(gunicorn.conf.py, `wsgi:app`, 127.0.0.1 only) and `kinerja worker` start as subprocesses; the users
(bench.http_users) run for --duration seconds while the RSS of the web and timer workers is sampled every
second (bench.rss); both processes are stopped; the in-process baseline (bench.http_baseline) does the same
work for --baseline-seconds. The results go to bench/results/http-<date>-postgresql-<employees>.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx

from . import http_baseline, http_report, http_service, http_setup, http_users, rss
from .kinerja import database, server_version

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
#: The issue's target: HTTP throughput at least half of the in-process throughput.
TARGET = 0.5
#: Bounds of --duration (seconds): long enough to mean something, short enough to never run away.
DURATION_BOUNDS = (10, 1800)
#: Sign-in limits for the run, through the settings: the users sign in from one address, and the
#: limits count only wrong passwords, but a typo in the bench must not lock an account mid-run.
LIMITS = {"KINERJA_SIGN_IN_LIMIT_PER_ACCOUNT": "1000 per minute",
          "KINERJA_SIGN_IN_LIMIT_PER_ADDRESS": "10000 per minute"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.http_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="an existing, empty PostgreSQL database")
    parser.add_argument("--employees", type=int, default=1000, help="employees in the generated city")
    parser.add_argument("--users", type=int, default=50, help="simulated users (pairs of employee and appraiser)")
    parser.add_argument("--duration", type=float, default=120.0,
                        help=f"seconds of load, {DURATION_BOUNDS[0]} to {DURATION_BOUNDS[1]} (default 120)")
    parser.add_argument("--baseline-seconds", type=float, help="seconds of the in-process baseline "
                        "(default: half the duration, at least 10)")
    parser.add_argument("--service-seconds", type=float, default=30.0,
                        help="seconds of one pair against the app in-process, for service times (default 30)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--output", type=Path, help="Markdown results file "
                        "(default bench/results/http-<date>-postgresql-<employees>.md)")
    args = parser.parse_args(argv)
    if not DURATION_BOUNDS[0] <= args.duration <= DURATION_BOUNDS[1]:
        parser.error(f"--duration must be between {DURATION_BOUNDS[0]} and {DURATION_BOUNDS[1]} seconds")
    if not args.database_url.startswith("postgresql"):
        parser.error("--database-url must be a PostgreSQL URL (gunicorn's workers share it)")
    if args.users < 1:
        parser.error("--users must be at least 1")
    args.baseline_seconds = args.baseline_seconds or max(10.0, args.duration / 2)
    return args


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(url: str, folder: str, port: int, workers: int) -> dict[str, str]:
    """Return the environment of gunicorn and the timer worker: this database, a fresh key, 127.0.0.1 only."""
    env = dict(os.environ)
    env.update(LIMITS)
    env.update({"KINERJA_DATABASE_URL": url, "KINERJA_INSTANCE_PATH": folder,
                "KINERJA_AUDIT_KEY_FILE": f"{folder}/audit.keys", "KINERJA_SECRET_KEY": secrets.token_hex(32),
                "KINERJA_ENV": "production", "KINERJA_BIND": f"127.0.0.1:{port}",
                "KINERJA_WEB_WORKERS": str(workers), "PROMETHEUS_MULTIPROC_DIR": f"{folder}/prometheus",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))})
    return env


@contextmanager
def running(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run a subprocess (its output to `log`) and stop it at the end: SIGTERM, then SIGKILL after 30 s."""
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def children(pid: int) -> list[int]:
    """Return the child process ids of a process (Linux /proc)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def wait_ready(base_url: str, master: subprocess.Popen[bytes], workers: int, limit: float = 300.0) -> list[int]:
    """Wait until gunicorn answers /health with all its workers booted; return the workers' pids."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if master.poll() is not None:
            raise SystemExit(f"gunicorn stopped with exit code {master.returncode}: see its log")
        pids = children(master.pid)
        try:
            if len(pids) == workers and httpx.get(f"{base_url}/health", timeout=60).status_code in (200, 503):
                # Each worker builds the app when it boots; give both one request before the clock starts.
                for _ in range(2 * workers):
                    httpx.get(f"{base_url}/masuk", timeout=60)
                return pids
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit("gunicorn was not ready in time")


def measure(args: argparse.Namespace, folder: str) -> dict[str, Any]:
    """Set up, run the load and the baseline; return everything the report needs."""
    out: dict[str, Any] = {"load_start": os.getloadavg()}
    with database(args.database_url) as factory:
        began = time.perf_counter()
        http_setup.fill(factory, args.employees)
        accounts = http_setup.make_accounts(factory, args.users)
        out["setup_s"] = time.perf_counter() - began
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = server_env(args.database_url, folder, port, args.web_workers)
        os.makedirs(env["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
        with ExitStack() as stack:
            web = stack.enter_context(running([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                               "wsgi:app"], env, Path(folder, "gunicorn.log")))
            timer = stack.enter_context(running([sys.executable, "-c", "from webui.cli import main; main()",
                                                 "worker", "--interval", "5"], env, Path(folder, "worker.log")))
            pids = wait_ready(base_url, web, args.web_workers)
            watched = {f"web worker {n}": pid for n, pid in enumerate(pids, 1)}
            watched.update({"gunicorn master": web.pid, "timer worker": timer.pid})
            with rss.Sampler(watched) as sampler:
                samples, seconds = http_users.run_users(base_url, accounts, args.duration)
            out["load_mid"] = os.getloadavg()
        out["log_tail"] = Path(folder, "gunicorn.log").read_text(errors="replace").splitlines()[-5:]
        out["baseline"] = http_baseline.run(factory, accounts, args.baseline_seconds)
        pair = [a for a in accounts if a.role == "penilai"][:1]
        pair = [accounts[accounts.index(pair[0]) - 1], *pair] if pair else accounts[:1]
        out["service"] = http_service.measure(args.database_url, pair, args.service_seconds,
                                              {k.removeprefix("KINERJA_"): v for k, v in LIMITS.items()})
    out.update(samples=samples, seconds=seconds, rss=sampler.table(), accounts=len(accounts),
               load_end=os.getloadavg())
    return out


def report(args: argparse.Namespace, out: dict[str, Any]) -> list[str]:
    """Return the results as Markdown lines."""
    samples, seconds, base = out["samples"], out["seconds"], out["baseline"]
    kinds = http_report.summarise(samples)
    completions, requests = http_report.throughput(samples, seconds)
    ratio = completions / base.rate if base.rate else float("nan")
    steady = http_report.steady(samples)
    steady_ratio = steady[1] / base.rate if base.rate else float("nan")
    errors = sum(k.errors for k in kinds.values())
    conflicts = sum(k.conflicts for k in kinds.values())
    load = "/".join(f"{out[key][0]:.1f}" for key in ("load_start", "load_mid", "load_end"))
    lines = [f"# HTTP under load, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"`python -m bench.http_load --employees {args.employees} --users {args.users} "
             f"--duration {args.duration:g} --baseline-seconds {args.baseline_seconds:g} --database-url ...`", "",
             f"{platform.machine()}, {os.cpu_count()} cores, load average {load} (start/after the load/end; "
             f"the machine is shared with other jobs), Python {platform.python_version()}, "
             f"{server_version(args.database_url).split(' on ')[0]}, gunicorn {version('gunicorn')} "
             f"({args.web_workers} sync workers), httpx {version('httpx')}, SpiffWorkflow {version('SpiffWorkflow')}",
             "", f"Set-up (city of {args.employees}, bpmn/ deployed, 2027 cycle opened, {out['accounts']} accounts; "
             f"not timed in the results) {out['setup_s']:.0f} s. Sign-in limits set for the run through the "
             f"settings: {', '.join(f'{k}={v!r}' for k, v in LIMITS.items())}.", "",
             "## Throughput", "",
             "| side | seconds | completions | completions/s | requests/s |", "|---|---|---|---|---|",
             f"| HTTP: {out['accounts']} users, gunicorn {args.web_workers} workers | {seconds:.1f} | "
             f"{round(completions * seconds)} | {completions:.2f} | {requests:.2f} |",
             f"| HTTP after the last sign-in (steady work) | {steady[0]:.1f} | {round(steady[1] * steady[0])} | "
             f"{steady[1]:.2f} | {steady[2]:.2f} |",
             f"| in-process: inbox_of + open_tasks_for + tasks.complete + commit, one thread | {base.seconds:.1f} | "
             f"{base.completions} | {base.rate:.2f} | - |",
             f"| **ratio HTTP / in-process** | | | **{ratio:.2f}x** | "
             f"{'meets' if ratio >= TARGET else 'MISSES'} >= {TARGET}x |",
             f"| **ratio, steady work / in-process** | | | **{steady_ratio:.2f}x** | "
             f"{'meets' if steady_ratio >= TARGET else 'MISSES'} >= {TARGET}x |", "",
             f"Errors (not 409 and not the expected status): **{errors}**; expected conflicts (409): {conflicts}. "
             f"In-process: {base.reads} inbox reads, {base.refused} refused"
             + (f" (first: {base.first_refusal})" if base.refused else "") + ".", "",
             "## Latency per kind of request (the requests that worked)", "", *http_report.table(kinds), "",
             f"## Service time per request (one pair of users, the WSGI app in this process, no gunicorn, "
             f"{args.service_seconds:g} s)", "",
             "One worker's time per request without the queue: the users' code through httpx's WSGI transport.",
             "", *http_report.table(out["service"]), "",
             f"One round of a user's work (inbox page + API list + task page + form post, medians): "
             f"{1000 * http_service.per_completion(out['service']):.0f} ms; in-process per completion "
             f"(its inbox reads included): {1000 / base.rate if base.rate else float('nan'):.0f} ms.", "",
             "## Memory (RSS sampled every second during the load; VmHWM is the process's own peak)", "",
             *out["rss"], ""]
    wrong = http_report.errors_of(samples)
    if wrong:
        lines += ["## First errors", ""] + [f"- {s.kind}: {s.status} {s.detail[:200]!r}" for s in wrong] + [""]
    lines += ["gunicorn log, last lines:", "", "```", *out["log_tail"], "```", ""]
    return lines


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and write the results file."""
    args = parse_args(argv)
    output = args.output or RESULTS / f"http-{datetime.now(UTC):%Y-%m-%d}-postgresql-{args.employees}.md"
    with tempfile.TemporaryDirectory(prefix="kinerja-http-") as folder:
        # One instance folder and audit key ring for this process (set-up, baseline) and the servers.
        os.environ["KINERJA_INSTANCE_PATH"] = folder
        os.environ["KINERJA_AUDIT_KEY_FILE"] = f"{folder}/audit.keys"
        lines = report(args, measure(args, folder))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines))
    print("\n".join(lines))
    print(f"written to {output}")


if __name__ == "__main__":
    main()
