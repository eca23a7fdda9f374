"""One error type for everything a person can get wrong. The API renders it as JSON, the
pages as a message beside the field."""

from __future__ import annotations

from typing import Any


class JadugarError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None,
                 status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code
        if status:
            self.status = status

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        return {"error": body}


class Invalid(JadugarError):
    status = 422
    code = "invalid"


class NotFound(JadugarError):
    status = 404
    code = "not_found"


class Conflict(JadugarError):
    status = 409
    code = "conflict"


class Unauthorized(JadugarError):
    status = 401
    code = "unauthorized"


class Forbidden(JadugarError):
    status = 403
    code = "forbidden"


class Unavailable(JadugarError):
    status = 503
    code = "database_unavailable"
