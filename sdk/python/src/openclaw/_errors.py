"""The one error class of the SDK: HTTP errors, stream ``error`` events, timeouts, network failures."""
from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional

_STATUS_OF_CODE = {"upstream_error": 502, "timeout": 504, "message_timeout": 504, "unavailable": 503}


def status_of_code(code: str) -> int:
    """The HTTP status a failure reported inside a 200 reply (a stream's error event) would have had."""
    return _STATUS_OF_CODE.get(code, 500)


class OpenClawError(Exception):
    """An error from the OpenClaw API or from talking to it.

    Attributes:
        status: HTTP status; 0 when no response arrived (network error, timeout).
        code: stable machine-readable code, e.g. ``rate_limited``, ``invalid_api_key``, ``timeout``.
        message: what went wrong, for humans.
        headers: response headers with lower-case names, e.g. ``headers["x-ratelimit-reset"]``.
        request_id: the gateway's ``X-Request-Id`` for this request, or None.
        field: the request field at fault (validation errors), or None.
        body: the parsed error body, if any.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: Optional[Mapping[str, str]] = None,
        field: Optional[str] = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers: Dict[str, str] = {k.lower(): v for k, v in (headers or {}).items()}
        self.request_id: Optional[str] = self.headers.get("x-request-id")
        self.field = field
        self.body = body

    @property
    def retryable(self) -> bool:
        """True for failures worth retrying later: 429, 503, timeouts and connection errors."""
        return self.status in (429, 503) or self.code in ("timeout", "connection_error")

    def __repr__(self) -> str:
        return f"OpenClawError(status={self.status}, code={self.code!r}, message={self.message!r})"

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    @classmethod
    def from_response(cls, status: int, headers: Mapping[str, str], text: str) -> "OpenClawError":
        """Builds the error for a non-2xx reply from its status, headers and body text."""
        code, message, field, body = f"http_{status}", text[:500] or f"HTTP {status}", None, text
        try:
            body = json.loads(text)
            err = body.get("error") if isinstance(body, dict) else None
            if isinstance(err, dict):
                code = err.get("code") if isinstance(err.get("code"), str) else code
                message = err.get("message") if isinstance(err.get("message"), str) else message
                field = err.get("field") if isinstance(err.get("field"), str) else None
        except ValueError:
            pass
        return cls(status, code, message, headers, field, body)
