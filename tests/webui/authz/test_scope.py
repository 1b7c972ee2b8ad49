"""A Pengelola Kinerja scoped to another OPD opens the dashboard, but nothing of Reza's OPD is in it."""

from __future__ import annotations

from pathlib import Path

from tests.demo_city import Browser
from tests.webui.rating_fixtures import RATED

from .cast import Case
from .routes import fill
from .table import OK, RULES
from .test_raters import NAMES, readable


def test_the_other_opds_pengelola_gets_none_of_reza_in_pages_or_exports(
        case: Case, browsers: dict[str, Browser], tmp_path: Path) -> None:
    browser, shown = browsers["pengelola_lain"], 0
    for rule in RULES:
        if rule.method == "GET" and rule.endpoint.startswith("dashboard.") and rule.expected("pengelola_lain") == OK:
            response = browser.get(fill(rule.path, case))
            assert response.status_code == 200, rule.endpoint
            text = readable(response.data, response.content_type, tmp_path)
            assert RATED not in text and NAMES[RATED] not in text, rule.endpoint
            shown += 1
    assert shown >= 7
    # The same search finds him in his own OPD's Pengelola's export: the check above can fail.
    own = browsers["pengelola_opd"].get(fill("/dasbor/ekspor/tpp.xlsx?tahun={year}&periode=Januari", case))
    assert RATED in readable(own.data, own.content_type, tmp_path)


def test_the_other_opds_pengelola_cannot_search_reza_even_naming_his_opd(
        browsers: dict[str, Browser]) -> None:
    for query in ("cari=Reza", f"cari={RATED}", "cari=Reza&unit=BKPSDM", "unit=BKPSDM&tahun=2027"):
        page = browsers["pengelola_lain"].get(f"/penilaian/?{query}").get_data(as_text=True)
        assert NAMES[RATED] not in page, query  # (the NIP asked for is echoed in the search field)
    assert NAMES[RATED] in browsers["pengelola_opd"].get("/penilaian/?cari=Reza").get_data(as_text=True)
