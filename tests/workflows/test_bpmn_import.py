"""Every BPMN file imports into bpmn-moddle, the model layer of bpmn-js and Camunda Modeler, without warnings.

`tests/js/check_bpmn.mjs` reads each file with bpmn-moddle and the Camunda extension (`camunda:` elements
known) and reports the import warnings and the flow elements, lanes and participants without a shape or
edge. It needs `node` and the npm packages of `package.json` (`make install` runs `npm ci`). Outside CI
the test is skipped when they are missing; with `CI` set it fails instead, so CI never skips it silently.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "tests" / "js" / "check_bpmn.mjs"
FILES = sorted((ROOT / "bpmn").glob("*.bpmn")) + sorted((ROOT / "bpmn" / "examples").glob("*.bpmn"))


def _require_node() -> str:
    node = shutil.which("node")
    missing = []
    if node is None:
        missing.append("node is not on PATH")
    if not (ROOT / "node_modules" / "bpmn-moddle").is_dir() \
            or not (ROOT / "node_modules" / "camunda-bpmn-moddle").is_dir():
        missing.append("node_modules/bpmn-moddle or camunda-bpmn-moddle is missing (run `make install` or `npm ci`)")
    if missing:
        message = "bpmn-js import check cannot run: " + "; ".join(missing)
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(message + " (CI is set, so this is an error, not a skip)")
        pytest.skip(message)
    assert node is not None
    return node


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    node = _require_node()
    result = subprocess.run([node, str(SCRIPT), *(str(path.relative_to(ROOT)) for path in FILES)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), f"check_bpmn.mjs failed ({result.returncode}):\n{result.stderr}"
    parsed = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {report["file"]: report for report in parsed}


def test_there_are_files_to_check():
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_imports_without_warnings_and_with_complete_di(reports, path):
    report = reports.get(path.relative_to(ROOT).as_posix())
    assert report is not None, f"no report for {path}"
    assert report["warnings"] == [], f"import warnings in {report['file']}: {report['warnings']}"
    assert report["missingDi"] == [], f"elements without a shape or edge in {report['file']}: {report['missingDi']}"


def test_the_check_reports_warnings_and_missing_shapes(tmp_path):
    """The check itself: an unknown attribute is a warning, a removed shape is missing DI, exit status 1."""
    node = _require_node()
    source = (ROOT / "bpmn" / "persetujuan.bpmn").read_text(encoding="utf-8")
    start = source.index("<bpmndi:BPMNShape ")
    end = source.index("</bpmndi:BPMNShape>", start) + len("</bpmndi:BPMNShape>")
    broken = source[:start] + source[end:]
    broken = broken.replace("<bpmn:userTask ", '<bpmn:userTask camunda:tidakAda="x" ', 1)
    path = tmp_path / "broken.bpmn"
    path.write_text(broken, encoding="utf-8")
    result = subprocess.run([node, str(SCRIPT), str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert any("camunda:tidakAda" in warning for warning in report["warnings"])
    assert len(report["missingDi"]) == 1
