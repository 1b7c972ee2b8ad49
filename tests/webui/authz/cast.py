"""The people of the authorization matrix: one account per role around one appraisal, and what they reach.

The appraisal is Reza Maulana's (BKPSDM) of 2027, at its objection window (tests/webui/rating_fixtures.py
`to_appeal`): three colleagues answered his multi-rater feedback, Teguh Prasetyo appraised him, Bambang
Sutrisno stands above Teguh, the Wali Kota leads BKPSDM's calibration unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.webui.rating_fixtures import APPRAISER, HEAD_APPRAISER, RATED, RATERS

#: Roles of the matrix, in its column order: (key, account username or None when signed out, what it is).
ROLES: list[tuple[str, str | None, str]] = [
    ("anonim", None, "not signed in (no session, no token)"),
    ("pegawai", RATED, "the appraised employee (Reza Maulana, BKPSDM)"),
    ("penilai", APPRAISER, "his Pejabat Penilai Kinerja (Teguh Prasetyo)"),
    ("atasan", HEAD_APPRAISER, "the Atasan Pejabat Penilai (Bambang Sutrisno)"),
    ("pimpinan_unit", "walikota", "the leader of his calibration unit (group wali_kota)"),
    ("pengelola_opd", "pengelola.bkpsdm", "Pengelola Kinerja of his OPD (scope BKPSDM)"),
    ("pengelola_lain", "pengelola.pupr", "Pengelola Kinerja of another OPD (scope PUPR)"),
    ("pengelola_kota", "bkpsdm", "Pengelola Kinerja city-wide (BKPSDM staff account, also pemilik_proses)"),
    ("pemilik_proses", "pemilik.proses", "a process owner and nothing else"),
    ("inspektorat", "inspektorat", "the auditor (Inspektorat)"),
    ("admin", "admin", "the administrator"),
    ("pekerja_eksternal", "svc.siasn", "a service account of role external_worker"),
    ("pegawai_lain", "199411192019031006", "an unrelated employee of another OPD (Irfan Hakim, Disdukcapil)"),
    ("rekan", RATERS[0], "a colleague who answered Reza's multi-rater feedback"),
]
ROLE_KEYS = [key for key, _, _ in ROLES]
USERNAMES = {key: username for key, username, _ in ROLES}
#: Accounts the matrix adds to the demo city: (username, roles).
EXTRA_ACCOUNTS = [("pemilik.proses", ["pemilik_proses"]), ("svc.siasn", ["external_worker"])]


@dataclass(frozen=True)
class Case:
    """The ids the matrix's addresses point at, read from the stage once it is built."""

    #: Reza's appraisal instance, his open task (the predikat notice), one of his notifications.
    instance: int
    task: int
    notification: int
    #: The appraiser's completed rating of Reza (only its completer may read it).
    done_task: int
    #: Teguh's own appraisal and its open rating task, held by Bambang.
    appraiser_instance: int
    appraiser_task: int
    #: The group task of the Wali Kota (BKPSDM's calibration unit rating), nobody holding it.
    group_task: int
    #: An external task's id, an instance in error, a started audit check.
    external_task: str
    incident: int
    audit_check: int
