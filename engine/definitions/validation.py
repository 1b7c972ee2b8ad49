"""Checking a set of BPMN/DMN files the way deploy does, collecting every problem with its file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.definitions.checks.assignment import called_initiators
from engine.definitions.checks.bpmn import check_bpmn
from engine.definitions.checks.dmn import check_dmn
from engine.definitions.checks.mappings import check_mappings
from engine.definitions.checks.tasks import check_tasks, unstorable_problems
from engine.definitions.parsing.activiti import adopt_activiti
from engine.definitions.parsing.parser import KinerjaParser
from engine.definitions.parsing.performers import adopt_performers
from engine.definitions.parsing.tasks import calls_java, is_external
from engine.elements.decisions.task import MAPPINGS

from .dialect import translate_bpmn, translate_dmn
from .problems import Problem, bpmn, camunda, describe
from .schemas import file_kind, schema_problems
from .xmlsafe import XmlRefused, parse_xml

__all__ = ["Problem", "ValidatedSet", "read_paths", "validate"]


@dataclass
class ValidatedSet:
    """A file set that passed every check, with the parser that deploy takes the specs from."""

    parser: KinerjaParser
    files: dict[str, str] = field(repr=False)
    process_ids: list[str]
    process_names: dict[str, str | None]
    process_files: dict[str, str] = field(default_factory=dict)
    calls: dict[str, list[str]] = field(default_factory=dict)
    decision_refs: dict[str, list[str]] = field(default_factory=dict)
    decision_files: dict[str, str] = field(default_factory=dict)

    def file_of(self, process_id: str) -> str:
        """Return the name of the file that defines a process."""
        return self.process_files[process_id]

    def files_for(self, process_id: str) -> list[str]:
        """Return the files a process needs: its own, those of the processes it calls, and their DMN files."""
        seen: set[str] = set()
        pending = [process_id]
        while pending:
            current = pending.pop()
            if current not in seen and current in self.process_files:
                seen.add(current)
                pending += self.calls.get(current, [])
        names = {self.process_files[pid] for pid in seen}
        names |= {self.decision_files[ref] for pid in seen for ref in self.decision_refs.get(pid, [])
                  if ref in self.decision_files}
        return sorted(names)


def read_paths(paths: list[str]) -> dict[str, bytes]:
    """Read BPMN/DMN files; a directory gives its *.bpmn/*.dmn files (recursively) keyed by relative path."""
    files: dict[str, bytes] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = [(item.relative_to(path).as_posix(), item) for item in sorted(path.rglob("*"))
                     if item.is_file() and item.suffix.lower() in (".bpmn", ".dmn")]
        else:
            found = [(path.name, path)]
        for key, item in found:
            if key in files:
                raise ValueError(f"two files would both be named '{key}'; deploy them separately")
            files[key] = item.read_bytes()
    return files


def validate(files: dict[str, bytes], max_bytes: int = 5 * 1024 * 1024, *,
             strict: bool = False) -> tuple[ValidatedSet | None, list[Problem]]:
    """Check a set of BPMN/DMN files the way deploy does; the set is None when any problem was found.

    `strict` is the profile of the appraisal processes: every user task must name who works on it.
    """
    if not files:
        return None, [Problem("(no files)", None, "no BPMN or DMN file was given")]
    trees, kinds, originals, problems = _load(files, max_bytes)
    for name in sorted(trees):
        if kinds[name] == "bpmn":
            problems += adopt_activiti(trees[name], name)  # the legacy namespace Camunda 7 still reads
            problems += adopt_performers(trees[name], name)  # humanPerformer, potentialOwner
    # A file refused as XML or by the schema: SpiffWorkflow's view of the rest would be misleading.
    complete = not problems
    index = _Index(trees, kinds)
    problems += index.problems
    runnable = index.runnable()
    dmn_problems: list[Problem] = []
    for name, tree in trees.items():
        if kinds[name] == "bpmn":
            problems += translate_bpmn(tree, name) + check_bpmn(tree, name, runnable, strict)
            problems += check_tasks(tree, name, runnable)
            problems += check_mappings(tree, name, runnable)
        else:
            dmn_problems += translate_dmn(tree, name) + check_dmn(tree, name)
    problems += dmn_problems
    # SpiffWorkflow reads a business rule task's decisions while building the process: a DMN file
    # refused above would make it fail at the task with an unhelpful message.
    readable = complete and not dmn_problems
    problems += index.reference_problems(runnable)
    problems += called_initiators(index.processes, index.calls, index.process_files)
    if not index.executable and complete:
        problems.append(Problem(min(trees), None, "none of the files defines an executable process "
                                "(tick 'Executable' in the modeler's process properties)"))
    parser = KinerjaParser()
    if readable:
        problems += _new_only(problems, _parse_with_spiff(parser, trees, kinds, index, runnable))
    problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.message))
    if problems:
        return None, problems
    return ValidatedSet(parser=parser, files=originals, process_ids=index.executable,
                        process_names={pid: index.names[pid] for pid in index.executable},
                        process_files=index.process_files, calls=index.calls,
                        decision_refs=index.decision_refs, decision_files=index.decision_files), []


def _load(files: dict[str, bytes], max_bytes: int) -> tuple[dict[str, Any], dict[str, str], dict[str, str],
                                                           list[Problem]]:
    """Parse and schema-check each file; return trees, kinds ('bpmn'/'dmn'), original texts and problems."""
    trees: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    originals: dict[str, str] = {}
    problems: list[Problem] = []
    for name in sorted(files):
        try:
            tree = parse_xml(files[name], name, max_bytes)
        except XmlRefused as exc:
            problems.append(Problem(name, exc.line, exc.message))
            continue
        kind, refusal = file_kind(tree)
        if refusal:
            problems.append(Problem(name, tree.getroot().sourceline, refusal))
            continue
        problems += schema_problems(tree, name, kind)
        trees[name], kinds[name] = tree, kind
        originals[name] = _decode(files[name], tree)
    return trees, kinds, originals, problems


def _decode(data: bytes, tree: Any) -> str:
    encoding = (tree.docinfo.encoding or "utf-8").lower()
    return data.decode("utf-8-sig" if encoding in ("utf-8", "utf8") else encoding, errors="replace")


def _new_only(earlier: list[Problem], found: list[Problem]) -> list[Problem]:
    """Drop SpiffWorkflow's reports of what Kinerja's own checks already explained on the same line."""
    lines = {(p.file, p.line) for p in earlier}
    files = {p.file for p in earlier}
    return [p for p in found if (p.file, p.line) not in lines and not (p.line is None and p.file in files)]


class _Index:
    """Processes, decisions, calls and decision references of a file set."""

    def __init__(self, trees: dict[str, Any], kinds: dict[str, str]) -> None:
        self.problems: list[Problem] = []
        self.process_files: dict[str, str] = {}
        self.processes: dict[str, Any] = {}
        self.names: dict[str, str | None] = {}
        self.executable: list[str] = []
        self.calls: dict[str, list[str]] = {}
        self.decision_refs: dict[str, list[str]] = {}
        self.decision_files: dict[str, str] = {}
        for name, tree in trees.items():
            root = tree.getroot()
            if kinds[name] == "dmn":
                for decision in root.findall(f"{{{etree.QName(root).namespace}}}decision"):
                    self._add(self.decision_files, decision, name, "decision")
                continue
            for process in root.findall(bpmn("process")):
                if not self._add(self.process_files, process, name, "process"):
                    continue
                pid = process.get("id")
                self.processes[pid] = process
                self.names[pid] = process.get("name")
                # A missing isExecutable counts as true, as SpiffWorkflow reads it.
                if process.get("isExecutable", "true") == "true":
                    self.executable.append(pid)
                self.calls[pid] = [c.get("calledElement", "") for c in process.iter(bpmn("callActivity"))]
                self.decision_refs[pid] = [t.get(camunda("decisionRef"), "")
                                           for t in process.iter(bpmn("businessRuleTask")) if not is_external(t)]

    def _add(self, index: dict[str, str], element: Any, name: str, what: str) -> bool:
        key = element.get("id")
        if key in index:
            self.problems.append(Problem(name, element.sourceline, f"{what} '{key}' is also defined in "
                                         f"{index[key]}; ids must be unique across the files deployed "
                                         "together"))
            return False
        index[key] = name
        return True

    def runnable(self) -> set[str]:
        """Return the executable processes and every process they call, directly or not."""
        seen: set[str] = set()
        pending = list(self.executable)
        while pending:
            pid = pending.pop()
            if pid not in seen and pid in self.processes:
                seen.add(pid)
                pending += self.calls[pid]
        return seen

    def reference_problems(self, runnable: set[str]) -> list[Problem]:
        """Return problems with call activities and business rule tasks of the processes that can run."""
        problems = []
        for pid in sorted(runnable):
            file = self.process_files[pid]
            for call in self.processes[pid].iter(bpmn("callActivity")):
                called = (call.get("calledElement") or "").strip()
                if not called:
                    problems.append(Problem(file, call.sourceline,
                                            f"{describe(call)} names no process to call"))
                elif called not in self.processes:
                    problems.append(Problem(file, call.sourceline, f"{describe(call)} calls process "
                                            f"'{called}', which is defined in none of the files"))
            for task in self.processes[pid].iter(bpmn("businessRuleTask")):
                # An external one is done by a worker; a Java one is refused by the task checks.
                if not is_external(task) and not calls_java(task):
                    problems += self._decision_problems(task, file)
        return problems

    def _decision_problems(self, task: Any, file: str) -> list[Problem]:
        what, line = describe(task), task.sourceline
        ref = (task.get(camunda("decisionRef")) or "").strip()
        if not ref:
            return [Problem(file, line, f"{what} names no decision (set its Decision reference)")]
        problems = []
        if ref not in self.decision_files:
            problems.append(Problem(file, line, f"{what} uses decision '{ref}', which is defined in none "
                                    "of the DMN files"))
        mapping = task.get(camunda("mapDecisionResult"))
        if mapping is not None and mapping not in MAPPINGS:
            problems.append(Problem(file, line, f"{what} maps the decision result with '{mapping}'; use "
                                    f"one of {', '.join(MAPPINGS)}"))
        binding = task.get(camunda("decisionRefBinding"))
        if (binding and binding != "latest") or task.get(camunda("decisionRefVersion")) \
                or task.get(camunda("decisionRefVersionTag")):
            problems.append(Problem(file, line, f"{what} asks for a particular version of decision "
                                    f"'{ref}'; Kinerja always uses the one deployed with the process "
                                    "(binding 'latest')"))
        return problems


def _parse_with_spiff(parser: KinerjaParser, trees: dict[str, Any], kinds: dict[str, str], index: _Index,
                      runnable: set[str]) -> list[Problem]:
    """Add every tree to the parser and build each executable process's spec; return what it refused."""
    for pid in runnable - set(index.executable):
        # A non-executable process that is only called: SpiffWorkflow refuses to build a spec for it.
        index.processes[pid].set("isExecutable", "true")
    problems = []
    for name in sorted(trees):
        try:
            if kinds[name] == "bpmn":
                parser.add_bpmn_xml(trees[name], filename=name)
            else:
                parser.add_dmn_xml(trees[name].getroot(), filename=name)
        except Exception as exc:  # the parser raises KeyError etc. for foreign extensions
            problems.append(_spiff_problem(exc, name, trees))
    if problems:
        return problems  # a file the parser could not take would make every later error misleading
    for dmn_parser in parser.dmn_parsers.values():
        try:
            dmn_parser.parse()  # a decision no task uses is still parsed, so its errors are found now
        except Exception as exc:
            problems.append(_spiff_problem(exc, dmn_parser.filename, trees))
    for pid in index.executable:
        try:
            spec = parser.get_spec(pid)
            subprocess_specs = parser.get_subprocess_specs(pid)
        except Exception as exc:
            problems.append(_spiff_problem(exc, index.process_files[pid], trees))
            continue
        # Deploy stores what validation accepts: an element without a serializer is refused here.
        problems += unstorable_problems([spec, *subprocess_specs.values()], trees, index.process_files[pid])
    return problems


def _spiff_problem(exc: Exception, default_file: str, trees: dict[str, Any]) -> Problem:
    """Turn a parser exception into a Problem at the offending element's line in the original file."""
    message = str(exc.args[0]) if exc.args else type(exc).__name__
    if not isinstance(exc, ValidationException):
        return Problem(default_file, None,
                       f"SpiffWorkflow cannot read the file ({type(exc).__name__}: {message})")
    file = exc.file_name if exc.file_name in trees else default_file
    element = _find(trees.get(file), exc.id) if exc.id else None
    missing = re.match(r"The process '([^']*)' was not found", message)
    if element is None and missing:
        # Raised without a node: point at the call activity that names the missing process.
        for name in sorted(trees):
            for call in trees[name].getroot().iter(bpmn("callActivity")):
                if call.get("calledElement") == missing[1]:
                    return Problem(name, call.sourceline, f"{describe(call)} calls process '{missing[1]}', "
                                   "which SpiffWorkflow cannot find")
    if element is not None:
        return Problem(file, element.sourceline, f"{describe(element)}: {message}")
    line = exc.line_number if isinstance(exc.line_number, int) else None
    return Problem(file, line, message)


def _find(tree: Any, element_id: str) -> Any:
    if tree is None:
        return None
    return next((element for element in tree.getroot().iter()
                 if isinstance(element.tag, str) and element.get("id") == element_id), None)
