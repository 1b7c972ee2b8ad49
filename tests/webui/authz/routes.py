"""The addresses the matrix calls: one concrete request per route of the app, filled from the stage's ids."""

from __future__ import annotations

from typing import Any

from tests.webui.rating_fixtures import RATED

from .cast import Case

YEAR = 2027
#: (endpoint, method) -> the path, with {names} of `Case` fields and of the stage's fixed values.
PATHS: dict[tuple[str, str], str] = {
    ("inbox.index", "GET"): "/",
    ("inbox.notices", "GET"): "/notifikasi",
    ("inbox.read_one", "POST"): "/notifikasi/{notification}/baca",
    ("inbox.read_all", "POST"): "/notifikasi/baca-semua",
    ("ops.health", "GET"): "/health",
    ("ops.metrics", "GET"): "/metrics",
    ("privacy.index", "GET"): "/data-pribadi/",
    ("privacy.export", "POST"): "/data-pribadi/unduh",
    ("core.set_language", "POST"): "/bahasa/en",
    ("static", "GET"): "/static/css/kinerja.css",
    ("vendor.asset", "GET"): "/vendor/bootstrap/css/bootstrap.min.css",
    ("auth.sign_in", "GET"): "/masuk",
    ("auth.sign_in", "POST"): "/masuk",
    ("auth.sign_out", "POST"): "/keluar",
    ("auth.change_password", "GET"): "/kata-sandi",
    ("auth.change_password", "POST"): "/kata-sandi",
    ("tasks.show", "GET"): "/tugas/{task}",
    ("tasks.submit", "POST"): "/tugas/{task}",
    ("tasks.claim", "POST"): "/tugas/{task}/ambil",
    ("tasks.release", "POST"): "/tugas/{task}/lepas",
    ("tasks.discard_draft", "POST"): "/tugas/{task}/draf/hapus",
    ("tasks.preview", "GET"): "/tugas/{appraiser_task}/pratinjau-predikat?capaian_unit=baik&perilaku=sesuai",
    ("tasks.consent", "GET"): "/tugas/persetujuan-publikasi",
    ("tasks.change_consent", "POST"): "/tugas/persetujuan-publikasi",
    ("appraisals.index", "GET"): "/penilaian/",
    ("appraisals.show", "GET"): "/penilaian/{instance}",
    ("appraisals.diagram", "GET"): "/penilaian/{instance}/diagram",
    ("dashboard.index", "GET"): "/dasbor/",
    ("dashboard.opd", "GET"): "/dasbor/opd/BKPSDM",
    ("dashboard.stuck", "GET"): "/dasbor/hambatan",
    ("dashboard.progress_xlsx", "GET"): "/dasbor/ekspor/kemajuan-{year}.xlsx",
    ("dashboard.opd_xlsx", "GET"): "/dasbor/ekspor/opd-BKPSDM-{year}.xlsx",
    ("dashboard.overdue_xlsx", "GET"): "/dasbor/ekspor/terlambat-BKPSDM-{year}.xlsx",
    ("dashboard.stuck_xlsx", "GET"): "/dasbor/ekspor/hambatan-{year}.xlsx",
    ("dashboard.tpp_xlsx", "GET"): "/dasbor/ekspor/tpp.xlsx?tahun={year}&periode=Januari",
    ("dashboard.slowest_xlsx", "GET"): "/dasbor/ekspor/tugas-terlama-{year}.xlsx",
    ("dashboard.curve_xlsx", "GET"): "/dasbor/ekspor/kurva-{year}.xlsx",
    ("dashboard.skp_pdf", "GET"): "/dasbor/pegawai/{rated}/{year}/skp.pdf",
    ("dashboard.evaluation_pdf", "GET"): "/dasbor/pegawai/{rated}/{year}/evaluasi.pdf",
    ("definitions.index", "GET"): "/definisi/",
    ("definitions.show", "GET"): "/definisi/siklus_kinerja/1",
    ("definitions.download", "GET"): "/definisi/siklus_kinerja/1/berkas/siklus_kinerja.bpmn",
    ("definitions.edit", "GET"): "/definisi/siklus_kinerja/1/ubah",
    ("definitions.blank", "GET"): "/definisi/modeler",
    ("definitions.check", "POST"): "/definisi/periksa",
    ("definitions.deploy", "POST"): "/definisi/deploy",
    ("definitions.upload", "GET"): "/definisi/unggah",
    ("definitions.upload", "POST"): "/definisi/unggah",
    ("definitions.diff", "GET"): "/definisi/siklus_kinerja/diff",
    ("definitions.diff_file", "POST"): "/definisi/siklus_kinerja/diff",
    ("definitions.diff_xml", "GET"): "/definisi/siklus_kinerja/diff/1.bpmn",
    ("definitions.migration", "GET"): "/definisi/siklus_kinerja/migrasi",
    ("definitions.migrate", "POST"): "/definisi/siklus_kinerja/migrasi",
    ("definitions.migrate_more", "POST"): "/definisi/siklus_kinerja/migrasi/lanjut",
    ("definitions.migration_dismiss", "POST"): "/definisi/siklus_kinerja/migrasi/selesai",
    ("definitions.incidents", "GET"): "/definisi/insiden",
    ("definitions.retry", "POST"): "/definisi/insiden/{incident}/ulangi",
    ("definitions.terminate", "POST"): "/definisi/insiden/{incident}/hentikan",
    ("audit.index", "GET"): "/audit/",
    ("audit.access", "GET"): "/audit/akses",
    ("audit.show", "GET"): "/audit/instans/{instance}",
    ("audit.dossier", "GET"): "/audit/instans/{instance}/berkas.csv",
    ("audit.checks", "GET"): "/audit/verifikasi",
    ("audit.start_check", "POST"): "/audit/verifikasi",
    ("audit.check_status", "GET"): "/audit/verifikasi/{audit_check}.json",
    ("public.index", "GET"): "/publik",
    ("public.unit", "GET"): "/publik/{year}/BKPSDM",
    ("public.feedback", "GET"): "/publik/umpan-balik/KEC-SU",
    ("public.feedback", "POST"): "/publik/umpan-balik/KEC-SU",
    ("public.thanks", "GET"): "/publik/umpan-balik/KEC-SU/terima-kasih",
    ("api.me", "GET"): "/api/v1/me",
    ("api.personal_data", "GET"): "/api/v1/me/personal-data",
    ("api.views", "GET"): "/api/v1/me/views",
    ("api.openapi", "GET"): "/api/v1/openapi.json",
    ("api.open_year", "POST"): "/api/v1/cycles",
    ("api.list_definitions", "GET"): "/api/v1/definitions",
    ("api.deploy_definitions", "POST"): "/api/v1/definitions",
    ("api.list_tasks", "GET"): "/api/v1/tasks",
    ("api.show_task", "GET"): "/api/v1/tasks/{task}",
    ("api.claim_task", "POST"): "/api/v1/tasks/{group_task}/claim",
    ("api.unclaim_task", "POST"): "/api/v1/tasks/{task}/unclaim",
    ("api.complete_task", "POST"): "/api/v1/tasks/{task}/complete",
    ("api.show_instance", "GET"): "/api/v1/instances/{instance}",
    ("api.instance_events", "GET"): "/api/v1/instances/{instance}/events",
}
#: The external-task API is mounted twice (Camunda's spelling and the API's own): the same rules hold.
EXTERNAL = {
    "list_tasks": ("GET", "", ""), "count_tasks": ("GET", "/count", "/count"),
    "get_task": ("GET", "/{external_task}", "/{external_task}"),
    "error_details": ("GET", "/{external_task}/errorDetails", "/{external_task}/error-details"),
    "fetch_and_lock": ("POST", "/fetchAndLock", "/fetch-and-lock"),
    "complete": ("POST", "/{external_task}/complete", "/{external_task}/complete"),
    "failure": ("POST", "/{external_task}/failure", "/{external_task}/failure"),
    "bpmn_error": ("POST", "/{external_task}/bpmnError", "/{external_task}/bpmn-error"),
    "extend_lock": ("POST", "/{external_task}/extendLock", "/{external_task}/extend-lock"),
    "unlock": ("POST", "/{external_task}/unlock", "/{external_task}/unlock"),
}
for _name, (_method, _camunda, _plural) in EXTERNAL.items():
    PATHS[(f"api.external_task_{_name}", _method)] = "/api/v1/external-task" + _camunda
    PATHS[(f"api.external_task_{_name}_plural", _method)] = "/api/v1/external-tasks" + _plural


def fill(path: str, case: Case) -> str:
    """Return path with the stage's ids in place of its {names}."""
    values: dict[str, Any] = {**vars(case), "year": YEAR, "rated": RATED}
    return path.format(**values)


def is_api(endpoint: str) -> bool:
    """Return whether an endpoint belongs to the JSON API (called with a bearer token, not a session)."""
    return endpoint.startswith("api.")
