"""The OpenAPI document: valid OpenAPI 3.1, and every /api/v1 route in it and nothing more, so they cannot drift."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

#: Methods Flask adds by itself to every rule.
IMPLICIT = {"HEAD", "OPTIONS"}


def routes(app: Flask) -> set[tuple[str, str]]:
    """Return every (OpenAPI path, method) the app serves under /api/v1."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            found |= {(path, method.lower()) for method in (rule.methods or set()) - IMPLICIT}
    return found


def test_the_document_is_valid_openapi_3_1_and_needs_no_token(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["paths"]["/api/v1/openapi.json"]["get"]["security"] == []


def test_every_route_is_documented_and_every_documented_operation_exists(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    served = routes(app)
    assert served - documented == set(), "routes missing from the OpenAPI document"
    assert documented - served == set(), "documented operations no route serves"
    assert ("/api/v1/tasks/{task_id}/complete", "post") in served


def test_each_operation_documents_its_errors_and_path_parameters(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if operation.get("security") != []:
                assert "401" in operation["responses"], (path, method)
            named = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert named == set(re.findall(r"\{(\w+)\}", path)), (path, method)
    complete = document["paths"]["/api/v1/tasks/{task_id}/complete"]["post"]["responses"]
    assert {"400", "403", "404", "409"} <= set(complete)
    assert complete["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def answers_as_documented(document: dict, path: str, method: str, status: int, body: object) -> None:
    """Assert that body fits the schema the document gives for (path, method, status)."""
    from jsonschema import Draft202012Validator
    schema = document["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]
    # The document is the root resource, so `#/components/schemas/...` resolves inside it.
    errors = list(Draft202012Validator({**document, **schema}).iter_errors(body))
    assert not errors, f"{method} {path} {status}: " + "; ".join(e.message for e in errors[:5])


def test_answers_fit_their_documented_schemas(app: Flask, client: FlaskClient) -> None:
    from tests.webui.api_fixtures import api_for
    from tests.webui.appraisal_fixtures import AGUS, MAYA, instance_of
    document = client.get("/api/v1/openapi.json").get_json()
    iid = instance_of(app, MAYA)
    agus, admin = api_for(app, AGUS), api_for(app, "admin")
    tasks = agus.get("/api/v1/tasks").get_json()
    answers_as_documented(document, "/api/v1/tasks", "get", 200, tasks)
    assert tasks["items"], "the appraiser has tasks at the demo's start"
    task_id = tasks["items"][0]["id"]
    answers_as_documented(document, "/api/v1/tasks/{task_id}", "get", 200,
                          agus.get(f"/api/v1/tasks/{task_id}").get_json())
    answers_as_documented(document, "/api/v1/me", "get", 200, agus.get("/api/v1/me").get_json())
    for path in ("/api/v1/instances/{instance_id}", "/api/v1/instances/{instance_id}/events"):
        answers_as_documented(document, path, "get", 200, agus.get(path.format(instance_id=iid)).get_json())
        answers_as_documented(document, path, "get", 200, admin.get(path.format(instance_id=iid)).get_json())
    answers_as_documented(document, "/api/v1/definitions", "get", 200, admin.get("/api/v1/definitions").get_json())
    refused = agus.post(f"/api/v1/tasks/{task_id}/complete", json={"skp": "bukan objek"})
    answers_as_documented(document, "/api/v1/tasks/{task_id}/complete", "post", refused.status_code,
                          refused.get_json())
    answers_as_documented(document, "/api/v1/tasks", "get", 401, client.get("/api/v1/tasks").get_json())
