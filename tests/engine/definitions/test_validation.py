"""Validation of BPMN/DMN file sets: every refusal names the file, the line and the reason."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from engine.definitions import xmlsafe
from engine.definitions.validation import Problem, read_paths, validate
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "bpmn"



def line_of(path: Path, needle: str) -> int:
    """Return the number of the first line of path that contains needle."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} is not in {path}")


def problems_of(*names: str, strict: bool = False) -> list[Problem]:
    """Validate fixture files (paths under tests/fixtures/bpmn/) and return the problems."""
    checked, problems = validate(read_paths([str(FIXTURES / name) for name in names]), strict=strict)
    assert checked is None and problems
    return problems


def assert_reported(problems: list[Problem], file: str, line: int | None, text: str) -> None:
    """Assert that one problem reads 'FILE:LINE: ...text...'."""
    prefix = f"{file}:{line}: " if line else f"{file}: "
    assert any(str(p).startswith(prefix) and text in p.message for p in problems), \
        f"no {prefix}...{text}... in:\n" + "\n".join(map(str, problems))


def assert_fixture(name: str, needle: str, text: str, strict: bool = False) -> None:
    """Validate tests/fixtures/bpmn/broken/NAME alone; assert a problem on the line holding needle."""
    path = FIXTURES / "broken" / name
    assert_reported(problems_of(f"broken/{name}", strict=strict), name, line_of(path, needle), text)


def variant(tmp_path: Path, source: Path, *replacements: tuple[str, str], name: str | None = None) -> Path:
    """Write a copy of source with each (old, new) replaced once; fail if old is not there."""
    text = source.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / (name or source.name)
    path.write_text(text, encoding="utf-8")
    return path


# --- files that must pass -----------------------------------------------------------------------------------

def test_camunda_modeler_examples_validate_unchanged() -> None:
    checked, problems = validate(read_paths([str(EXAMPLES)]))
    assert problems == []
    assert checked is not None
    assert checked.process_ids == ["izin_pelatihan"]
    assert checked.process_names == {"izin_pelatihan": "Izin Mengikuti Pelatihan"}
    assert checked.files_for("izin_pelatihan") == ["izin_pelatihan.bpmn", "kategori_pelatihan.dmn"]
    # The original text is kept as written (the diagram view shows it); only the parser sees Python.
    assert "${keputusan eq 'setuju' and not empty nama_pelatihan}" in checked.files["izin_pelatihan.bpmn"]
    assert "<text>[1..19]</text>" in checked.files["kategori_pelatihan.dmn"]
    assert checked.parser.get_spec("izin_pelatihan") is not None


def test_valid_set_with_call_activity_in_another_file() -> None:
    checked, problems = validate(read_paths([str(FIXTURES / "valid")]))
    assert problems == []
    assert checked is not None
    # persetujuan_atasan is not executable: listed nowhere, but the call activity still finds it.
    assert checked.process_ids == ["pengajuan_cuti", "pengumuman"]
    assert checked.file_of("pengajuan_cuti") == "cuti.bpmn"
    assert checked.files_for("pengajuan_cuti") == ["cuti.bpmn", "jenis_cuti.dmn", "persetujuan.bpmn"]
    assert checked.files_for("pengumuman") == ["pengumuman.bpmn"]
    assert set(checked.parser.get_subprocess_specs("pengajuan_cuti")) == {"persetujuan_atasan"}


def test_translation_rewrites_the_tree_in_place_and_keeps_lines() -> None:
    checked, _ = validate(read_paths([str(FIXTURES / "valid")]))
    assert checked is not None
    path = FIXTURES / "valid" / "persetujuan.bpmn"
    root = checked.parser.get_process_parser("persetujuan_atasan").node
    condition = root.find(".//{*}conditionExpression")
    timer = root.find(".//{*}timeDuration")
    assert condition.text == 'keputusan == "setuju"'
    assert condition.sourceline == line_of(path, "<bpmn:conditionExpression")
    assert timer.text == '"P5D"'
    assert timer.sourceline == line_of(path, "<bpmn:timeDuration")
    assert "${keputusan == 'setuju'}" in checked.files["persetujuan.bpmn"]


# --- hostile or broken XML ----------------------------------------------------------------------------------

def test_malformed_xml_reports_the_line_lxml_found() -> None:
    assert_fixture("malformed.bpmn", "</bpmn:task>", "not well-formed XML")


def _atime_moves_on_read(tmp_path: Path) -> bool:
    probe = tmp_path / "probe.txt"
    probe.write_text("probe")
    os.utime(probe, (0, time.time()))
    probe.read_bytes()
    return os.stat(probe).st_atime != 0


def test_xxe_is_refused_and_the_file_never_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("KATA-SANDI-RAHASIA-42")
    os.utime(secret, (0, time.time()))  # an old access time: a read would move it
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
    doctype = f'<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
    hostile = (FIXTURES / "valid" / "pengumuman.bpmn").read_text()
    hostile = hostile.replace(declaration, declaration + doctype, 1)
    hostile = hostile.replace("<bpmn:startEvent ", "<bpmn:documentation>&xxe;</bpmn:documentation>\n"
                              "    <bpmn:startEvent ", 1)
    checked, problems = validate({"xxe.bpmn": hostile.encode()})
    assert checked is None
    assert_reported(problems, "xxe.bpmn", 2, "DOCTYPE")
    everything = "\n".join(f"{p} {p!r} {p.to_dict()}" for p in problems) + str(capsys.readouterr())
    assert "KATA-SANDI" not in everything
    if _atime_moves_on_read(tmp_path):
        assert os.stat(secret).st_atime == 0, "the secret file was read"


def test_billion_laughs_is_refused_before_the_parser_sees_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("lxml was handed a file that declares entities")
    monkeypatch.setattr(xmlsafe.etree, "parse", parse)
    assert_fixture("billion_laughs.bpmn", "<!DOCTYPE", "DOCTYPE or entities")



def test_oversize_file_is_refused_before_parsing() -> None:
    data = (FIXTURES / "valid" / "pengumuman.bpmn").read_bytes()
    checked, problems = validate({"besar.bpmn": data}, max_bytes=1000)
    assert checked is None
    assert [str(p) for p in problems] == [
        f"besar.bpmn: the file is {len(data):,} bytes; the limit is 1,000 bytes"]


def test_xsd_violation_reports_the_element_line() -> None:
    assert_fixture("xsd_violation.bpmn", 'sourceRef="Task_baca" />', "'targetRef' is required")


def test_foreign_xml_is_refused() -> None:
    checked, problems = validate({"halaman.bpmn": b"<?xml version='1.0'?>\n<html><body/></html>"})
    assert checked is None
    assert_reported(problems, "halaman.bpmn", 2, "neither BPMN 2.0 nor DMN")


# --- one broken fixture per project check ----------------------------------------------------------------

def test_unknown_called_process() -> None:
    assert_fixture("call_unknown.bpmn", "calledElement=",
                   "calls process 'penilaian_tidak_ada', which is defined in none of the files")


def test_malformed_timer_duration() -> None:
    assert_fixture("timer_p14x.bpmn", "P14X", "timer 'Event_x': 'P14X' is not an ISO 8601 duration")


def test_javascript_script_task() -> None:
    assert_fixture("script_javascript.bpmn", 'id="Script_hitung"',
                   "script task 'Script_hitung' (Hitung nilai) uses javascript; "
                   "only Python scripts run in Kinerja")


def test_hostile_script_and_condition() -> None:
    assert_fixture("hostile.bpmn", "import os",
                   "script task 'Script_hitung' (Hitung nilai akhir), script line 2: import statements")
    assert_fixture("hostile.bpmn", "__class__", "condition of sequence flow 'Flow_3' (ya)")
    assert_fixture("hostile.bpmn", "__class__", "__class__")


def test_unassignable_user_task_is_refused_in_the_strict_profile() -> None:
    assert_fixture("unassigned.bpmn", 'id="Task_periksa"',
                   "user task 'Task_periksa' (Periksa berkas) cannot be assigned to anyone", strict=True)


def test_implicit_parallel_split() -> None:
    assert_fixture("implicit_split.bpmn", 'id="Task_isi"',
                   "has 2 outgoing sequence flows; use a parallel gateway")


def test_unsupported_form_field_type() -> None:
    assert_fixture("form_bad_type.bpmn", 'type="rupiah"',
                   "form field 'tunjangan': type 'rupiah' is not supported")


def test_unknown_decision_ref() -> None:
    assert_fixture("decision_unknown.bpmn", 'id="Task_predikat"', "uses decision 'predikat_tidak_ada'")


def test_feel_entry_outside_the_subset() -> None:
    assert_fixture("feel_unsupported.dmn", 'date("2027-01-01")', "rule 1, input 'Tanggal'")


def test_problems_of_every_file_are_collected() -> None:
    problems = problems_of("broken", strict=True)  # unassigned.bpmn is refused by the strict profile only
    assert {p.file for p in problems} == {path.name for path in (FIXTURES / "broken").iterdir()}


# --- smaller variants of the valid set ----------------------------------------------------------------------

def _valid_with(tmp_path: Path, file: str, *replacements: tuple[str, str]) -> tuple[Path, list[Problem]]:
    """Validate the valid set with one file changed; return the changed file and the problems."""
    for source in (FIXTURES / "valid").iterdir():
        if source.name != file:
            (tmp_path / source.name).write_bytes(source.read_bytes())
    path = variant(tmp_path, FIXTURES / "valid" / file, *replacements)
    checked, problems = validate(read_paths([str(tmp_path)]))
    assert checked is None
    return path, problems


def test_gateway_flow_without_condition(tmp_path: Path) -> None:
    condition = "${keputusan == 'setuju'}"
    path, problems = _valid_with(tmp_path, "persetujuan.bpmn", (
        f'\n      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
        "</bpmn:conditionExpression>", ""))
    assert_reported(problems, "persetujuan.bpmn", line_of(path, 'id="Flow_3"'),
                    "sequence flow 'Flow_3' (setuju) leaves exclusive gateway 'Gateway_1' (Disetujui?) "
                    "without a condition")


@pytest.mark.parametrize("old, new, needle, text", [
    ('type="enum">', 'type="enum" defaultValue="mungkin">', 'id="keputusan"', "default value 'mungkin'"),
    ('<camunda:constraint name="required" />', '<camunda:constraint name="validator" config="x" />',
     'name="validator"', "constraint 'validator' is not supported"),
    ('id="keputusan"', 'id="keputusan-atasan"', 'id="keputusan-atasan"', "must be a variable name"),
    ('<camunda:constraint name="required" />', '<camunda:constraint name="required_if" config="keputusan" />',
     'name="required_if"', "needs 'other_field=value'"),
    ('<camunda:constraint name="required" />', '<camunda:constraint name="required_if" config="alasan=x" />',
     'name="required_if"', "'alasan', which is not another field"),
    ('camunda:dueDate="P3D"', 'camunda:dueDate="besok"', 'camunda:dueDate',
     "dueDate 'besok' is not an ISO 8601"),
    ('camunda:assignee="${atasan}"', 'camunda:assignee="${atasan.}"', 'camunda:assignee', "assignee"),
])
def test_form_and_assignment_problems(tmp_path: Path, old: str, new: str, needle: str, text: str) -> None:
    path, problems = _valid_with(tmp_path, "persetujuan.bpmn", (old, new))
    assert_reported(problems, "persetujuan.bpmn", line_of(path, needle), text)


@pytest.mark.parametrize("old, new, text", [
    ('scriptFormat="python"', 'scriptFormat="groovy"', "uses groovy"),
    (' scriptFormat="python"', "", "has no script format"),
    ('scriptFormat="python"', 'scriptFormat="python" camunda:resource="deployment://catat.py"',
     "loads its script"),
    ('camunda:decisionRef="jenis_cuti"',
     'camunda:decisionRef="jenis_cuti" camunda:decisionRefBinding="version" camunda:decisionRefVersion="3"',
     "particular version"),
])
def test_script_and_decision_reference_problems(tmp_path: Path, old: str, new: str, text: str) -> None:
    path, problems = _valid_with(tmp_path, "cuti.bpmn", (old, new))
    assert_reported(problems, "cuti.bpmn", line_of(path, 'id="Script_catat"' if "script" in old.lower()
                                                   else 'id="Task_jenis"'), text)


def test_any_decision_of_a_file_can_be_called() -> None:
    files = read_paths([str(FIXTURES / "valid")])
    text = files["jenis_cuti.dmn"].decode()
    decision = text[text.index("  <decision "):text.index("  <dmndi:DMNDI>")]
    second = re.sub(r'id="([^"]+)"', r'id="\1_lama"', decision)
    files["jenis_cuti.dmn"] = text.replace("  <dmndi:DMNDI>", second + "  <dmndi:DMNDI>").encode()
    files["cuti.bpmn"] = files["cuti.bpmn"].replace(b'decisionRef="jenis_cuti"', b'decisionRef="jenis_cuti_lama"')
    checked, problems = validate(files)
    assert problems == [] and checked is not None
    assert "jenis_cuti.dmn" in checked.files_for("pengajuan_cuti")


@pytest.mark.parametrize("model, diagram", [
    ("http://www.omg.org/spec/DMN/20180521/MODEL/", "http://www.omg.org/spec/DMN/20180521/DMNDI/"),
    ("http://www.omg.org/spec/DMN/20151101/dmn.xsd", None),
])
def test_older_dmn_versions_validate(model: str, diagram: str | None) -> None:
    files = read_paths([str(FIXTURES / "valid")])
    text = files["jenis_cuti.dmn"].decode().replace("https://www.omg.org/spec/DMN/20191111/MODEL/", model)
    if diagram:
        text = text.replace("https://www.omg.org/spec/DMN/20191111/DMNDI/", diagram)
    else:  # DMN 1.1 has no diagram interchange
        text = text[:text.index("  <dmndi:DMNDI>")] + "</definitions>\n"
    checked, problems = validate({**files, "jenis_cuti.dmn": text.encode()})
    assert problems == [] and checked is not None
    broken = text.replace('<decisionTable id="DecisionTable_1"', '<decisionTable id="DecisionTable_1" x="1"')
    checked, problems = validate({**files, "jenis_cuti.dmn": broken.encode()})
    assert_reported(problems, "jenis_cuti.dmn", 4, "does not follow the DMN schema")


def test_no_executable_process(tmp_path: Path) -> None:
    path = variant(tmp_path, FIXTURES / "valid" / "pengumuman.bpmn",
                   ('isExecutable="true"', 'isExecutable="false"'))
    checked, problems = validate(read_paths([str(path)]))
    assert checked is None
    assert_reported(problems, "pengumuman.bpmn", None, "none of the files defines an executable process")


# --- the API ------------------------------------------------------------------------------------------------

def test_problem_text_and_dict() -> None:
    assert str(Problem("a.bpmn", 12, "bad")) == "a.bpmn:12: bad"
    assert str(Problem("a.bpmn", None, "bad")) == "a.bpmn: bad"
    assert Problem("a.bpmn", 3, "bad").to_dict() == {"file": "a.bpmn", "line": 3, "message": "bad"}


def test_read_paths_keys_and_duplicates(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.bpmn").write_bytes(b"<a/>")
    (tmp_path / "b.DMN").write_bytes(b"<b/>")
    (tmp_path / "notes.txt").write_bytes(b"ignored")
    assert read_paths([str(tmp_path)]) == {"sub/a.bpmn": b"<a/>", "b.DMN": b"<b/>"}
    assert read_paths([str(tmp_path / "sub" / "a.bpmn")]) == {"a.bpmn": b"<a/>"}
    with pytest.raises(ValueError, match=r"a\.bpmn"):
        read_paths([str(tmp_path / "sub" / "a.bpmn"), str(tmp_path / "sub")])


def test_message_payload_expression_is_checked(tmp_path):
    from engine.definitions.validation import validate
    from tests.conftest import read_fixture
    text = read_fixture("processes/sender.bpmn")["sender.bpmn"].replace(
        b'camunda:expression="${payload}"', b'camunda:expression="${payload.getClass()}"')
    checked, problems = validate({"sender.bpmn": text})
    line = next(i for i, row in enumerate(text.decode().splitlines(), 1) if "getClass" in row)
    assert checked is None
    assert [p.line for p in problems] == [line] and "message payload" in problems[0].message
