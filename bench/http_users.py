"""The simulated users of the HTTP load benchmark: one thread and one HTTP client (cookies) each.

A user signs in through the sign-in form (with its CSRF token), then until the run ends: reads the
inbox page, lists its open tasks through the API (its bearer token), opens the first one it knows how
to answer, and sends the task's form as shown with its answers filled in. With nothing to do (the
other user of its pair is busy) it waits half a second and looks again.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

import httpx

from . import http_forms
from .http_report import Sample
from .http_setup import Account

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: Seconds a user waits before looking again when its inbox holds nothing it can answer.
IDLE_SECONDS = 0.5
#: Seconds a request may take before it counts as an error (gunicorn's own timeout is 60).
REQUEST_TIMEOUT = 90.0


class User:
    """One simulated user: signs in, then works its inbox until `until` (a perf_counter time)."""

    def __init__(self, base_url: str, account: Account, until: float, record: Callable[[Sample], None],
                 transport: httpx.BaseTransport | None = None) -> None:
        self.account = account
        self.until = until
        self.record = record
        self.client = httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT, follow_redirects=False,
                                   transport=transport)

    def request(self, kind: str, method: str, path: str, **kwargs: object) -> httpx.Response | None:
        """Send one request and record it; None when no answer came (recorded as status 0)."""
        began = time.perf_counter()
        try:
            response = self.client.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as failed:
            ended = time.perf_counter()
            self.record(Sample(kind, 0, ended - began, ended, f"{type(failed).__name__}: {failed}"))
            return None
        ended = time.perf_counter()
        detail = "" if response.status_code < 400 else response.text[:300]
        self.record(Sample(kind, response.status_code, ended - began, ended, detail))
        return response

    def sign_in(self) -> bool:
        """Fill in the sign-in form as a browser does; return whether the session started."""
        page = self.request("sign-in form (GET /masuk)", "GET", "/masuk")
        token = CSRF.search(page.text) if page is not None else None
        if token is None:
            return False
        answer = self.request("sign in (POST /masuk)", "POST", "/masuk", data={
            "csrf_token": token.group(1), "username": self.account.username, "password": self.account.password})
        return answer is not None and answer.status_code == 302

    def next_task(self) -> tuple[int, str] | None:
        """Read the inbox (page and API); return (task id, BPMN id) of the first task it can answer."""
        self.request("inbox page (GET /)", "GET", "/")
        listed = self.request("inbox API (GET /api/v1/tasks)", "GET", "/api/v1/tasks",
                              headers={"Authorization": f"Bearer {self.account.token}"})
        if listed is None or listed.status_code != 200:
            return None
        for item in listed.json()["items"]:
            if item["bpmn_id"] in http_forms.ANSWERS:
                return int(item["id"]), str(item["bpmn_id"])
        return None

    def complete(self, task_id: int, step: str) -> None:
        """Open the task page and send its form with the step's answers."""
        page = self.request("task page (GET /tugas/<id>)", "GET", f"/tugas/{task_id}")
        if page is None or page.status_code != 200:
            return
        self.request("complete (POST /tugas/<id>)", "POST", f"/tugas/{task_id}",
                     data=http_forms.answered(page.text, step))

    def run(self) -> None:
        """Sign in, then work until the end of the run."""
        try:
            if not self.sign_in():
                return
            while time.perf_counter() < self.until:
                found = self.next_task()
                if found is None:
                    time.sleep(IDLE_SECONDS)
                    continue
                self.complete(*found)
        finally:
            self.client.close()


def run_users(base_url: str, accounts: list[Account], seconds: float,
              transport: httpx.BaseTransport | None = None) -> tuple[list[Sample], float]:
    """Run one thread per account for `seconds`; return every request made and the seconds it really took.

    With a transport (httpx.WSGITransport) the requests go straight to a WSGI app in this process.
    """
    samples: list[Sample] = []
    lock = threading.Lock()

    def record(sample: Sample) -> None:
        with lock:
            samples.append(sample)

    began = time.perf_counter()
    users = [User(base_url, account, began + seconds, record, transport) for account in accounts]
    threads = [threading.Thread(target=user.run, name=f"user-{n}") for n, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - began
