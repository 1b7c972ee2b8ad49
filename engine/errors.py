"""Stable error types of the engine: each has a code the CLI, the web and the API can rely on."""

from __future__ import annotations

from typing import Any


class KinerjaError(Exception):
    """Base class: a refusal with a stable code, an English message and structured details."""

    code = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """Return the stable JSON form of the error."""
        return {"code": self.code, "message": self.message, **self.details}


class NotFound(KinerjaError):
    code = "not_found"


class ValidationFailed(KinerjaError):
    """A BPMN/DMN file set was refused; `problems` lists `Problem` objects."""

    code = "validation_failed"

    def __init__(self, problems: list[Any]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the process definition: "
                         + "; ".join(str(p) for p in problems[:5]), problems=problems)
        self.problems = problems

    def to_dict(self) -> dict[str, Any]:
        """Return the stable JSON form with the problems as dicts."""
        return {"code": self.code, "message": self.message,
                "problems": [p.to_dict() for p in self.problems]}


class Forbidden(KinerjaError):
    """The actor may not act on this task."""

    code = "forbidden"


class FormInvalid(KinerjaError):
    """Submitted form data failed validation; `errors` maps a field path to its list of {code, message}.

    A path names the value in error with '/' between the parts (`skp/rhk/0/iki/1/target`, a plain field
    id for a generated field); codes come from the documented set of `engine.forms.codes`. The JSON form
    (`to_dict`) lists them as `{path, code, message}` so a client can show each beside its field.
    """

    code = "form_invalid"

    def __init__(self, errors: dict[str, list[dict[str, Any]]]) -> None:
        super().__init__("form data is invalid: " + "; ".join(
            f"{field}: {e['message']}" for field, errs in errors.items() for e in errs))
        self.errors = errors

    @property
    def items(self) -> list[dict[str, Any]]:
        """Return every error as {path, code, message}, in path order."""
        return [{"path": path, "code": e["code"], "message": e["message"]}
                for path, found in self.errors.items() for e in found]

    def to_dict(self) -> dict[str, Any]:
        """Return the stable JSON form: the list of errors per field path."""
        return {"code": self.code, "message": self.message, "errors": self.items}


class Conflict(KinerjaError):
    """The task or instance changed since it was read (stale or repeated submission)."""

    code = "conflict"


class InvalidInput(KinerjaError):
    """An argument is missing or malformed (e.g. a reassignment without a reason)."""

    code = "invalid_input"


class InvalidState(KinerjaError):
    """The instance is not in a state that allows the operation (e.g. suspended, completed)."""

    code = "invalid_state"


class ScriptFailed(KinerjaError):
    """A script or expression failed while running; the instance is now in `error`."""

    code = "script_failed"
