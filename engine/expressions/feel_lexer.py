"""Split the FEEL of DMN tables into tokens, and decode FEEL string literals."""

from __future__ import annotations

import re

from .pycode import ExpressionError, Token

__all__ = ["feel_string", "feel_tokens"]

_FEEL_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<num>\d+(?:\.\d+)?|\.\d+)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<word>[^\W\d]\w*)
  | (?P<op>\.\.|<=|>=|!=|\*\*|\S)
""", re.VERBOSE | re.DOTALL)

_FEEL_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def feel_string(token: str) -> str:
    """Return the value of a FEEL string literal, decoding its backslash escapes."""
    def decode(match: re.Match[str]) -> str:
        escape = match[1]
        if escape.startswith("u"):
            return chr(int(escape[1:], 16))
        return _FEEL_ESCAPES.get(escape, match[0])

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", decode, token[1:-1], flags=re.DOTALL)


def feel_tokens(source: str) -> list[Token]:
    """Return the tokens of a FEEL text, ending with an 'eof' token."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _FEEL_TOKEN.match(source, pos)
        assert match is not None and match.lastgroup is not None  # the \S alternative matches any character
        kind, text, pos = match.lastgroup, match[0], match.end()
        if text == '"' and kind == "op":
            raise ExpressionError(f'a string is not closed (missing ") in {source!r}')
        if text == "'" and kind == "op":
            raise ExpressionError(f'FEEL strings take double quotes ("text"), not single, in {source!r}')
        if kind != "space":
            tokens.append(Token(kind, text, match.start()))
    tokens.append(Token("eof", "", len(source)))
    return tokens
