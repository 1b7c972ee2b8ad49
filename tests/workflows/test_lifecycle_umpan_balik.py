"""Stage 2b, umpan_balik_rekan: multi-rater BerAKHLAK feedback, shown per question only from k answers.

Privacy of the raters (who answered what) is tested in test_rater_privacy.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.errors import FormInvalid
from tests.workflows.lifecycle import (
    NIP_ANI,
    NIP_BUDI,
    NIP_CITRA,
    T0,
    Lifecycle,
    add_staff,
    siklus_data,
)
from workflows.models import RaterResponse
from workflows.organisation import org
from workflows.planning import skp as skp_records

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["umpan_balik_rekan.bpmn"]

VALUES = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]
RATERS = ["199201012019031001", "199302022019032002", "199403032019031003", "199504042019032004"]


@pytest.fixture(autouse=True)
def peers(lifecycle: Lifecycle) -> None:
    """Four more staff of SEKSI-A: Ani's peers."""
    add_staff(lifecycle.session, RATERS)


def answer(score: int, komentar: str = "", skip: tuple[str, ...] = ()) -> dict:
    return {**{value: None if value in skip else score for value in VALUES}, "komentar": komentar}


def self_assess(lifecycle: Lifecycle, iid: int, score: int = 4, nip: str = NIP_ANI) -> None:
    """The employee rates themselves (lane Pegawai)."""
    task = lifecycle.task(iid, "Task_penilaian_diri")
    assert (task.lane, task.assignee) == ("Pegawai", nip)
    lifecycle.complete(task, answer(score, "Saya berusaha melayani dengan baik"))


def start_feedback(lifecycle: Lifecycle, raters: list[str], nip: str = NIP_ANI, **overrides) -> int:
    iid = lifecycle.start("umpan_balik_rekan", siklus_data(nip, pakai_umpan_balik_rekan=True, **overrides),
                          key="k")
    pilih = lifecycle.task(iid, "Task_pilih_rekan")
    assert pilih.form["key"] == "pilih_rekan"
    lifecycle.do(iid, "Task_pilih_rekan", {"daftar_rekan": raters})
    return iid


def responses(lifecycle: Lifecycle) -> list[RaterResponse]:
    lifecycle.session.expire_all()
    return list(lifecycle.session.execute(select(RaterResponse).order_by(RaterResponse.id)).scalars())


def test_four_raters_answer_and_the_aggregate_is_shown(lifecycle: Lifecycle):
    iid = start_feedback(lifecycle, RATERS)
    rows = lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak")
    assert sorted(r.assignee for r in rows) == sorted(RATERS)
    assert all(r.lane == "Rekan Kerja" for r in rows)
    assert [f["id"] for f in rows[0].form["fields"]] == [*VALUES, "komentar"]
    scores = {RATERS[0]: 5, RATERS[1]: 4, RATERS[2]: 4, RATERS[3]: 2}
    # Complete out of input order: each answer is kept under its rater's index.
    for nip in (RATERS[2], RATERS[0], RATERS[3], RATERS[1]):
        [row] = [r for r in rows if r.assignee == nip]
        lifecycle.complete(row, answer(scores[nip], komentar=f"Catatan {scores[nip]}"))
    assert lifecycle.status(iid) == "running"  # the employee's self-assessment is still open
    self_assess(lifecycle, iid, 5)
    assert lifecycle.status(iid) == "completed"
    data = lifecycle.variables(iid)
    assert data["agregat_rekan_tampil"] is True
    assert data["jumlah_rekan_menjawab"] == 4 and data["jumlah_rekan_diminta"] == 4
    assert data["agregat_rekan"] == {value: {"rata_rata": 3.75, "jumlah": 4} for value in VALUES}
    assert sorted(data["komentar_rekan"]) == ["Catatan 2", "Catatan 4", "Catatan 4", "Catatan 5"]
    assert data["ringkasan_umpan_balik_rekan"].startswith("Rata-rata dari 4 rekan")
    # The self-assessment is shown apart and not in the mean (all fives would have raised it).
    assert data["penilaian_diri"]["nilai"] == {value: 5 for value in VALUES}
    assert "Penilaian diri (terpisah, tidak dihitung dalam rata-rata): berorientasi_pelayanan 5" in (
        data["ringkasan_umpan_balik_rekan"])
    # No rater id in the aggregate, and the individual answers are not kept as variables.
    shown = repr([data[k] for k in ("agregat_rekan", "komentar_rekan", "ringkasan_umpan_balik_rekan")])
    assert not any(nip in shown for nip in RATERS)
    assert data["jawaban_rekan"] is None and "dijawab" not in data and "rekan" not in data
    # Who answered what is kept for auditors in the records, in the order the answers came in.
    kept = [r for r in responses(lifecycle) if r.relation != "self"]
    assert [(r.rater_nip, r.relation, r.scores["loyal"], r.comment) for r in kept] == [
        (nip, "peer", scores[nip], f"Catatan {scores[nip]}") for nip in (RATERS[2], RATERS[0], RATERS[3], RATERS[1])]
    assert [d["relation"] for _, d in lifecycle.events(iid, "rater_response_recorded")] == ["peer"] * 4 + ["self"]


def test_each_question_needs_k_answers_of_its_own(lifecycle: Lifecycle):
    iid = start_feedback(lifecycle, RATERS[:3])
    rows = lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak")
    # One rater cannot judge "loyal" and leaves it blank: that question has two answers only.
    lifecycle.complete(rows[0], answer(4, skip=("loyal",)))
    lifecycle.complete(rows[1], answer(2))
    lifecycle.complete(rows[2], answer(3))
    self_assess(lifecycle, iid)
    data = lifecycle.variables(iid)
    assert data["agregat_rekan"]["loyal"] == {"rata_rata": None, "keterangan": "jawaban belum cukup"}
    assert data["agregat_rekan"]["akuntabel"] == {"rata_rata": 3.0, "jumlah": 3}
    assert data["agregat_rekan_tampil"] is True and data["jumlah_rekan_menjawab"] == 3
    assert "loyal jawaban belum cukup" in data["ringkasan_umpan_balik_rekan"]


def test_a_question_left_out_of_the_answer_counts_as_no_answer(lifecycle: Lifecycle):
    """`task complete` with a value (or the comment) left out, not sent as null: the same as a blank."""
    iid = start_feedback(lifecycle, RATERS[:3])
    rows = lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak")
    lifecycle.complete(rows[0], {value: 4 for value in VALUES if value != "loyal"})
    lifecycle.complete(rows[1], answer(2, "Rapi"))
    lifecycle.complete(rows[2], answer(3, "Cepat"))
    self_assess(lifecycle, iid)
    assert lifecycle.status(iid) == "completed"
    data = lifecycle.variables(iid)
    assert data["agregat_rekan"]["loyal"] == {"rata_rata": None, "keterangan": "jawaban belum cukup"}
    assert data["agregat_rekan"]["akuntabel"] == {"rata_rata": 3.0, "jumlah": 3}
    assert sorted(r.comment or "" for r in responses(lifecycle) if r.relation == "peer") == ["", "Cepat", "Rapi"]
    assert "akuntabel 3.0" in data["ringkasan_umpan_balik_rekan"]


def test_the_threshold_is_a_setting(lifecycle: Lifecycle):
    iid = start_feedback(lifecycle, RATERS, min_penilai_agregat=4)
    for row in lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak")[:3]:
        lifecycle.complete(row, answer(4, "Baik"))
    self_assess(lifecycle, iid)
    lifecycle.worker(T0 + timedelta(days=15))
    data = lifecycle.variables(iid)
    assert (data["agregat_rekan_tampil"], data["jumlah_rekan_menjawab"]) == (False, 3)
    assert all(item["rata_rata"] is None for item in data["agregat_rekan"].values())
    assert data["komentar_rekan"] == []
    assert "paling sedikit 4 agar penilai tidak dapat dikenali" in data["ringkasan_umpan_balik_rekan"]


def test_comments_are_shown_only_from_k_comments(lifecycle: Lifecycle):
    iid = start_feedback(lifecycle, RATERS[:3])
    rows = lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak")
    lifecycle.complete(rows[0], answer(4, "Sering membantu rekan"))
    lifecycle.complete(rows[1], answer(3, "Kurang responsif"))
    lifecycle.complete(rows[2], answer(4))
    self_assess(lifecycle, iid)
    data = lifecycle.variables(iid)
    # Three answers show the means, but two comments would each point to one of two people.
    assert data["agregat_rekan_tampil"] is True and data["komentar_rekan"] == []
    summary = data["ringkasan_umpan_balik_rekan"]
    assert "Komentar rekan tidak ditampilkan: kurang dari 3 komentar." in summary
    assert "Kurang responsif" not in summary and "Sering membantu" not in summary


def test_self_assessment_is_shown_apart_and_never_counted(lifecycle: Lifecycle):
    iid = start_feedback(lifecycle, RATERS[:2])
    for row in lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak"):
        lifecycle.complete(row, answer(3))
    self_assess(lifecycle, iid, 5)
    data = lifecycle.variables(iid)
    # Two raters stay hidden: the employee's own answer does not make them three.
    assert (data["agregat_rekan_tampil"], data["jumlah_rekan_menjawab"]) == (False, 2)
    assert data["penilaian_diri"] == {"nilai": {value: 5 for value in VALUES},
                                      "komentar": "Saya berusaha melayani dengan baik"}
    assert "Penilaian diri (terpisah, tidak dihitung dalam rata-rata)" in data["ringkasan_umpan_balik_rekan"]


def test_self_assessment_not_given_by_the_deadline_is_closed(lifecycle: Lifecycle):
    iid = start_feedback(lifecycle, RATERS[:3])
    for row in lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak"):
        lifecycle.complete(row, answer(4))
    assert lifecycle.worker(T0 + timedelta(days=14, seconds=1)) == [iid]
    assert lifecycle.status(iid) == "completed"
    data = lifecycle.variables(iid)
    assert data["penilaian_diri"] is None and data["agregat_rekan_tampil"] is True
    assert "Penilaian diri: tidak diisi." in data["ringkasan_umpan_balik_rekan"]


def test_subordinates_rate_their_head(lifecycle: Lifecycle):
    iid = start_feedback(lifecycle, [NIP_ANI, NIP_BUDI, RATERS[0]], nip=NIP_CITRA, jabatan_kode="KASI-A",
                         jabatan_penilai_kode="KABID-A", jabatan_atasan_penilai_kode="KADIS")
    for row in lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak"):
        lifecycle.complete(row, answer(4))
    self_assess(lifecycle, iid, nip=NIP_CITRA)
    assert lifecycle.variables(iid)["agregat_rekan_tampil"] is True
    assert {(r.rater_nip, r.relation) for r in responses(lifecycle)} == {
        (NIP_ANI, "subordinate"), (NIP_BUDI, "subordinate"), (RATERS[0], "subordinate"), (NIP_CITRA, "self")}


@pytest.mark.parametrize(("raters", "path", "code"), [
    ([], "daftar_rekan", "too_few_items"),
    ([RATERS[0], RATERS[0]], "daftar_rekan", "duplicate"),
    (["12345"], "daftar_rekan/0", "invalid_format"),
    ([RATERS[0], "199912312020121001"], "daftar_rekan/1", "unknown_record"),
    ([RATERS[0], NIP_ANI], "daftar_rekan/1", "self"),
])
def test_raters_must_be_other_active_employees(lifecycle: Lifecycle, raters, path, code):
    iid = lifecycle.start("umpan_balik_rekan", siklus_data(NIP_ANI, pakai_umpan_balik_rekan=True), key="k")
    # In the cycle, stage 1 opened the SKP this instance belongs to.
    skp_records.open_skp(lifecycle.session, org.employee_by_nip(lifecycle.session, NIP_ANI), 2027, "tester",
                         instance_id=iid)
    lifecycle.session.commit()
    with pytest.raises(FormInvalid) as refused:
        lifecycle.do(iid, "Task_pilih_rekan", {"daftar_rekan": raters})
    assert [e["code"] for e in refused.value.errors[path]] == [code]
    assert lifecycle.task(iid, "Task_pilih_rekan").state == "open" and responses(lifecycle) == []


def test_two_answers_before_the_deadline_keep_the_aggregate_hidden(lifecycle: Lifecycle):
    iid = start_feedback(lifecycle, RATERS[:3])
    rows = lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak")
    lifecycle.complete(rows[0], answer(5))
    lifecycle.complete(rows[2], answer(3, "Kurang responsif"))
    # While one rater is still open the instance's variables can be read (answers are keyed by index,
    # so merging the open child's data with the multi-instance's never clashes list items).
    assert lifecycle.variables(iid)["daftar_rekan"] == RATERS[:3]
    assert lifecycle.worker(T0 + timedelta(days=13)) == []
    self_assess(lifecycle, iid)
    assert lifecycle.worker(T0 + timedelta(days=14, seconds=1)) == [iid]  # batas_umpan_balik P14D
    assert lifecycle.status(iid) == "completed"
    cancelled = [d["bpmn_id"] for _, d in lifecycle.events(iid, "task_cancelled")]
    assert cancelled == ["Task_beri_umpan_balik_berakhlak"]
    data = lifecycle.variables(iid)
    assert data["agregat_rekan_tampil"] is False
    assert data["jumlah_rekan_menjawab"] == 2 and data["jumlah_rekan_diminta"] == 3
    assert all(item["rata_rata"] is None for item in data["agregat_rekan"].values())
    assert data["komentar_rekan"] == []
    assert "Tidak ditampilkan: 2 dari 3" in data["ringkasan_umpan_balik_rekan"]


def test_two_raters_both_answering_is_still_too_few(lifecycle: Lifecycle):
    iid = start_feedback(lifecycle, RATERS[:2])
    for row in lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak"):
        lifecycle.complete(row, answer(4))
    self_assess(lifecycle, iid)
    data = lifecycle.variables(iid)
    assert (data["agregat_rekan_tampil"], data["jumlah_rekan_menjawab"]) == (False, 2)


def test_three_answers_are_enough(lifecycle: Lifecycle):
    iid = start_feedback(lifecycle, RATERS)
    rows = lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak")
    for row, score in zip(rows[:3], (1, 2, 4), strict=True):
        lifecycle.complete(row, answer(score))
    lifecycle.worker(T0 + timedelta(days=15))
    data = lifecycle.variables(iid)
    assert data["agregat_rekan_tampil"] is True
    assert data["agregat_rekan"]["loyal"] == {"rata_rata": 2.33, "jumlah": 3}


PUBLIC = {"sumber": "Survei kepuasan masyarakat 2027", "nilai": {"berorientasi_pelayanan": 4.4, "adaptif": 3.9}}


def test_a_public_service_unit_adds_the_publics_feedback_beside_the_raters(lifecycle: Lifecycle):
    session = lifecycle.session
    org.unit_by_code(session, "SEKSI-A").public_service = True
    session.commit()
    iid = lifecycle.start("umpan_balik_rekan", siklus_data(NIP_ANI, pakai_umpan_balik_rekan=True), key="k")
    lifecycle.do(iid, "Task_pilih_rekan", {"daftar_rekan": RATERS[:2], "umpan_balik_publik": PUBLIC})
    for row in lifecycle.open_tasks(iid, "Task_beri_umpan_balik_berakhlak"):
        lifecycle.complete(row, answer(4))
    self_assess(lifecycle, iid)
    data = lifecycle.variables(iid)
    # Two raters stay hidden; the public's survey is an aggregate already, shown and not counted with them.
    assert (data["agregat_rekan_tampil"], data["jumlah_rekan_menjawab"]) == (False, 2)
    assert data["agregat_publik"] == PUBLIC["nilai"]
    assert "Umpan balik publik (Survei kepuasan masyarakat 2027): berorientasi_pelayanan 4.4" in (
        data["ringkasan_umpan_balik_rekan"])
    public = [r for r in responses(lifecycle) if r.relation == "public"]
    assert [(r.rater_nip, r.scores, r.comment) for r in public] == [
        ("PUBLIK", PUBLIC["nilai"], "Survei kepuasan masyarakat 2027")]


def test_public_feedback_is_refused_for_a_unit_without_public_service(lifecycle: Lifecycle):
    iid = lifecycle.start("umpan_balik_rekan", siklus_data(NIP_ANI, pakai_umpan_balik_rekan=True), key="k")
    skp_records.open_skp(lifecycle.session, org.employee_by_nip(lifecycle.session, NIP_ANI), 2027, "tester",
                         instance_id=iid)
    lifecycle.session.commit()
    with pytest.raises(FormInvalid) as refused:
        lifecycle.do(iid, "Task_pilih_rekan", {"daftar_rekan": RATERS[:3], "umpan_balik_publik": PUBLIC})
    assert [e["code"] for e in refused.value.errors["umpan_balik_publik"]] == ["not_public_service"]
    with pytest.raises(FormInvalid) as refused:  # scores stay on the 1-5 scale
        lifecycle.do(iid, "Task_pilih_rekan", {"daftar_rekan": RATERS[:3], "umpan_balik_publik": {
            "sumber": "Survei", "nilai": {"adaptif": 7}}})
    assert "umpan_balik_publik/nilai/adaptif" in refused.value.errors
