"""The HTTP layer on urllib: URLs, the bearer key, JSON, timeouts, errors, optional retries."""
from __future__ import annotations

import email.utils
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPResponse
from typing import Any, Dict, Mapping, Optional

from ._errors import OpenClawError

DEFAULT_TIMEOUT = 600.0
DEFAULT_MAX_RETRY_WAIT = 60.0
Query = Optional[Mapping[str, Any]]


def retry_delay(headers: Mapping[str, str], attempt: int, now: float) -> float:
    """Seconds to wait before retrying a 429/503 reply: ``Retry-After`` (seconds or an HTTP
    date), else ``X-RateLimit-Reset`` (epoch seconds), else exponential backoff from 0.5 s."""
    retry_after = (headers.get("retry-after") or "").strip()
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            try:
                return max(0.0, email.utils.parsedate_to_datetime(retry_after).timestamp() - now)
            except (TypeError, ValueError):
                pass
    reset = headers.get("x-ratelimit-reset")
    if reset is not None:
        try:
            return max(0.0, float(reset) - now)
        except ValueError:
            pass
    return 0.5 * 2**attempt


def _lower(headers: Any) -> Dict[str, str]:
    return {k.lower(): v for k, v in headers.items()} if headers is not None else {}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects would drop or leak the Authorization header: surface them as errors instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


class Transport:
    """Sends requests for the resource classes. Not part of the public API."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        prefix: str = "/api/v1",
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = 0,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        if not base_url:
            raise ValueError("OpenClaw: base_url is required")
        if not api_key:
            raise ValueError("OpenClaw: api_key is required")
        self.base = base_url.rstrip("/") + prefix
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.headers = dict(headers or {})
        self._opener = urllib.request.build_opener(_NoRedirect)

    def url(self, path: str, query: Query = None) -> str:
        pairs = [(k, str(v).lower() if isinstance(v, bool) else str(v)) for k, v in (query or {}).items() if v is not None]
        return self.base + path + ("?" + urllib.parse.urlencode(pairs) if pairs else "")

    def json(self, method: str, path: str, *, query: Query = None, body: Any = None, headers: Optional[Mapping[str, str]] = None,
             timeout: Optional[float] = None, max_retries: Optional[int] = None) -> Any:
        """Sends a request and returns the parsed JSON reply (None for 204)."""
        res = self.send(method, path, query=query, body=body, headers=headers, timeout=timeout, max_retries=max_retries)
        with res:
            text = res.read().decode("utf-8")
            if res.status == 204 or not text:
                return None
            try:
                return json.loads(text)
            except ValueError:
                raise OpenClawError(res.status, "invalid_response", "the gateway sent a reply that is not JSON", _lower(res.headers), body=text) from None

    def send(self, method: str, path: str, *, query: Query = None, body: Any = None, headers: Optional[Mapping[str, str]] = None,
             timeout: Optional[float] = None, max_retries: Optional[int] = None, stream: bool = False) -> HTTPResponse:
        """Sends a request, retrying 429/503 when asked; returns the open 2xx response or raises."""
        retries = self.max_retries if max_retries is None else max_retries
        attempt = 0
        while True:
            try:
                return self._once(method, path, query, body, headers, timeout, stream)
            except OpenClawError as error:
                wait = retry_delay(error.headers, attempt, time.time())
                if error.status not in (429, 503) or attempt >= retries or wait > self.max_retry_wait:
                    raise
                time.sleep(wait)
                attempt += 1

    def _once(self, method: str, path: str, query: Query, body: Any, headers: Optional[Mapping[str, str]],
              timeout: Optional[float], stream: bool) -> HTTPResponse:
        all_headers = {"Accept": "text/event-stream" if stream else "application/json", "User-Agent": "openclaw-client-python/1.4.2"}
        all_headers.update(self.headers)
        all_headers.update(headers or {})
        all_headers["Authorization"] = f"Bearer {self.api_key}"
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url(path, query), data=data, headers=all_headers, method=method)
        limit = self.timeout if timeout is None else timeout
        try:
            return self._opener.open(request, timeout=limit)
        except urllib.error.HTTPError as err:
            text = err.read().decode("utf-8", "replace")
            err.close()
            raise OpenClawError.from_response(err.code, _lower(err.headers), text) from None
        except (socket.timeout, TimeoutError) as err:
            raise OpenClawError(0, "timeout", f"no response within {limit} s") from err
        except urllib.error.URLError as err:
            if isinstance(err.reason, (socket.timeout, TimeoutError)):
                raise OpenClawError(0, "timeout", f"no response within {limit} s") from err
            raise OpenClawError(0, "connection_error", f"could not reach the gateway at {self.base}: {err.reason}") from err
        except OSError as err:
            raise OpenClawError(0, "connection_error", f"could not reach the gateway at {self.base}: {err}") from err
