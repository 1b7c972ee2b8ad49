"""The authorization matrix: for every route of the app, what each role gets (docs/authorization.md is made from it).

Outcomes: `ok` (the request passes authorization: a page, a file, a redirect other than to sign-in, or a
validation answer such as 400/409/422 to the matrix's empty form), `404` (as if it did not exist), `403`
(refused openly: process owners' and the API's role checks), `401` (the API without a valid token), `masuk`
(a redirect to the sign-in page). Web routes are called with the role's signed-in session, API routes
(`/api/...`) with a bearer token of its account. Ids in the addresses are the appraised employee's (Reza's):
everyone outside his appraisal gets 404, which is the IDOR check of every id-bearing route.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .cast import ROLE_KEYS
from .routes import PATHS, is_api

OK, NOT_FOUND, FORBIDDEN, UNAUTHORIZED, SIGN_IN = "ok", "404", "403", "401", "masuk"
SIGNED_IN = tuple(key for key in ROLE_KEYS if key != "anonim")
EMPLOYEES = ("pegawai", "penilai", "atasan", "pegawai_lain", "rekan")
#: Who may read Reza's appraisal (workflows/appraisals/appraisal_access.py): never a peer, another OPD's Pengelola, the
#: leader.
APPRAISAL = ("pegawai", "penilai", "atasan", "pengelola_opd", "pengelola_kota", "inspektorat", "admin")
OVERSEERS = ("pengelola_opd", "pengelola_lain", "pengelola_kota", "inspektorat", "admin")
OPD_OVERSEERS = ("pengelola_opd", "pengelola_kota", "inspektorat", "admin")
OWNERS = ("pengelola_kota", "pemilik_proses", "admin")
AUDITORS = ("inspektorat", "admin")
WORKERS = ("pekerja_eksternal", "admin")
PUBLIC = ("anonim", *SIGNED_IN)


@dataclass(frozen=True)
class Rule:
    """One route's expectations: the roles let through, how the others are refused, and how it is called."""

    endpoint: str
    method: str
    allowed: tuple[str, ...]
    refused: str = NOT_FOUND
    #: Outcomes of single roles that differ from the rule above.
    special: dict[str, str] = field(default_factory=dict)
    #: Form fields (web) or JSON (API) posted by the matrix.
    body: dict[str, Any] = field(default_factory=dict)
    #: False for the few routes whose allowed call would change the shared session (sign-out, language) or
    #: start background work; their refusals are still checked, their allowed call by the named test.
    call_allowed: bool = True
    note: str = ""

    @property
    def path(self) -> str:
        return PATHS[(self.endpoint, self.method)]

    def expected(self, role: str) -> str:
        """Return what role gets from this route."""
        if role in self.special:
            return self.special[role]
        if role in self.allowed:
            return OK
        if role == "anonim":
            return UNAUTHORIZED if is_api(self.endpoint) else SIGN_IN
        return self.refused


def _rules(method: str, allowed: tuple[str, ...], refused: str, *endpoints: str, **kwargs: Any) -> list[Rule]:
    return [Rule(endpoint, method, allowed, refused, **kwargs) for endpoint in endpoints]


GET, POST = "GET", "POST"
RULES: list[Rule] = [
    *_rules(GET, PUBLIC, NOT_FOUND, "ops.health", "static", "vendor.asset", "auth.sign_in", "public.index",
            "public.feedback", "public.thanks", "api.openapi"),
    Rule("public.unit", GET, (), special=dict.fromkeys(PUBLIC, NOT_FOUND),
         note="public to all alike; nothing is published at this stage of the year"),
    Rule("ops.metrics", GET, PUBLIC, note="by address or scrape token, not by role: the tests call from 127.0.0.1"),
    *_rules(GET, SIGNED_IN, NOT_FOUND, "inbox.index", "inbox.notices", "auth.change_password", "appraisals.index"),
    Rule("privacy.index", GET, SIGNED_IN, note="one's own personal data: no id in the address"),
    Rule("tasks.show", GET, ("pegawai",), note="Reza's open task: only its assignee"),
    Rule("tasks.preview", GET, ("atasan",), note="the open rating of Teguh, held by Bambang"),
    Rule("tasks.consent", GET, EMPLOYEES, note="staff accounts have no employee, so no consent"),
    *_rules(GET, APPRAISAL, NOT_FOUND, "appraisals.show", "appraisals.diagram", "dashboard.skp_pdf",
            "dashboard.evaluation_pdf"),
    *_rules(GET, OVERSEERS, NOT_FOUND, "dashboard.index", "dashboard.stuck", "dashboard.progress_xlsx",
            "dashboard.stuck_xlsx", "dashboard.tpp_xlsx", "dashboard.slowest_xlsx", "dashboard.curve_xlsx",
            note="a scoped Pengelola Kinerja sees only their OPD's rows"),
    *_rules(GET, OPD_OVERSEERS, NOT_FOUND, "dashboard.opd", "dashboard.opd_xlsx", "dashboard.overdue_xlsx",
            note="Reza's OPD: not another OPD's Pengelola Kinerja"),
    *_rules(GET, OWNERS, FORBIDDEN, "definitions.index", "definitions.show", "definitions.download",
            "definitions.edit", "definitions.blank", "definitions.upload", "definitions.diff", "definitions.diff_xml",
            "definitions.migration", "definitions.incidents"),
    *_rules(GET, AUDITORS, NOT_FOUND, "audit.index", "audit.access", "audit.show", "audit.dossier", "audit.checks",
            "audit.check_status"),
    *_rules(GET, SIGNED_IN, UNAUTHORIZED, "api.me", "api.list_tasks", "api.personal_data", "api.views"),
    *_rules(GET, OWNERS, FORBIDDEN, "api.list_definitions"),
    Rule("api.show_task", GET, ("pegawai",)),
    *_rules(GET, APPRAISAL, NOT_FOUND, "api.show_instance", "api.instance_events"),
    *[rule for name in ("list_tasks", "count_tasks", "get_task", "error_details") for rule in _rules(
        GET, WORKERS, FORBIDDEN, f"api.external_task_{name}", f"api.external_task_{name}_plural")],
    # Writes: refused ones change nothing (test_writes.py); allowed ones get a form that is refused or harmless.
    Rule("core.set_language", POST, PUBLIC, call_allowed=False, note="tests/webui/test_language.py"),
    *_rules(POST, PUBLIC, NOT_FOUND, "auth.sign_in", "public.feedback",
            note="public; the feedback form's own guards answer 400/429"),
    Rule("auth.sign_out", POST, SIGNED_IN, call_allowed=False, note="tests/webui/test_auth.py"),
    Rule("auth.change_password", POST, SIGNED_IN),
    Rule("privacy.export", POST, SIGNED_IN, note="one's own personal-data copy"),
    Rule("inbox.read_all", POST, SIGNED_IN),
    Rule("inbox.read_one", POST, ("pegawai",), note="Reza's notification"),
    Rule("tasks.change_consent", POST, EMPLOYEES, body={"tahun": "2027"}),
    *_rules(POST, ("pegawai",), NOT_FOUND, "tasks.claim", "tasks.release", "tasks.discard_draft"),
    *_rules(POST, OWNERS, FORBIDDEN, "definitions.check", "definitions.deploy", "definitions.upload",
            "definitions.diff_file", "definitions.migration_dismiss", "definitions.terminate", "definitions.retry"),
    Rule("definitions.migrate", POST, OWNERS, FORBIDDEN, body={"dari": "1", "ke": "1"}),
    Rule("definitions.migrate_more", POST, OWNERS, FORBIDDEN, special=dict.fromkeys(OWNERS, NOT_FOUND),
         note="owners: 404 without a migration run in their session"),
    Rule("audit.start_check", POST, AUDITORS, call_allowed=False, note="tests/webui/test_audit_checks.py"),
    Rule("api.open_year", POST, ("pengelola_opd", "pengelola_lain", "pengelola_kota", "admin"), FORBIDDEN,
         note="a scoped Pengelola Kinerja only for their own OPD (test_writes.py)"),
    Rule("api.deploy_definitions", POST, OWNERS, FORBIDDEN),
    Rule("api.claim_task", POST, ("pimpinan_unit",), note="the Wali Kota's group task"),
    *_rules(POST, ("pegawai",), NOT_FOUND, "api.unclaim_task", "api.complete_task"),
    *[rule for name in ("fetch_and_lock", "complete", "failure", "bpmn_error", "extend_lock", "unlock")
      for rule in _rules(POST, WORKERS, FORBIDDEN, f"api.external_task_{name}", f"api.external_task_{name}_plural")],
    # Last: the assignee's empty submission completes Reza's notice (a checkbox left unticked is an answer).
    Rule("tasks.submit", POST, ("pegawai",)),
]
