"""One exception hierarchy with machine-readable codes; the API and pages turn it into
`{code, message, field}` with the message in Chinese."""


class XinfangError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationFailed(XinfangError):
    code = "invalid"
    status = 422


class NotFound(XinfangError):
    code = "not_found"
    status = 404

    def __init__(self, message: str = "未找到该记录，或无权查看。", **kw):
        super().__init__(message, **kw)


class Forbidden(XinfangError):
    code = "forbidden"
    status = 403


class Unauthenticated(XinfangError):
    code = "unauthenticated"
    status = 401


class Conflict(XinfangError):
    """A stale write: the case changed since the caller read it."""

    code = "conflict"
    status = 409


class TransitionNotAllowed(XinfangError):
    code = "transition_not_allowed"
    status = 409


class GuardFailed(XinfangError):
    """A workflow guard refused the transition; the message says why."""

    code = "guard_failed"
    status = 422


class RateLimited(XinfangError):
    code = "rate_limited"
    status = 429


class ServerError(XinfangError):
    code = "server_error"
    status = 500
