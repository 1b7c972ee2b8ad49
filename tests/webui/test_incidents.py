"""The incidents page: instances in error, retried or terminated by a process owner, both audited."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Instance
from tests.webui.migration_fixtures import audit_data, fix_errors_process, incident

PAGE = "/definisi/insiden"


def _status(app, instance_id):
    from webui.extensions import db
    with app.app_context():
        return db.session.execute(select(Instance.status).where(Instance.id == instance_id)).scalar_one()


def test_the_page_lists_an_instance_in_error_with_its_message(app, as_user):
    broken = incident(app)
    page = as_user("admin").get(PAGE).get_data(as_text=True)
    assert f"Instance {broken}" in page and "Error boundary" in page and "insiden-1" in page
    assert "division by zero" in page and "Compute" in page and "versi 1" in page


def test_an_appraisal_incident_names_its_employee(app, as_user):
    incident(app, key="skp:2027:198807222011012005")
    page = as_user("admin").get(PAGE).get_data(as_text=True)
    assert "Nurul Aini, S.AP." in page and "NIP 198807222011012005" in page


def test_no_incident_says_so(as_user):
    assert "Tidak ada instance yang mengalami galat." in as_user("admin").get(PAGE).get_data(as_text=True)


def test_retry_on_the_fixed_latest_version_runs_it_again(app, as_user):
    broken = incident(app)
    fix_errors_process(app)
    admin = as_user("admin")
    response = admin.post_form(f"{PAGE}/{broken}/ulangi", {"terbaru": "1"}, token_page=PAGE)
    assert response.status_code == 303
    assert "berjalan kembali" in admin.get(PAGE).get_data(as_text=True)
    assert _status(app, broken) == "completed"
    [retried] = audit_data(app, broken, "instance_retried")
    assert "division by zero" in retried["previous_error"]["message"]
    assert audit_data(app, broken, "instance_migrated")[0]["to_version"] == 2
    # A second retry (two tabs) is refused: the instance is no longer in error.
    again = admin.post_form(f"{PAGE}/{broken}/ulangi", {}, token_page=PAGE)
    assert again.status_code == 303
    assert "Hal ini tidak dapat dilakukan pada tahap proses saat ini." in admin.get(PAGE).get_data(as_text=True)
    assert len(audit_data(app, broken, "instance_retried")) == 1 and _status(app, broken) == "completed"


def test_a_retry_that_fails_again_stays_an_incident(app, as_user):
    broken = incident(app)
    admin = as_user("admin")
    assert admin.post_form(f"{PAGE}/{broken}/ulangi", {}, token_page=PAGE).status_code == 303
    assert "gagal lagi" in admin.get(PAGE).get_data(as_text=True)
    assert _status(app, broken) == "error" and len(audit_data(app, broken, "instance_retried")) == 1


def test_terminate_needs_a_reason(app, as_user):
    broken = incident(app)
    admin = as_user("admin")
    refused = admin.post_form(f"{PAGE}/{broken}/hentikan", {"alasan": " "}, token_page=PAGE)
    assert refused.status_code == 400
    assert "Tuliskan alasan penghentian instance." in refused.get_data(as_text=True)
    assert _status(app, broken) == "error" and not audit_data(app, broken, "instance_terminated")
    done = admin.post_form(f"{PAGE}/{broken}/hentikan", {"alasan": "Data uji, tidak diperlukan"}, token_page=PAGE)
    assert done.status_code == 303 and _status(app, broken) == "terminated"
    assert audit_data(app, broken, "instance_terminated") == [{"reason": "Data uji, tidak diperlukan"}]
    page = admin.get(PAGE).get_data(as_text=True)
    assert f"Instance {broken} telah dihentikan." in page and f'id="insiden-{broken}"' not in page
    # A second termination (the back button) is refused and changes nothing.
    again = admin.post_form(f"{PAGE}/{broken}/hentikan", {"alasan": "lagi"}, token_page=PAGE)
    assert again.status_code == 303 and len(audit_data(app, broken, "instance_terminated")) == 1


def test_only_process_owners_see_or_act(app, as_user):
    broken = incident(app)
    for username in ("pengelola.disdukcapil", "inspektorat", "198807222011012005"):
        user = as_user(username)
        assert user.get(PAGE).status_code == 403
        token = user.csrf("/")
        for action in ("ulangi", "hentikan"):
            response = user.post(f"{PAGE}/{broken}/{action}", data={"csrf_token": token, "alasan": "x"})
            assert response.status_code == 403
    assert _status(app, broken) == "error" and not audit_data(app, broken, "instance_retried")


def test_unknown_instance_is_404(as_user):
    admin = as_user("admin")
    assert admin.post_form(f"{PAGE}/999999/ulangi", {}, token_page=PAGE).status_code == 404
    assert admin.post_form(f"{PAGE}/999999/hentikan", {"alasan": "x"}, token_page=PAGE).status_code == 404
