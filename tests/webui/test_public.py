"""The public results pages: no sign-in, nothing before publication, small groups and non-consenting people kept out."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from workflows.models import Employee, Skp
from workflows.organisation import org
from workflows.publishing import consent, publication

YEAR = 2027
#: Kecamatan Samarinda Ulu's group (the kecamatan and its kelurahan) and one small kelurahan.
BIG, SMALL = "KEC-SU", "KEL-SIDODADI"
ZAINAL, ROSMINI, ANDI = "198106302007011005", "199009092014032004", "199404152019031007"
SYAHRANI, WULAN = "199107082015031006", "199511232020122003"
CYCLE = ["sangat_baik", "baik", "baik", "butuh_perbaikan"]


def _publish(app: Flask, code: str, consenting: list[str] | None, revoked: list[str] = (),
             everyone: str | None = None) -> dict[str, Any]:
    """Publish a group's final predikat (varied, or everyone's) as the process does, with some employees' consent.

    consenting None: everyone but the group's first member consents.
    """
    from webui.extensions import db
    with app.app_context():
        session = db.session
        unit = org.unit_by_code(session, code)
        skps = publication.members(session, unit, YEAR)
        nips = [session.get(Employee, s.employee_id).nip for s in skps]
        final = {nip: everyone or CYCLE[i % len(CYCLE)] for i, nip in enumerate(nips)}
        if consenting is None:
            consenting = nips[1:]
        for nip in consenting + list(revoked):
            consent.give_consent(session, org.employee_by_nip(session, nip), YEAR, nip)
        published = publication.publish(session, unit, YEAR, "pengelola", final=final)
        for nip in revoked:
            consent.revoke_consent(session, org.employee_by_nip(session, nip), YEAR, nip)
        session.commit()
        names = {session.get(Employee, s.employee_id).nip: session.get(Employee, s.employee_id).name for s in skps}
        return {"aggregate": published.aggregate, "final": final, "names": names}


def test_before_any_publication_the_page_says_nothing_is_public_yet(client):
    page = client.get("/publik")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Belum ada hasil yang dipublikasikan" in html
    # The signed-out navbar offers the public results and signing in, nothing private.
    assert 'href="/publik"' in html and 'href="/masuk"' in html
    assert "/penilaian" not in html and "/notifikasi" not in html
    # The public-service units are listed for feedback even now.
    assert "/publik/umpan-balik/DISDUKCAPIL" in html and "/publik/umpan-balik/PUPR" not in html
    assert client.get(f"/publik/{YEAR}").status_code == 404
    assert client.get(f"/publik/{YEAR}/{BIG}").status_code == 404


def test_a_published_group_shows_its_chart_table_and_only_consenting_names(app, client):
    published = _publish(app, BIG, [ZAINAL], revoked=[ANDI])
    assert published["aggregate"]["distribusi"] is not None
    # Andi's name was published with his consent; he withdrew it afterwards.
    assert {i["nip"] for i in published["aggregate"]["individu"]} == {ZAINAL, ANDI}
    index = client.get("/publik").get_data(as_text=True)
    assert "Kecamatan Samarinda Ulu" in index and f"/publik/{YEAR}/{BIG}" in index
    page = client.get(f"/publik/{YEAR}/{BIG}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # The chart is an image with a text alternative, and the same numbers are in a table.
    assert '<svg viewBox' in html and 'role="img"' in html and "<title" in html
    counts = published["aggregate"]["distribusi"]
    assert f"<th scope=\"row\">Sangat Baik</th><td class=\"text-end\">{counts['sangat_baik']}</td>" in html
    assert f"<th scope=\"row\">Baik</th><td class=\"text-end\">{counts['baik']}</td>" in html
    # Zainal agreed; Andi withdrew his consent after publication; the others never agreed.
    assert published["names"][ZAINAL] in html
    for nip, name in published["names"].items():
        assert nip not in html  # no NIP, ever
        if nip != ZAINAL:
            assert name not in html


def test_a_small_group_shows_no_breakdown_but_says_why(app, client):
    published = _publish(app, SMALL, [SYAHRANI])
    assert published["aggregate"]["ditahan"] == "kelompok_kecil"
    html = client.get(f"/publik/{YEAR}/{SMALL}").get_data(as_text=True)
    assert "Kelompok terlalu kecil untuk ditampilkan" in html
    assert "<svg" not in html and "Sangat Baik</th>" not in html
    assert published["names"][SYAHRANI] in html and published["names"][WULAN] not in html
    index = client.get(f"/publik/{YEAR}").get_data(as_text=True)
    assert "kelompok terlalu kecil untuk ditampilkan" in index


def test_names_that_would_reveal_the_last_colleague_are_withheld(app, client):
    published = _publish(app, BIG, None)  # all but one agreed: the breakdown minus the names is that one
    assert published["aggregate"]["ditahan"] == "dapat_disimpulkan" and published["aggregate"]["individu"] == []
    html = client.get(f"/publik/{YEAR}/{BIG}").get_data(as_text=True)
    assert "<svg" in html and "Nama tidak ditampilkan" in html
    assert not any(name in html for name in published["names"].values())


def test_a_breakdown_of_one_predikat_is_withheld_and_only_consenting_names_shown(app, client):
    published = _publish(app, BIG, [ZAINAL], everyone="baik")  # the cells alone would reveal everyone
    assert published["aggregate"]["distribusi"] is None
    html = client.get(f"/publik/{YEAR}/{BIG}").get_data(as_text=True)
    assert "<svg" not in html and "Sebaran tidak ditampilkan" in html
    assert published["names"][ZAINAL] in html and published["names"][ROSMINI] not in html


def test_the_pages_read_the_latest_publication_only(app, client):
    _publish(app, BIG, [])
    _publish(app, BIG, [ROSMINI])  # a new version after a late consent
    html = client.get(f"/publik/{YEAR}/{BIG}").get_data(as_text=True)
    assert "versi 2" in html and "Rosmini" in html


def test_a_signed_in_user_sees_the_same_public_page(app, as_user):
    _publish(app, SMALL, [])
    html = as_user(WULAN).get(f"/publik/{YEAR}/{SMALL}").get_data(as_text=True)
    assert "Kelurahan Sidodadi" in html and "Wulan Sari" in html  # her own name in the user menu only
    assert html.count("Wulan Sari") == 1


@pytest.mark.parametrize("path", ["/publik/1999", f"/publik/{YEAR}/TIDAK-ADA", "/publik/umpan-balik/TIDAK-ADA"])
def test_unknown_years_and_units_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_an_open_skp_is_never_shown_before_its_group_is_published(app, client):
    from webui.extensions import db
    with app.app_context():
        assert db.session.execute(select(Skp).where(Skp.year == YEAR)).first() is not None
    assert "Belum ada" in client.get("/publik").get_data(as_text=True)
