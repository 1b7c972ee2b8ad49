"""The diff and migration pages: what changed between two versions, a dry run, a migration with a reason."""

from __future__ import annotations

import pytest

from tests.webui.migration_fixtures import audit_data, deploy_plan_v2, grant, plan_instances

DIFF = "/definisi/siklus_kinerja/diff"
MIGRATION = "/definisi/siklus_kinerja/migrasi"


@pytest.fixture
def v2(app):
    return deploy_plan_v2(app)


def test_diff_names_the_changed_timer_and_the_instances_that_can_move(app, as_user, v2):
    admin = as_user("admin")
    page = admin.get(f"{DIFF}?dari=1&ke={v2}").get_data(as_text=True)
    assert "Event_batas_susun" in page and "timer timeDate" in page
    assert "${batas_skp}" in page and "2027-02-15T00:00:00+08:00" in page
    waiting = plan_instances(app, 1)
    assert waiting and f"{len(waiting)} dapat dipindah ke versi {v2}, 0 tidak dapat" in page
    xml = admin.get(f"/definisi/siklus_kinerja/diff/{v2}.bpmn")
    assert xml.status_code == 200 and b"<bpmn:process id=\"siklus_kinerja\"" in xml.data


def test_pages_are_only_for_process_owners(app, as_user, v2):
    path = f"{MIGRATION}?dari=1&ke={v2}"
    for username in ("pengelola.disdukcapil", "inspektorat", "198807222011012005"):
        user = as_user(username)
        for page in (DIFF, MIGRATION, f"/definisi/siklus_kinerja/diff/{v2}.bpmn"):
            assert user.get(page).status_code == 403, (username, page)
        token = user.csrf("/")
        refused = user.post(path, data={"csrf_token": token, "dari": 1, "ke": v2, "alasan": "x"})
        assert refused.status_code == 403
    assert plan_instances(app, v2) == []
    grant(app, "pengelola.disdukcapil", "pemilik_proses")
    assert as_user("pengelola.disdukcapil").get(DIFF).status_code == 200


def test_unknown_process_or_version_is_404(as_user, v2):
    admin = as_user("admin")
    assert admin.get("/definisi/tidak_ada/diff").status_code == 404
    assert admin.get(f"{DIFF}?dari=1&ke=9").status_code == 404
    assert admin.get("/definisi/siklus_kinerja/diff/9.bpmn").status_code == 404


def test_migration_needs_a_reason_and_moves_nothing_without_one(app, as_user, v2):
    admin = as_user("admin")
    before = plan_instances(app, 1)
    page = admin.get(f"{MIGRATION}?dari=1&ke={v2}").get_data(as_text=True)
    assert f"Migrasikan {len(before)} instance" in page
    refused = admin.post_form(f"{MIGRATION}?dari=1&ke={v2}", {"dari": 1, "ke": v2, "alasan": "  "},
                              token_page=f"{MIGRATION}?dari=1&ke={v2}")
    assert refused.status_code == 400
    assert "Tuliskan alasan migrasi." in refused.get_data(as_text=True)
    assert plan_instances(app, 1) == before and plan_instances(app, v2) == []


def test_migration_moves_every_instance_in_chunks_with_the_reason_audited(app, as_user, v2):
    app.config["KINERJA_MIGRATION_CHUNK"] = 20
    admin = as_user("admin")
    before = plan_instances(app, 1)
    assert len(before) > 20
    path = f"{MIGRATION}?dari=1&ke={v2}"
    response = admin.post_form(path, {"dari": 1, "ke": v2, "alasan": "Tenggat SKP diubah"}, token_page=path)
    assert response.status_code == 303
    assert len(plan_instances(app, v2)) == 20  # the first chunk only
    page = admin.get(path).get_data(as_text=True)
    assert "Migrasi sedang berjalan" in page
    assert f"20 dipindahkan, 0 tidak dapat dipindahkan, dari {len(before)}" in page
    for _ in range(5):
        if "Migrasi selesai" in page:
            break
        assert admin.post_form("/definisi/siklus_kinerja/migrasi/lanjut", token_page=path).status_code == 303
        page = admin.get(path).get_data(as_text=True)
    assert "Migrasi selesai" in page
    assert plan_instances(app, 1) == [] and plan_instances(app, v2) == before
    [moved] = audit_data(app, before[-1], "instance_migrated")
    assert moved["reason"] == "Tenggat SKP diubah" and moved["to_version"] == v2
    # The run is over: continuing does nothing more.
    assert admin.post_form("/definisi/siklus_kinerja/migrasi/lanjut", token_page=path).status_code == 303
    assert len(audit_data(app, before[-1], "instance_migrated")) == 1


def test_continue_without_a_run_is_404(as_user, v2):
    admin = as_user("admin")
    assert admin.post_form("/definisi/siklus_kinerja/migrasi/lanjut", token_page=MIGRATION).status_code == 404


def test_a_large_dry_run_checks_only_the_first_instances(app, as_user, v2, monkeypatch):
    from webui.definitions import migration
    monkeypatch.setattr(migration, "DRY_RUN_INSTANCES", 10)
    total = len(plan_instances(app, 1))
    page = as_user("admin").get(f"{MIGRATION}?dari=1&ke={v2}").get_data(as_text=True)
    assert f"Hanya 10 dari {total} instance pertama yang diperiksa" in page
    assert f"Migrasikan {total} instance yang belum selesai" in page


def _upload(browser, data: bytes, name: str = "perencanaan_skp.bpmn"):
    import io
    return browser.post_form("/definisi/perencanaan_skp/diff", {"versi": 1, "berkas": (io.BytesIO(data), name)},
                             token_page="/definisi/perencanaan_skp/diff", content_type="multipart/form-data")


def test_an_uploaded_file_is_compared_without_deploying_it(app, as_user):
    from tests.webui.migration_fixtures import BATAS, NEW_DEADLINE, PLAN
    admin = as_user("admin")
    response = _upload(admin, PLAN.replace(BATAS, BATAS.replace(b"${batas_skp}", NEW_DEADLINE)))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Event_batas_susun" in page and NEW_DEADLINE.decode() in page
    assert "Belum ada yang di-deploy" in page
    assert admin.get("/definisi/perencanaan_skp/diff/2.bpmn").status_code == 404  # nothing deployed


def test_a_broken_or_missing_file_is_refused_beside_the_field(as_user):
    admin = as_user("admin")
    broken = _upload(admin, b"<bpmn:definitions")
    assert broken.status_code == 400 and "Berkas bukan XML BPMN yang sah (baris 1)." in broken.get_data(as_text=True)
    other = _upload(admin, b'<?xml version="1.0"?><bpmn:definitions xmlns:bpmn='
                           b'"http://www.omg.org/spec/BPMN/20100524/MODEL"/>')
    assert other.status_code == 400 and "tidak mendefinisikan proses perencanaan_skp" in other.get_data(as_text=True)
    page = "/definisi/perencanaan_skp/diff"
    missing = admin.post_form(page, {"versi": 1}, token_page=page)
    assert missing.status_code == 400 and "Pilih berkas BPMN" in missing.get_data(as_text=True)
