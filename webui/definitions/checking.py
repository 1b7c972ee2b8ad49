"""Checking files from the browser exactly as `kinerja bpmn validate` does, with each problem's element id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from engine.definitions.validation import ValidatedSet
from engine.definitions.validation import validate as validate_files
from engine.definitions.xmlsafe import XmlRefused, parse_xml
from engine.models import SpecVersion

from ..commands.bpmn import PROJECT_BPMN

#: The extensions a definition file may have.
EXTENSIONS = (".bpmn", ".dmn")


def working_set(version: SpecVersion | None, name: str, xml: bytes) -> dict[str, bytes]:
    """Return the files to check: the opened version's files with the edited one replaced."""
    files = {key: text.encode("utf-8") for key, text in (version.files if version is not None else {}).items()}
    files[name] = xml
    return files


def is_strict(names: list[str]) -> bool:
    """Return whether the files are the project's own (bpmn/): checked in the strict profile, as the CLI does."""
    for name in names:
        path = (PROJECT_BPMN / name).resolve()
        if path.is_relative_to(PROJECT_BPMN) and path.is_file():
            return True
    return False


def refusal(exc: XmlRefused, max_bytes: int) -> str:
    """Return the Indonesian sentence for a file the hardened XML parser refused."""
    if "DOCTYPE" in exc.message or "entity" in exc.message:
        return _("The file declares a DOCTYPE or entities. BPMN and DMN files never do, so it is refused.")
    if "limit is" in exc.message:
        limit = format(max_bytes, ",")
        return _("The file is larger than the limit of %(limit)s bytes.", limit=limit)
    if "empty" in exc.message:
        return _("The file is empty.")
    if exc.line:
        return _("The file is not well-formed XML (line %(line)s).", line=exc.line)
    return _("The file is not well-formed XML.")


def refusals(files: dict[str, bytes], max_bytes: int) -> dict[str, str]:
    """Return {file: Indonesian reason} for each file that is not acceptable XML (hostile, too big, broken)."""
    found = {}
    for name, data in files.items():
        if not name.lower().endswith(EXTENSIONS):
            found[name] = _("Only .bpmn and .dmn files can be uploaded.")
            continue
        try:
            parse_xml(data, name, max_bytes)
        except XmlRefused as exc:
            found[name] = refusal(exc, max_bytes)
    return found


def check(files: dict[str, bytes], max_bytes: int) -> tuple[ValidatedSet | None, list[dict[str, Any]]]:
    """Validate a file set as the CLI does; return the set (None on problems) and the problems as JSON."""
    checked, problems = validate_files(files, max_bytes=max_bytes, strict=is_strict(sorted(files)))
    trees: dict[str, Any] = {}
    answer = []
    for problem in problems:
        item = problem.to_dict()
        item["element_id"] = _element_at(trees, files, problem.file, problem.line, max_bytes)
        answer.append(item)
    return checked, answer


def _element_at(trees: dict[str, Any], files: dict[str, bytes], name: str, line: int | None,
                max_bytes: int) -> str | None:
    """Return the id of the element a problem's line points at (or of its nearest ancestor with an id)."""
    if line is None or name not in files:
        return None
    if name not in trees:
        try:
            trees[name] = parse_xml(files[name], name, max_bytes)
        except XmlRefused:
            trees[name] = None
    tree = trees[name]
    if tree is None:
        return None
    for element in tree.getroot().iter():
        if not isinstance(element.tag, str) or element.sourceline != line:
            continue
        current = element
        while current is not None:
            # An event definition is drawn as its event: name the shape the diagram can mark.
            drawn = not current.tag.endswith("EventDefinition")
            target = current.get("bpmnElement") or (current.get("id") if drawn else None)
            if target:
                return str(target)
            current = current.getparent()
    return None


def safe_name(filename: str) -> str:
    """Return an uploaded file's own name, without any folder a browser may send."""
    return Path(filename.replace("\\", "/")).name
