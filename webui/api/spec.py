"""The API's OpenAPI description, declared next to each route by `operation`, so code and document agree."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import bp

F = TypeVar("F", bound=Callable[..., Any])
#: Flask's `<int:task_id>` → OpenAPI's `{task_id}`.
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
#: Flask converters → the schema of the path parameter.
_PARAM_TYPES: dict[str | None, dict[str, Any]] = {"int": {"type": "integer", "minimum": 1}, None: {"type": "string"}}
#: The status codes every operation behind a token may answer, besides its own.
COMMON_ERRORS = ("401", "500")


@dataclass
class Operation:
    """One documented (path, method): what the OpenAPI document says of it."""

    method: str
    path: str
    summary: str
    tag: str
    responses: dict[str, str]
    #: JSON Schema of the JSON body (also what the route validates against, see `body.read_json`).
    body: dict[str, Any] | None = None
    #: Query parameters: name → (schema, description).
    query: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)
    #: The JSON Schema name (in components) of the 2xx answer.
    result: str | None = None
    public: bool = False
    #: Other request bodies than JSON, e.g. {"multipart/form-data": schema}.
    other_bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Path parameters: name → schema (a parameter not listed is a string).
    path_params: dict[str, dict[str, Any]] = field(default_factory=dict)


#: Every documented operation, in the order the modules declare them.
OPERATIONS: list[Operation] = []
#: Named JSON Schemas of answers and bodies (components/schemas).
SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "description": "Stable code: unauthorized, not_found, form_invalid, conflict..."},
        "message": {"type": "string", "description": "English explanation, for people."},
        "errors": {"type": "array", "description": "form_invalid: every field error.", "items": {
            "type": "object", "required": ["path", "code", "message"], "properties": {
                "path": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}},
        "problems": {"type": "array", "description": "validation_failed: the problems of the files.",
                     "items": {"type": "object"}}},
        "additionalProperties": True},
}


def openapi_path(rule: str) -> str:
    """Return the OpenAPI path of a Flask rule under the blueprint prefix."""
    return _CONVERTER.sub(r"{\2}", rule)


def document(op: Operation) -> None:
    """Add an operation to the document (a route registered some other way declares itself with this)."""
    OPERATIONS.append(op)


def operation(method: str, rule: str, summary: str, *, tag: str, responses: dict[str, str],
              body: dict[str, Any] | None = None, query: dict[str, tuple[dict[str, Any], str]] | None = None,
              result: str | None = None, public: bool = False,
              other_bodies: dict[str, dict[str, Any]] | None = None) -> Callable[[F], F]:
    """Register a view on the api blueprint for (method, rule) and describe it in the OpenAPI document."""
    def register(view: F) -> F:
        path_params = {name: _PARAM_TYPES.get(kind or None, _PARAM_TYPES[None])
                       for kind, name in _CONVERTER.findall(rule)}
        document(Operation(method.lower(), (bp.url_prefix or "") + openapi_path(rule), summary, tag, responses,
                           body, query or {}, result, public, other_bodies or {}, path_params))
        bp.add_url_rule(rule, view_func=view, methods=[method.upper()])
        return view
    return register


def _parameters(op: Operation) -> list[dict[str, Any]]:
    params = [{"name": name, "in": "path", "required": True,
               "schema": op.path_params.get(name, _PARAM_TYPES[None])}
              for name in re.findall(r"\{(\w+)\}", op.path)]
    params += [{"name": name, "in": "query", "required": False, "schema": schema, "description": text}
               for name, (schema, text) in op.query.items()]
    return params


def _responses(op: Operation) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    codes = dict(op.responses)
    if not op.public:
        codes = {**{c: _COMMON_TEXT[c] for c in COMMON_ERRORS}, **codes}
    for status, text in sorted(codes.items()):
        if status.startswith("2") and op.result:
            schema = {"$ref": f"#/components/schemas/{op.result}"}
        elif status.startswith("2"):
            schema = {"type": "object"}
        else:
            schema = {"$ref": "#/components/schemas/Error"}
        answers[status] = {"description": text, "content": {"application/json": {"schema": schema}}}
    return answers


_COMMON_TEXT = {"401": "No bearer token, or an unknown, revoked or disabled one.",
                "500": "Internal error; nothing was changed."}


def build(title: str, version: str) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of every declared operation."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        entry: dict[str, Any] = {"summary": op.summary, "operationId": f"{op.method}_{_op_name(op.path)}",
                                 "tags": [op.tag], "responses": _responses(op)}
        params = _parameters(op)
        if params:
            entry["parameters"] = params
        content = {**({"application/json": {"schema": op.body}} if op.body is not None else {}),
                   **{kind: {"schema": schema} for kind, schema in op.other_bodies.items()}}
        if content:
            entry["requestBody"] = {"required": True, "content": content}
        if op.public:
            entry["security"] = []
        paths.setdefault(op.path, {})[op.method] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version,
                 "description": "Kinerja's JSON API. Get a token with `kinerja user token NIP` and send it as "
                                "`Authorization: Bearer knj_...`. Errors are `{code, message, ...}`."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": dict(sorted(SCHEMAS.items()))},
    }


def _op_name(path: str) -> str:
    return re.sub(r"\W+", "_", path.removeprefix(bp.url_prefix or "")).strip("_") or "root"
