"""The SDK's errors: ``OpenClawError`` and a subclass per kind (HTTP status, connection, timeout,
webhook verification), so ``except RateLimitError`` works while ``error.status`` and
``error.headers`` keep working on all of them."""
from __future__ import annotations

import email.utils
import json
import time
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional, Type

from ._error_codes import ERROR_CODE_STATUS


def status_of_code(code: str) -> int:
    """The HTTP status a failure reported inside a 200 reply (a stream's error event) would have had."""
    return ERROR_CODE_STATUS.get(code, 500)


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
        """True for failures worth retrying later: 408, 409, 429, 5xx, timeouts and connection errors."""
        return self.status in (408, 409, 429) or self.status >= 500 or self.code in ("timeout", "connection_error")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, message={self.message!r})"

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
        return make_error(status, code, message, headers, field, body)


class BadRequestError(OpenClawError):
    """400: the request is invalid (``validation_error`` names the ``field``)."""


class AuthenticationError(OpenClawError):
    """401: the API key is missing, unknown or revoked."""


class PermissionDeniedError(OpenClawError):
    """403: the key lacks the permission or the workspace."""


class NotFoundError(OpenClawError):
    """404: no such resource (or one outside the key's workspaces)."""


class ConflictError(OpenClawError):
    """409: a conflict (``already_exists``, ``read_only``, …)."""


class UnprocessableEntityError(OpenClawError):
    """422: understood but refused (e.g. an ``Idempotency-Key`` reused with another body)."""


class RateLimitError(OpenClawError):
    """429: rate limited (or too many open streams)."""

    @property
    def reset_at(self) -> Optional[datetime]:
        """When the limit resets (UTC): ``X-RateLimit-Reset``, else now + ``Retry-After``; None if neither."""
        try:
            return datetime.fromtimestamp(float(self.headers["x-ratelimit-reset"]), timezone.utc)
        except (KeyError, ValueError):
            wait = parse_retry_after(self.headers.get("retry-after"), time.time())
            return None if wait is None else datetime.fromtimestamp(time.time() + wait, timezone.utc)


class InternalServerError(OpenClawError):
    """5xx: the gateway (or what is behind it) failed; ``starting`` / ``shutting_down`` are 503."""


class APIConnectionError(OpenClawError):
    """No response arrived: the network failed, or a stream broke and could not be resumed. Status 0."""


class APITimeoutError(APIConnectionError):
    """No complete response within the timeout (code ``timeout``). Status 0."""


class WebhookVerificationError(OpenClawError):
    """A webhook delivery did not verify. ``code``: ``missing_header``, ``invalid_signature``,
    ``timestamp_out_of_tolerance`` or ``invalid_payload``. Status 0."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(0, code, message)


_CLASS_OF_STATUS: Dict[int, Type[OpenClawError]] = {
    400: BadRequestError, 401: AuthenticationError, 403: PermissionDeniedError, 404: NotFoundError,
    409: ConflictError, 422: UnprocessableEntityError, 429: RateLimitError,
}


def make_error(status: int, code: str, message: str, headers: Optional[Mapping[str, str]] = None, field: Optional[str] = None,
               body: Any = None) -> OpenClawError:
    """The error of the subclass that fits its status (0: a connection error; 5xx: a server error)."""
    cls: Type[OpenClawError] = _CLASS_OF_STATUS.get(status, OpenClawError)
    if status >= 500:
        cls = InternalServerError
    elif status == 0 and code == "timeout":
        cls = APITimeoutError
    elif status == 0 and code in ("connection_error", "stream_interrupted"):
        cls = APIConnectionError
    return cls(status, code, message, headers, field, body)


def parse_retry_after(value: Optional[str], now: float) -> Optional[float]:
    """``Retry-After`` (seconds or an HTTP date) in seconds from ``now``, or None when absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError):
            return None
