"""The task page of a generated form: header, fields, validation, drafts, claim and release, who may see it.

The form is the Camunda Modeler example `izin_pelatihan` deployed on the demo city: the employee (a candidate
user) takes *Ajukan pelatihan*, fills it in and sends it; *Tinjau pengajuan* goes to the appraiser.
"""

from __future__ import annotations

import html
import re

from .tasks_fixtures import PEGAWAI, PENILAI, REKAN, STRANGER
from .tasks_fixtures import training as training  # the fixture, requested by name

VALID = {"nama_pelatihan": "Pelatihan Analis Kebijakan", "jam_pelajaran": "40", "jenis": "manajerial",
         "tanggal_mulai": "2027-02-10"}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _input(page: str, field: str) -> str:
    found = re.search(rf'<(?:input|textarea|select)[^>]*name="{field}"[^>]*>', page)
    assert found, f"no input {field}"
    return found.group(0)


def _took(browser, task_id: int) -> None:
    response = browser.post_form(f"/tugas/{task_id}/ambil", token_page=f"/tugas/{task_id}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/tugas/{task_id}")


def test_the_page_shows_stage_instructions_and_every_field_with_its_html_constraints(training, as_user):
    [ajukan] = training().tasks()
    page = _text(as_user(PEGAWAI).get(f"/tugas/{ajukan.id}"))
    assert "Izin Mengikuti Pelatihan" in page and "<h1 class=\"h3\">Ajukan pelatihan</h1>" in page
    assert "Petunjuk" in page and "Isi nama pelatihan, jumlah jam pelajaran dan jenisnya." in page
    name = _input(page, "nama_pelatihan")
    assert 'type="text"' in name and "required" in name and 'minlength="5"' in name
    hours = _input(page, "jam_pelajaran")
    assert 'type="number"' in hours and 'min="1"' in hours and 'max="200"' in hours and 'value="20"' in hours
    assert 'type="date"' in _input(page, "tanggal_mulai")
    assert page.count('type="radio"') == 3 and "Sosial kultural" in page  # three choices: radio buttons
    assert '<label class="form-label" for="f-nama_pelatihan">' in page
    # A candidate task: to be taken first, the form is shown but cannot be filled in yet.
    assert "Ambil tugas" in page and "<fieldset disabled" in page and "Simpan draf" not in page


def test_sending_before_taking_the_task_is_refused_and_nothing_changes(training, as_user):
    started = training()
    [ajukan] = started.tasks()
    before = started.snapshot()
    response = as_user(PEGAWAI).post_form(f"/tugas/{ajukan.id}", {**VALID, "aksi": "kirim"})
    assert response.status_code == 409 and "Ambil tugas ini terlebih dahulu" in _text(response)
    assert started.snapshot() == before


def test_invalid_input_is_refused_beside_each_field_in_indonesian_and_the_typed_values_stay(training, as_user):
    started = training()
    [ajukan] = started.tasks()
    browser = as_user(PEGAWAI)
    _took(browser, ajukan.id)
    before = started.snapshot()
    response = browser.post_form(f"/tugas/{ajukan.id}", {
        "nama_pelatihan": "Dik", "jam_pelajaran": "500", "jenis": "lainnya", "tanggal_mulai": "31-01-2027",
        "aksi": "kirim"})
    assert response.status_code == 422
    page = _text(response)
    assert "Beberapa isian belum benar" in page
    for field, sentence in [("nama_pelatihan", "Teks ini terlalu pendek."),
                            ("jam_pelajaran", "Nilai ini di atas batas tertinggi."),
                            ("jenis", "Pilih salah satu pilihan yang tersedia."),
                            ("tanggal_mulai", "Masukkan tanggal yang sah.")]:
        assert re.search(rf'id="e-{field}">{re.escape(sentence)}</div>', page), field
    assert 'value="Dik"' in _input(page, "nama_pelatihan") and 'aria-invalid="true"' in _input(page, "nama_pelatihan")
    assert 'value="500"' in _input(page, "jam_pelajaran") and 'value="31-01-2027"' in _input(page, "tanggal_mulai")
    assert started.snapshot() == before


def test_a_draft_is_kept_unvalidated_for_its_user_and_removed_when_the_task_is_done(training, as_user):
    started = training()
    [ajukan] = started.tasks()
    browser = as_user(PEGAWAI)
    _took(browser, ajukan.id)
    response = browser.post_form(f"/tugas/{ajukan.id}", {"nama_pelatihan": "Dik", "jam_pelajaran": "abc",
                                                         "aksi": "draf"})
    assert response.status_code == 303
    assert [t.state for t in started.tasks(None)] == ["open"]  # a draft sends nothing
    page = _text(browser.get(f"/tugas/{ajukan.id}"))
    assert "Draf Anda telah disimpan" in page and "Diisi dari draf Anda yang disimpan pada 4 Jan 2027" in page
    assert 'value="Dik"' in _input(page, "nama_pelatihan") and 'value="abc"' in _input(page, "jam_pelajaran")
    assert "e-nama_pelatihan" not in page  # not judged yet
    # Deleted, the form starts again from the task's values; the draft was the user's only.
    assert browser.post_form(f"/tugas/{ajukan.id}/draf/hapus", token_page=f"/tugas/{ajukan.id}").status_code == 303
    page = _text(browser.get(f"/tugas/{ajukan.id}"))
    assert "Draf Anda telah dihapus." in page and 'value="20"' in _input(page, "jam_pelajaran")
    assert started.snapshot()[3] == []
    response = browser.post_form(f"/tugas/{ajukan.id}", {**VALID, "aksi": "kirim"})
    assert response.status_code == 303
    assert started.snapshot()[3] == []  # no draft left


def test_sending_completes_the_task_and_the_appraiser_gets_the_review(training, as_user):
    started = training()
    [ajukan] = started.tasks()
    browser = as_user(PEGAWAI)
    _took(browser, ajukan.id)
    response = browser.post_form(f"/tugas/{ajukan.id}", {**VALID, "aksi": "kirim"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/")
    assert "Tugas selesai." in _text(browser.get("/"))
    [done] = started.tasks("completed")
    assert done.completed_by == PEGAWAI
    [submitted] = [e["submitted"] for e in started.events("task_completed")]
    assert submitted == {"nama_pelatihan": "Pelatihan Analis Kebijakan", "jam_pelajaran": 40,
                         "jenis": "manajerial", "tanggal_mulai": "2027-02-10"}
    [tinjau] = started.tasks()
    page = _text(as_user(PENILAI).get(f"/tugas/{tinjau.id}"))
    assert "Tinjau pengajuan" in page and "Dipegang oleh" in page and "Anda" in page
    assert re.search(r"20 Januari 2027 — \d+ hari lagi", page)
    assert "kepemimpinan" in page and 'name="kategori"' not in page  # read-only: shown, not editable
    assert page.count('type="radio"') == 2 and "Ambil tugas" not in page and "Simpan draf" in page


def test_a_second_submission_is_refused_saying_by_whom_and_when_and_nothing_changes(training, as_user):
    started = training()
    [ajukan] = started.tasks()
    browser = as_user(PEGAWAI)
    _took(browser, ajukan.id)
    token = browser.csrf(f"/tugas/{ajukan.id}")
    first = browser.post(f"/tugas/{ajukan.id}", data={**VALID, "aksi": "kirim", "csrf_token": token})
    assert first.status_code == 303
    after_first = started.snapshot()
    again = browser.post(f"/tugas/{ajukan.id}", data={**VALID, "jenis": "teknis", "aksi": "kirim",
                                                      "csrf_token": token})
    assert again.status_code == 409
    page = _text(again)
    assert "Tugas ini sudah diselesaikan oleh Siti Rahmawati, S.AP. pada 4 Jan 2027" in page
    assert "Tidak ada yang diubah." in page
    assert started.snapshot() == after_first
    # A draft after completion is refused as well.
    draft = browser.post(f"/tugas/{ajukan.id}", data={"nama_pelatihan": "x", "aksi": "draf", "csrf_token": token})
    assert draft.status_code == 409 and started.snapshot() == after_first


def test_a_completed_task_shows_what_was_sent_to_its_completer_only(training, as_user):
    started = training()
    [ajukan] = started.tasks()
    browser = as_user(PEGAWAI)
    _took(browser, ajukan.id)
    browser.post_form(f"/tugas/{ajukan.id}", {**VALID, "aksi": "kirim"})
    page = _text(browser.get(f"/tugas/{ajukan.id}"))
    assert "Yang Anda kirim" in page and "Pelatihan Analis Kebijakan" in page and "Manajerial" in page
    assert "10 Februari 2027" in page
    assert "<input type=\"text\"" not in page and "Kirim</button>" not in page
    assert as_user(PENILAI).get(f"/tugas/{ajukan.id}").status_code == 404


def test_someone_else_s_task_is_a_404_whatever_the_request(training, as_user):
    started = training()
    [ajukan] = started.tasks()
    before = started.snapshot()
    stranger = as_user(STRANGER)
    token = stranger.csrf("/")
    assert stranger.get(f"/tugas/{ajukan.id}").status_code == 404
    for path in (f"/tugas/{ajukan.id}", f"/tugas/{ajukan.id}/ambil", f"/tugas/{ajukan.id}/lepas",
                 f"/tugas/{ajukan.id}/draf/hapus"):
        response = stranger.post(path, data={**VALID, "aksi": "kirim", "csrf_token": token})
        assert response.status_code == 404 and "Pelatihan" not in _text(response)
    assert stranger.get("/tugas/999999").status_code == 404
    assert started.snapshot() == before


def test_a_shared_task_is_taken_released_and_a_stale_page_is_refused(training, as_user):
    started = training(pegawai=f"{PEGAWAI},{REKAN}")
    [ajukan] = started.tasks()
    siti, fajar = as_user(PEGAWAI), as_user(REKAN)
    page = _text(fajar.get(f"/tugas/{ajukan.id}"))
    assert "Tugas ini juga dapat diambil oleh: Siti Rahmawati, S.AP." in page
    fajar_token = fajar.csrf(f"/tugas/{ajukan.id}")  # Fajar's page stays open
    _took(siti, ajukan.id)
    page = _text(siti.get(f"/tugas/{ajukan.id}"))
    assert "Lepas tugas" in page and "Simpan draf" in page
    siti.post_form(f"/tugas/{ajukan.id}", {"nama_pelatihan": "Draf milik Siti", "aksi": "draf"})
    before = started.snapshot()
    # Fajar sends from the page he opened before Siti took it: refused, he learns who has it.
    stale = fajar.post(f"/tugas/{ajukan.id}", data={**VALID, "aksi": "kirim", "csrf_token": fajar_token})
    assert stale.status_code == 303
    inbox = _text(fajar.get("/"))
    assert "Siti Rahmawati, S.AP. sekarang memegang tugas ini. Tidak ada yang diubah." in inbox
    assert fajar.post(f"/tugas/{ajukan.id}/ambil", data={"csrf_token": fajar_token}).status_code == 303
    assert fajar.post(f"/tugas/{ajukan.id}/lepas", data={"csrf_token": fajar_token}).status_code == 303
    assert started.snapshot() == before
    # Siti gives it back; Fajar takes it and does not see Siti's draft.
    released = siti.post_form(f"/tugas/{ajukan.id}/lepas", token_page=f"/tugas/{ajukan.id}")
    assert released.status_code == 303 and started.tasks()[0].claimed_by is None
    _took(fajar, ajukan.id)
    page = _text(fajar.get(f"/tugas/{ajukan.id}"))
    assert "Draf milik Siti" not in page and "Diisi dari draf" not in page
    assert [e["previous"] for e in started.events("task_unclaimed")] == [PEGAWAI]
    # Fajar sends it: every draft of the task goes, Siti's too.
    assert fajar.post_form(f"/tugas/{ajukan.id}", {**VALID, "aksi": "kirim"}).status_code == 303
    assert started.snapshot()[3] == []
    # Siti's page is stale now: sending from it says who completed the task; opening it is a 404.
    done = started.snapshot()
    stale = siti.post_form(f"/tugas/{ajukan.id}", {**VALID, "aksi": "kirim"}, token_page="/")
    assert stale.status_code == 303
    assert ("Tugas ini sudah diselesaikan oleh Fajar Ramadhan, S.IP. pada 4 Jan 2027"
            in _text(siti.get("/")))
    assert siti.get(f"/tugas/{ajukan.id}").status_code == 404
    assert started.snapshot() == done


def test_an_overdue_task_says_so_in_words(training, as_user):
    started = training(batas="2027-01-01")
    [ajukan] = started.tasks()
    browser = as_user(PEGAWAI)
    _took(browser, ajukan.id)
    browser.post_form(f"/tugas/{ajukan.id}", {**VALID, "aksi": "kirim"})
    [tinjau] = started.tasks()
    page = _text(as_user(PENILAI).get(f"/tugas/{tinjau.id}"))
    assert "Terlambat" in page and re.search(r"1 Januari 2027 — terlambat \d+ hari", page)



def test_a_task_changed_meanwhile_is_refused_with_the_typed_values_kept(training, as_user, monkeypatch):
    from engine.errors import Conflict
    from engine.runtime.human_tasks import tasks

    started = training()
    [ajukan] = started.tasks()
    browser = as_user(PEGAWAI)
    _took(browser, ajukan.id)
    before = started.snapshot()

    def changed_meanwhile(*args, **kwargs):
        raise Conflict("instance changed", instance_id=started.instance_id)

    monkeypatch.setattr(tasks, "complete", changed_meanwhile)
    response = browser.post_form(f"/tugas/{ajukan.id}", {**VALID, "aksi": "kirim"})
    assert response.status_code == 409
    page = _text(response)
    assert "Data ini sudah berubah" in page
    assert 'value="Pelatihan Analis Kebijakan"' in _input(page, "nama_pelatihan")
    assert started.snapshot() == before


def test_the_page_speaks_english_when_chosen(training, as_user):
    [ajukan] = training().tasks()
    browser = as_user(PEGAWAI)
    browser.post_form("/bahasa/en", {"next": f"/tugas/{ajukan.id}"}, token_page=f"/tugas/{ajukan.id}")
    page = _text(browser.get(f"/tugas/{ajukan.id}"))
    assert "Take task" in page and "Instructions" in page and "Fields marked * must be filled in." in page
