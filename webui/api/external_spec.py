"""The OpenAPI description of the external-task routes, declared as data and added to the API's document."""

from __future__ import annotations

from typing import Any

from .spec import SCHEMAS, Operation, document

TAG = "External tasks (Camunda 7)"
_MS = {"type": "integer", "minimum": 0, "description": "Milliseconds."}
_TYPED = {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/CamundaVariable"},
          "description": "{name: {value, type, valueInfo}}"}
_WORKER = {"type": "string", "minLength": 1}
_FLAG = {"type": "boolean"}

#: Named JSON Schemas (components/schemas) the operations refer to.
EXTERNAL_SCHEMAS: dict[str, dict[str, Any]] = {
    "CamundaVariable": {"type": "object", "properties": {
        "value": {}, "type": {"type": "string", "enum": [
            "String", "Integer", "Long", "Short", "Double", "Boolean", "Date", "Json", "Object", "Null"]},
        "valueInfo": {"type": "object"}}},
    "CamundaError": {"type": "object", "required": ["type", "message"], "properties": {
        "type": {"type": "string"}, "message": {"type": "string"}, "code": {"type": "integer"}}},
    "ExternalTask": {"type": "object", "properties": {
        name: {"type": ["string", "null"]} for name in (
            "activityId", "activityInstanceId", "errorMessage", "executionId", "id", "lockExpirationTime",
            "createTime", "processDefinitionId", "processDefinitionKey", "processDefinitionVersionTag",
            "processInstanceId", "tenantId", "workerId", "topicName", "businessKey", "errorDetails")} | {
        "retries": {"type": ["integer", "null"]}, "priority": {"type": "integer"}, "suspended": _FLAG,
        "variables": _TYPED, "extensionProperties": {"type": "object"}}},
    "ExternalTaskList": {"type": "array", "items": {"$ref": "#/components/schemas/ExternalTask"}},
    "ExternalTaskCount": {"type": "object", "properties": {"count": {"type": "integer"}}},
}

_FETCH = {"type": "object", "required": ["workerId", "maxTasks"], "properties": {
    "workerId": _WORKER, "maxTasks": {"type": "integer", "minimum": 0}, "usePriority": _FLAG,
    "asyncResponseTimeout": {"type": "integer", "minimum": 0, "maximum": 1_800_000},
    "topics": {"type": "array", "items": {"type": "object", "required": ["topicName", "lockDuration"],
                                          "properties": {"topicName": {"type": "string"},
                                                         "lockDuration": {"type": "integer", "minimum": 1},
                                                         "variables": {"type": ["array", "null"],
                                                                       "items": {"type": "string"}}}}}}}
_QUERY = {name: (schema, description) for name, schema, description in (
    ("externalTaskId", {"type": "string"}, "Only this task."),
    ("topicName", {"type": "string"}, "Only tasks of this topic."),
    ("workerId", {"type": "string"}, "Only tasks locked by this worker."),
    ("locked", _FLAG, "Only tasks with a lock that has not expired."),
    ("notLocked", _FLAG, "Only tasks free to fetch."),
    ("withRetriesLeft", _FLAG, "Only tasks without an incident."),
    ("noRetriesLeft", _FLAG, "Only tasks whose retries ran out (an incident)."),
    ("processInstanceId", {"type": "string"}, "Only tasks of this instance."),
    ("activityId", {"type": "string"}, "Only tasks of this BPMN element."),
    ("priorityHigherThanOrEquals", {"type": "integer"}, "Lowest priority."),
    ("priorityLowerThanOrEquals", {"type": "integer"}, "Highest priority."))}
_PAGE = {"firstResult": ({"type": "integer", "minimum": 0}, "Skip this many."),
         "maxResults": ({"type": "integer", "minimum": 0, "maximum": 1000}, "At most this many.")}
_ACTED = {"204": "Done.", "400": "Not locked by this worker, lock expired, or a wrong body.",
          "403": "Not an external_worker token.", "404": "No open task with this id."}

#: (method, Camunda path, Kinerja path, summary, responses, body schema, query, result schema)
_ROUTES: list[tuple[str, str, str, str, dict[str, str], dict[str, Any] | None, dict[str, Any], str | None]] = [
    ("post", "/fetchAndLock", "/fetch-and-lock", "Fetch and lock tasks of topics for a worker",
     {"200": "The locked tasks with their variables.", "400": "A wrong body.", "403": "Not an external_worker token."},
     _FETCH, {}, "ExternalTaskList"),
    ("post", "/{task_id}/complete", "/{task_id}/complete", "Complete a locked task with variables", _ACTED,
     {"type": "object", "required": ["workerId"], "properties": {
         "workerId": _WORKER, "variables": _TYPED, "localVariables": _TYPED}}, {}, None),
    ("post", "/{task_id}/failure", "/{task_id}/failure", "Report a failure; retries 0 makes an incident", _ACTED,
     {"type": "object", "required": ["workerId"], "properties": {
         "workerId": _WORKER, "errorMessage": {"type": "string"}, "errorDetails": {"type": "string"},
         "retries": {"type": "integer", "minimum": 0}, "retryTimeout": _MS}}, {}, None),
    ("post", "/{task_id}/bpmnError", "/{task_id}/bpmn-error", "Throw a BPMN error to the boundary event", _ACTED,
     {"type": "object", "required": ["workerId", "errorCode"], "properties": {
         "workerId": _WORKER, "errorCode": {"type": "string"}, "errorMessage": {"type": "string"},
         "variables": _TYPED}}, {}, None),
    ("post", "/{task_id}/extendLock", "/{task_id}/extend-lock", "Extend the worker's lock", _ACTED,
     {"type": "object", "required": ["workerId", "newDuration"], "properties": {
         "workerId": _WORKER, "newDuration": {"type": "integer", "minimum": 1}}}, {}, None),
    ("post", "/{task_id}/unlock", "/{task_id}/unlock", "Release a task's lock", _ACTED, None, {}, None),
    ("get", "", "", "List open external tasks", {"200": "The tasks.", "400": "A wrong query parameter.",
                                                 "403": "Not an external_worker token."},
     None, {**_QUERY, **_PAGE}, "ExternalTaskList"),
    ("get", "/count", "/count", "Count open external tasks", {"200": "The count.", "400": "A wrong query parameter.",
                                                               "403": "Not an external_worker token."},
     None, _QUERY, "ExternalTaskCount"),
    ("get", "/{task_id}", "/{task_id}", "Read one open external task",
     {"200": "The task.", "403": "Not an external_worker token.", "404": "No open task with this id."},
     None, {}, "ExternalTask"),
    ("get", "/{task_id}/errorDetails", "/{task_id}/error-details", "Read the last failure's details (text)",
     {"200": "The details, as text.", "204": "No details were reported.", "403": "Not an external_worker token.",
      "404": "No open task with this id."}, None, {}, None),
]


def external_operations(prefix: str = "/api/v1") -> list[dict[str, Any]]:
    """Return each (path, method) of the external-task routes, both spellings, as OpenAPI operation data."""
    found = []
    for method, camunda, plural, summary, responses, body, query, result in _ROUTES:
        for base, path in (("/external-task", camunda), ("/external-tasks", plural)):
            found.append({"method": method, "path": f"{prefix}{base}{path}", "summary": summary, "tag": TAG,
                          "responses": responses, "body": body, "query": query, "result": result,
                          "path_params": {"task_id": {"type": "string"}} if "{task_id}" in path else {}})
    return found


def register() -> None:
    """Add the external-task operations and their schemas to the API's OpenAPI document."""
    SCHEMAS.update(EXTERNAL_SCHEMAS)
    for op in external_operations():
        document(Operation(**op))


register()
