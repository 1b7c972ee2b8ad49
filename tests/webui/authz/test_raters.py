"""Who answered Reza's multi-rater feedback never reaches him or his appraiser, by any route they can open."""

from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path
from zipfile import ZipFile

import pytest

from tests.demo_city import Browser
from tests.webui.api_fixtures import ApiClient
from tests.webui.rating_fixtures import RATERS
from workflows.organisation.demo_org import EMPLOYEES

from .cast import Case
from .routes import fill
from .table import OK, RULES

NAMES = {nip: name for nip, name, *_ in EMPLOYEES}
#: What identifies a rater: the NIP, and the name as the organisation chart writes it and without titles.
IDENTITIES = [text for nip in RATERS for text in (nip, NAMES[nip], NAMES[nip].split(",")[0])]
#: The stages of an appraisal the diagram can open (each a process of bpmn/).
PROCESSES = ("siklus_kinerja", "perencanaan_skp", "pemantauan_kinerja", "penilaian_kinerja", "umpan_balik_rekan",
             "keberatan")


def leaked(text: str) -> list[str]:
    """Return the rater identities found in text."""
    return [identity for identity in IDENTITIES if identity in text]


def readable(body: bytes, content_type: str, folder: Path) -> str:
    """Return the text of a response: PDFs through pdftotext, XLSX from its XML parts, anything else as UTF-8."""
    if content_type.startswith("application/pdf"):
        source = folder / "document.pdf"
        source.write_bytes(body)
        return subprocess.run(["pdftotext", str(source), "-"], check=True, capture_output=True, text=True).stdout
    if "spreadsheetml" in content_type:
        with ZipFile(BytesIO(body)) as archive:
            return "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))
    return body.decode("utf-8", "replace")


#: Pages that list the appraiser's own staff by name, as they should: the raters are Teguh's staff too.
STAFF_LISTS = ("appraisals.index",)


def addresses(role: str, case: Case) -> list[str]:
    """Return every GET address the role may open in the matrix, and the role's own things besides."""
    skipped = ("static", "vendor.asset", *(STAFF_LISTS if role == "penilai" else ()))
    found = [fill(rule.path, case) for rule in RULES
             if rule.method == "GET" and rule.expected(role) == OK and rule.endpoint not in skipped]
    found += [f"/penilaian/{case.instance}/diagram?proses={process}" for process in PROCESSES]
    found += [f"/api/v1/tasks/{case.task}" if role == "pegawai" else f"/tugas/{case.done_task}",
              "/notifikasi?semua=1"]
    return found


@pytest.mark.parametrize("role", ["pegawai", "penilai"])
def test_no_rater_identity_in_anything_the_employee_or_the_appraiser_can_open(
        role: str, case: Case, browsers: dict[str, Browser], api_clients: dict[str, ApiClient],
        tmp_path: Path) -> None:
    seen = 0
    for url in addresses(role, case):
        response = api_clients[role].get(url) if url.startswith("/api/") else browsers[role].get(url)
        if response.status_code != 200:
            continue
        text = readable(response.data, response.content_type, tmp_path)
        assert leaked(text) == [], url
        seen += 1
    copy = browsers[role].post("/data-pribadi/unduh", data={"csrf_token": browsers[role].csrf("/kata-sandi")})
    assert copy.status_code == 200 and leaked(copy.get_data(as_text=True)) == []  # the personal-data copy
    assert seen >= 15


def test_the_raters_are_on_record_for_the_auditor(case: Case, browsers: dict[str, Browser], tmp_path: Path) -> None:
    """The check above can fail: the same search finds the raters where they belong, in the auditor's dossier."""
    response = browsers["inspektorat"].get(f"/audit/instans/{case.instance}/berkas.csv")
    text = readable(response.data, response.content_type, tmp_path)
    assert [nip for nip in RATERS if nip in text] == list(RATERS)
