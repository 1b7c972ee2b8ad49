"""/health and /metrics: what a load balancer and Prometheus read, who may read the metrics, and behind nginx."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, text, update

from engine.clock import clock
from engine.models import HumanTask, Instance
from engine.runtime.running.execution import DUE
from tests.demo_city import T0, Browser
from workflows.organisation.demo_org import EMPLOYEES

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}
NIP = EMPLOYEES[-1][0]


def scraped(response) -> dict[str, float]:
    """Return the unlabelled samples of a Prometheus text answer by name."""
    assert response.status_code == 200, response.status_code
    assert response.content_type.startswith("text/plain")
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r"^(kinerja_\w+) (\S+)$", response.get_data(as_text=True), re.M)}


def counted(app: Flask, *where) -> int:
    from webui.extensions import db
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(where[0]).where(*where[1:])).scalar_one()


def test_health_says_ok_without_sign_in_and_names_no_one(client):
    answer = client.get("/health")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["migrations"]["status"] == "ok" and body["migrations"]["current"] == body["migrations"]["head"]
    assert body["timer_worker"]["status"] == "ok" and body["timer_worker"]["lag_seconds"] == 0
    assert not re.search(r"\d{18}|@|kinerja-", answer.get_data(as_text=True))  # no NIP, address or password


def test_health_fails_when_the_schema_is_behind_the_code(app, client):
    from webui.extensions import db
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '0008_audit_check'"))
        db.session.commit()
    answer = client.get("/health")
    assert answer.status_code == 503
    assert answer.get_json()["status"] == "fail"
    assert answer.get_json()["migrations"] == {"status": "not at head", "current": ["0008_audit_check"],
                                               "head": answer.get_json()["migrations"]["head"]}


def test_health_fails_when_the_database_does_not_answer(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/missing/folder/kinerja.db")
    answer = app.test_client().get("/health")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "fail", "database": "unreachable"}


def test_a_timer_worker_that_stopped_shows_as_degraded_not_down(app, client):
    clock.set(T0 + timedelta(days=60))  # deadlines of January passed and nobody fired their timers
    answer = client.get("/health")
    assert answer.status_code == 200  # the web still serves: a load balancer keeps it
    worker = answer.get_json()["timer_worker"]
    assert answer.get_json()["status"] == "degraded" and worker["status"] == "late"
    assert worker["timers_due"] > 0 and worker["lag_seconds"] > 600


def test_metrics_count_the_waiting_work_at_scrape_time(app, client):
    now = clock.now()
    metrics = scraped(client.get("/metrics"))
    assert metrics["kinerja_database_up"] == 1
    assert metrics["kinerja_open_tasks"] == counted(app, HumanTask, HumanTask.state == "open") > 0
    assert metrics["kinerja_incidents"] == counted(app, Instance, Instance.status == "error")
    assert metrics["kinerja_timers_due"] == counted(app, Instance, Instance.status.in_(DUE),
                                                    Instance.next_timer_at < now)
    assert metrics["kinerja_overdue_tasks"] == counted(app, HumanTask, HumanTask.state == "open",
                                                       HumanTask.due_at < now)
    from webui.extensions import db
    with app.app_context():
        first = db.session.execute(select(func.min(Instance.id)).where(Instance.status != "error")).scalar_one()
        db.session.execute(update(Instance).where(Instance.id == first).values(status="error"))
        db.session.commit()
    clock.set(now + timedelta(days=60))
    later = scraped(client.get("/metrics"))
    assert later["kinerja_incidents"] == metrics["kinerja_incidents"] + 1
    assert later["kinerja_overdue_tasks"] > metrics["kinerja_overdue_tasks"]
    assert later["kinerja_timers_due"] > metrics["kinerja_timers_due"] and later["kinerja_timer_lag_seconds"] > 0


def test_metrics_time_requests_per_endpoint(client):
    client.get("/masuk")
    client.get("/masuk")
    client.get("/tidak-ada/123")
    text_ = client.get("/metrics").get_data(as_text=True)
    assert 'kinerja_request_duration_seconds_count{endpoint="auth.sign_in",method="GET"}' in text_
    assert 'kinerja_request_duration_seconds_count{endpoint="unmatched",method="GET"}' in text_
    assert "123" not in re.sub(r"\d+\.\d+|e[-+]\d+", "", text_)  # paths never become labels


def test_metrics_are_refused_to_other_addresses_unless_they_bring_the_token(make_app, demo_url):
    app = make_app(demo_url, METRICS_TOKEN="s3cret-scraper-token")
    client = app.test_client()
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 404
    assert client.get("/metrics", environ_base=OUTSIDE, headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert scraped(client.get("/metrics", environ_base=OUTSIDE,
                              headers={"Authorization": "Bearer s3cret-scraper-token"}))["kinerja_database_up"] == 1
    assert client.get("/metrics").status_code == 200  # the machine itself
    networks = make_app(demo_url, METRICS_ALLOWED_ADDRESSES="10.0.0.0/8, not-an-address").test_client()
    assert networks.get("/metrics", environ_base={"REMOTE_ADDR": "10.20.30.40"}).status_code == 200
    assert networks.get("/metrics").status_code == 404


def test_behind_nginx_the_client_address_comes_from_the_trusted_proxy_only(make_app, demo_url):
    direct = make_app(demo_url).test_client()
    # Without a trusted proxy a client cannot pretend to be the machine itself.
    assert direct.get("/metrics", environ_base=OUTSIDE, headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 404
    proxied = make_app(demo_url, TRUSTED_PROXIES=1).test_client()
    # nginx on the machine forwards an outside client: that client is refused, as it would be directly.
    assert proxied.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    assert proxied.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200


def proxied_browser(app: Flask, remote: str, forwarded_for: str) -> Browser:
    app.test_client_class = Browser
    client: Browser = app.test_client()  # type: ignore[assignment]
    client.environ_base.update(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded_for)
    return client


def fail_sign_ins(client: Browser, count: int) -> None:
    for nip, *_ in EMPLOYEES[:count]:  # other accounts each time: only the address limit is reached
        assert client.post_form("/masuk", {"username": nip, "password": "salah-sekali-123"}).status_code == 200


def test_behind_nginx_each_client_has_its_own_sign_in_limit(make_app, demo_url):
    app = make_app(demo_url, TRUSTED_PROXIES=1, SIGN_IN_LIMIT_PER_ADDRESS="3 per minute")
    fail_sign_ins(proxied_browser(app, "127.0.0.1", "198.51.100.7"), 3)
    assert proxied_browser(app, "127.0.0.1", "198.51.100.7").sign_in(NIP).status_code == 429
    # Another client through the same nginx is not locked out with the first one.
    assert proxied_browser(app, "127.0.0.1", "198.51.100.8").sign_in(NIP).status_code == 302


def test_without_a_trusted_proxy_a_made_up_forwarded_address_does_not_escape_the_limit(make_app, demo_url):
    app = make_app(demo_url, SIGN_IN_LIMIT_PER_ADDRESS="3 per minute")
    fail_sign_ins(proxied_browser(app, "203.0.113.5", "198.51.100.1"), 3)
    assert proxied_browser(app, "203.0.113.5", "198.51.100.2").sign_in(NIP).status_code == 429
