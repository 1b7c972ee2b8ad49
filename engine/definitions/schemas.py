"""Which standard a BPMN/DMN file follows, and whether it conforms to that standard's XML Schema (XSD)."""

from __future__ import annotations

import threading
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS

from .problems import BPMN_NS, CAMUNDA_NS, Problem, bpmn

__all__ = ["file_kind", "schema_problems"]

ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
DMN12_NS = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMN12_DI_NS = "http://www.omg.org/spec/DMN/20180521/DMNDI/"
DMN11_NS = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"
#: The other DMN 1.1 namespace Camunda 7 accepts; SpiffWorkflow ships the 1.1 XSD under the first one only.
DMN11_ALT_NS = "http://www.omg.org/spec/DMN/20151101/dmn11.xsd"
DMN_NAMESPACES = (*DMN_SCHEMAS, DMN11_ALT_NS)
MAX_SCHEMA_ERRORS = 20  # per file: the first few errors say what is wrong; hundreds only bury it

_schemas: dict[str, etree.XMLSchema] = {}
_schema_lock = threading.Lock()


def file_kind(tree: Any) -> tuple[str, str | None]:
    """Return 'bpmn' or 'dmn' for the root's namespace, and a refusal message for anything else."""
    root = tree.getroot()
    qname = etree.QName(root)
    if ZEEBE_NS in root.nsmap.values():
        return "", "the file was made for Camunda 8 (zeebe); Kinerja runs Camunda 7 (Camunda Platform) files"
    if qname.namespace == BPMN_NS and qname.localname == "definitions":
        return "bpmn", None
    if qname.namespace in DMN_NAMESPACES and qname.localname == "definitions":
        if root.nsmap.get(None) != qname.namespace and root.nsmap.get("dmn") != qname.namespace:
            # SpiffWorkflow's DMN parser finds elements through the default namespace or the dmn: prefix.
            return "", "the DMN elements must use the default namespace or the prefix dmn:"
        return "dmn", None
    return "", (f"the file is neither BPMN 2.0 nor DMN 1.1-1.3 (its root element is <{qname.localname}> in "
                f"namespace '{qname.namespace or ''}')")


def _schema(namespace: str) -> etree.XMLSchema:
    """Return the XSD for a namespace, built once per process (building one costs ~15 ms)."""
    if namespace not in _schemas:
        if namespace == DMN11_ALT_NS:
            document = _dmn11_alt_schema()
        else:
            document = etree.parse(XSD_PATH if namespace == BPMN_NS else DMN_SCHEMAS[namespace])
        if namespace == DMN12_NS:
            _skip_dmn12_diagram(document)
        _schemas[namespace] = etree.XMLSchema(document)
    return _schemas[namespace]


def _dmn11_alt_schema() -> Any:
    """Return the DMN 1.1 XSD with its target namespace renamed to the dmn11.xsd spelling."""
    with open(DMN_SCHEMAS[DMN11_NS], "rb") as source:
        text = source.read().replace(DMN11_NS.encode(), DMN11_ALT_NS.encode())
    return etree.ElementTree(etree.fromstring(text))


def _skip_dmn12_diagram(document: Any) -> None:
    """Let DMN 1.2 build: SpiffWorkflow ships the DI schema as DMNDI12.xsd, so DMNDI cannot resolve."""
    xsd = "{http://www.w3.org/2001/XMLSchema}"
    for node in list(document.getroot().iter(f"{xsd}import", f"{xsd}element")):
        if node.get("namespace") == DMN12_DI_NS:
            node.getparent().remove(node)
        elif node.get("ref") == "dmndi:DMNDI":
            # The diagram part is not checked; the decision model still is.
            node.getparent().replace(node, etree.Element(f"{xsd}any", namespace=DMN12_DI_NS,
                                                         processContents="skip", minOccurs="0"))


def schema_problems(tree: Any, name: str, kind: str) -> list[Problem]:
    """Return the first MAX_SCHEMA_ERRORS ways the tree breaks the XSD of its namespace, at their lines."""
    namespace = etree.QName(tree.getroot()).namespace or ""
    # bpmn-js writes formalExpression where the schema wants messagePath; SpiffWorkflow's own validator
    # renames it the same way before validating. Put it back afterwards: the tree is handed on.
    path = f".//{bpmn('correlationPropertyRetrievalExpression')}/{bpmn('formalExpression')}"
    renamed = tree.getroot().findall(path)
    for element in renamed:
        element.tag = bpmn("messagePath")
    with _schema_lock:  # XMLSchema objects keep their error log: one validation at a time
        schema = _schema(namespace)
        valid = schema.validate(tree)
        errors = [] if valid else [(error.line, error.message) for error in schema.error_log]
    for element in renamed:
        element.tag = bpmn("formalExpression")
    label = "BPMN 2.0" if kind == "bpmn" else "DMN"
    return [Problem(name, line, f"does not follow the {label} schema: {_short(message, namespace)}")
            for line, message in errors[:MAX_SCHEMA_ERRORS]]


def _short(message: str, namespace: str) -> str:
    return message.replace(f"{{{BPMN_NS}}}", "bpmn:").replace(f"{{{namespace}}}", "").replace(
        f"{{{CAMUNDA_NS}}}", "camunda:")
