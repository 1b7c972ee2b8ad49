"""The task page of a generated form: header, fields, validation, drafts, claim and release, who may see it."""

from __future__ import annotations

import re

import pytest

from .tasks_fixtures import PEGAWAI, PENILAI, REKAN, STRANGER, training  # noqa: F401  (fixture)

VALID = {"nama_pelatihan": "Pelatihan Analis Kebijakan", "jam_pelajaran": "40", "jenis": "manajerial",
         "tanggal_mulai": "2027-02-10"}


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_smoke(training, as_user):
    started = training()
    [ajukan] = started.tasks()
    browser = as_user(PEGAWAI)
    response = browser.get(f"/tugas/{ajukan.id}")
    print(_page(response))
    assert response.status_code == 200
