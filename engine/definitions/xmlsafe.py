"""Parsing untrusted XML (uploaded BPMN/DMN files) with lxml, refusing DTDs, entities and huge input."""

from __future__ import annotations

import io
import re

from lxml import etree

# A DOCTYPE is the only way to declare entities (XXE, "billion laughs"); BPMN and DMN never need one.
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class XmlRefused(Exception):
    """A file that is not acceptable XML; `line` is where the trouble is, when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers keep state and must not be shared between threads.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_blank_text=False)


def _scan_for_doctype(data: bytes) -> None:
    """Refuse a DOCTYPE before lxml sees it, so no declared entity is ever looked at."""
    text = data
    if data[:2] in _UTF16_BOMS:
        # An ASCII scan would miss the declaration in UTF-16; decode just for the scan.
        text = data.decode("utf-16", errors="replace").encode("utf-8")
    found = _DOCTYPE.search(text)
    if found is not None:
        line = text.count(b"\n", 0, found.start()) + 1
        raise XmlRefused("the file declares a DOCTYPE or entities, which Kinerja never accepts "
                         "(BPMN and DMN files do not use them)", line)


def _check_docinfo(tree: etree._ElementTree) -> None:
    """Refuse any DTD the byte scan could not see (e.g. in an unusual encoding)."""
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise XmlRefused("the file declares a DOCTYPE or entities, which Kinerja never accepts", 1)
    for entity in tree.getroot().iter(etree.Entity):
        raise XmlRefused(f"the file uses the entity reference {entity.text}, which Kinerja never accepts",
                         entity.sourceline)


def parse_xml(data: bytes, filename: str, max_bytes: int) -> etree._ElementTree:
    """Parse untrusted XML bytes, or raise XmlRefused with a line and a plain message."""
    if len(data) > max_bytes:
        raise XmlRefused(f"the file is {len(data):,} bytes; the limit is {max_bytes:,} bytes")
    if not data.strip():
        raise XmlRefused("the file is empty")
    _scan_for_doctype(data)
    try:
        # base_url only names the document (docinfo.URL): nothing is ever resolved against it.
        tree = etree.parse(io.BytesIO(data), _parser(), base_url=filename)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        # lxml ends the message with ", line N, column M"; the Problem carries the line already.
        message = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        raise XmlRefused(f"the file is not well-formed XML: {message}", line) from None
    _check_docinfo(tree)
    return tree
