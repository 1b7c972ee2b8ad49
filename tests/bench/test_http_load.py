"""bench.http_load's pure parts: percentiles, the request summary, the form reader, RSS reading, the options."""

from __future__ import annotations

import math
import os

import pytest

from bench import http_forms, http_load, http_report, rss
from bench.http_report import COMPLETE, Sample

PAGE = """
<form method="post" action="/keluar"><input type="hidden" name="csrf_token" value="other"></form>
<form method="post" action="/tugas/7">
  <input type="hidden" name="csrf_token" value="tok&amp;en">
  <input type="text" name="skp/rhk/0/uraian" value="Draf lama">
  <input type="checkbox" name="setuju" value="ya" checked>
  <input type="checkbox" name="tidak_dicentang" value="ya">
  <input type="radio" name="pilihan" value="a"><input type="radio" name="pilihan" value="b" checked>
  <textarea name="catatan">
baris pertama</textarea>
  <select name="pendekatan"><option value="kualitatif">Kualitatif</option>
    <option value="kuantitatif" selected>Kuantitatif</option></select>
  <select name="jenis"><option value="utama">Utama</option><option value="tambahan">Tambahan</option></select>
  <template><input type="text" name="skp/rhk/__I__/uraian" value=""></template>
  <button type="submit" name="aksi" value="kirim">Kirim</button>
</form>
"""


def test_percentiles_interpolate_between_ranks():
    values = [float(v) for v in range(1, 101)]
    assert http_report.percentile(values, 50) == pytest.approx(50.5)
    assert http_report.percentile(values, 99) == pytest.approx(99.01)
    assert http_report.percentile([3.0, 1.0, 2.0], 0) == 1.0
    assert http_report.percentile([3.0, 1.0, 2.0], 100) == 3.0
    assert http_report.percentile([7.0], 95) == 7.0
    assert math.isnan(http_report.percentile([], 50))


def test_conflicts_are_counted_apart_from_errors_and_no_answer_is_an_error():
    samples = [Sample(COMPLETE, 303, 0.2, 1.0), Sample(COMPLETE, 303, 0.4, 2.0), Sample(COMPLETE, 409, 0.1, 3.0),
               Sample(COMPLETE, 422, 0.3, 4.0, "refused"), Sample("inbox page (GET /)", 0, 90.0, 5.0, "ReadTimeout"),
               Sample("inbox page (GET /)", 200, 0.05, 6.0)]
    kinds = http_report.summarise(samples)
    complete, inbox = kinds[COMPLETE], kinds["inbox page (GET /)"]
    assert (complete.count, len(complete.ok), complete.conflicts, complete.errors) == (4, 2, 1, 1)
    assert (inbox.count, len(inbox.ok), inbox.errors) == (2, 1, 1)
    assert [s.detail for s in http_report.errors_of(samples)] == ["refused", "ReadTimeout"]
    # Only requests that worked give latencies; kinds never requested are left out of the table.
    table = http_report.table(kinds)
    assert any(line.startswith(f"| {COMPLETE} | 4 | 300 | ") for line in table)
    assert not any("sign-in form" in line for line in table)
    assert http_report.throughput(samples, 2.0) == (1.0, 3.0)


def test_the_form_is_read_as_a_browser_sends_it():
    fields = http_forms.form_fields(PAGE)
    assert fields == {"csrf_token": "tok&en", "skp/rhk/0/uraian": "Draf lama", "setuju": "ya", "pilihan": "b",
                      "catatan": "baris pertama", "pendekatan": "kuantitatif", "jenis": "utama"}


def test_the_answers_replace_what_the_page_shows_and_name_the_button():
    sent = http_forms.answered(PAGE, "Task_susun_skp")
    assert sent["skp/rhk/0/uraian"] == http_forms.ANSWERS["Task_susun_skp"]["skp/rhk/0/uraian"]
    assert sent["aksi"] == "kirim" and sent["csrf_token"] == "tok&en"
    with pytest.raises(ValueError):
        http_forms.form_fields("<form><input name='q'></form>")


def test_rss_of_a_live_process_and_of_a_gone_one():
    now_kb, peak_kb = rss.read_kb(os.getpid()) or (0, 0)
    assert 0 < now_kb <= peak_kb
    assert rss.read_kb(2**22 + 12345) is None  # above Linux's pid_max default: never a process
    track = rss.Track("w", 1, rss_kb=[500, 100, 100, 110, 105, 100, 100, 100, 100, 100])
    assert track.spread() == pytest.approx(0.10)  # the first tenth (warm-up) is left out


def test_options_are_bounded():
    url = ["--database-url", "postgresql+psycopg://u@127.0.0.1/x"]
    assert http_load.parse_args(url).baseline_seconds == 60
    assert http_load.parse_args([*url, "--duration", "20", "--users", "5"]).baseline_seconds == 10
    for wrong in (["--duration", "5"], ["--duration", "100000"], ["--users", "0"]):
        with pytest.raises(SystemExit):
            http_load.parse_args([*url, *wrong])
    with pytest.raises(SystemExit):
        http_load.parse_args(["--database-url", "sqlite:///x.db"])


def test_steady_work_starts_when_the_last_user_has_signed_in():
    sign_in = "sign in (POST /masuk)"
    samples = [Sample(sign_in, 302, 2.0, 2.0), Sample(COMPLETE, 303, 0.5, 3.0), Sample(sign_in, 302, 4.0, 4.0),
               Sample(COMPLETE, 303, 0.5, 5.0), Sample(COMPLETE, 409, 0.5, 6.0), Sample(COMPLETE, 303, 0.5, 8.0)]
    seconds, completions, requests = http_report.steady(samples)
    assert (seconds, completions, requests) == (4.0, 0.5, 0.75)
    assert http_report.steady([Sample(COMPLETE, 303, 0.5, 3.0)]) == (0.0, 0.0, 0.0)
