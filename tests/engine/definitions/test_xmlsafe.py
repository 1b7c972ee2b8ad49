"""Hardened XML parsing: no DTD, no entities, no network, no huge input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree

from engine.definitions import xmlsafe
from engine.definitions.xmlsafe import XmlRefused, parse_xml


def test_plain_xml_parses_with_lines() -> None:
    tree = parse_xml(b'<?xml version="1.0"?>\n<a>\n  <b id="x"/>\n</a>', "a.xml", 1000)
    assert isinstance(tree, etree._ElementTree)
    assert tree.getroot().find("b").sourceline == 3


def test_doctype_is_refused_with_its_line() -> None:
    with pytest.raises(XmlRefused) as caught:
        parse_xml(b'<?xml version="1.0"?>\n\n<!DOCTYPE a [<!ENTITY x "y">]>\n<a>&x;</a>', "a.xml", 1000)
    assert caught.value.line == 3
    assert "DOCTYPE" in caught.value.message


def test_utf16_doctype_is_refused() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE a [<!ENTITY x "y">]>\n<a>&x;</a>'
    data = text.encode("utf-16")
    with pytest.raises(XmlRefused, match="DOCTYPE"):
        parse_xml(data, "a.xml", 1000)


def test_parser_refuses_dtd_even_without_the_byte_scan(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("RAHASIA-SEKALI")
    monkeypatch.setattr(xmlsafe, "_scan_for_doctype", lambda data: None)
    data = (f'<!DOCTYPE a [<!ENTITY xxe SYSTEM "file://{secret}">]>\n<a>&xxe;</a>').encode()
    with pytest.raises(XmlRefused) as caught:
        parse_xml(data, "a.xml", 10_000)
    assert "RAHASIA" not in str(caught.value)
    # And the parser itself never expands the entity, whatever the caller does next.
    tree = etree.parse(io.BytesIO(data), xmlsafe._parser())
    assert "RAHASIA" not in etree.tostring(tree, encoding="unicode")


def test_oversize_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed an oversize file")

    monkeypatch.setattr(xmlsafe.etree, "parse", fail)
    with pytest.raises(XmlRefused, match="limit is 10 bytes") as caught:
        parse_xml(b"<a>" + b"x" * 20 + b"</a>", "a.xml", 10)
    assert caught.value.line is None


def test_malformed_xml_reports_the_line() -> None:
    with pytest.raises(XmlRefused) as caught:
        parse_xml(b"<a>\n<b>\n</a>", "a.xml", 1000)
    assert caught.value.line == 3
    assert caught.value.message.startswith("the file is not well-formed XML: ")


def test_empty_file_is_refused() -> None:
    with pytest.raises(XmlRefused, match="empty"):
        parse_xml(b"  \n", "a.xml", 1000)
