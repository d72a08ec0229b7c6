"""The HTTP layer on urllib: configuration (arguments, else environment), URLs, the bearer key,
JSON, timeouts, typed errors and retries (``_retry.py``)."""
from __future__ import annotations

import json
import os
import platform
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPResponse
from typing import Any, Dict, Mapping, Optional

from ._errors import OpenClawError, make_error
from ._retry import advice_of, advised_wait, is_retryable, retry_delay
from ._version import __version__

DEFAULT_TIMEOUT = 600.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RETRY_WAIT = 60.0
USER_AGENT = f"openclaw-python/{__version__} (python/{platform.python_version()})"
Query = Optional[Mapping[str, Any]]

__all__ = ["Transport", "retry_delay", "DEFAULT_TIMEOUT", "DEFAULT_MAX_RETRIES", "DEFAULT_MAX_RETRY_WAIT"]


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
        base_url: Optional[str] = None,
        api_key: Optional[str] = None,
        prefix: str = "/api/v1",
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        base_url = base_url if base_url is not None else (os.environ.get("OPENCLAW_BASE_URL") or os.environ.get("OPENCLAW_URL"))
        api_key = api_key if api_key is not None else os.environ.get("OPENCLAW_API_KEY")
        if not base_url:
            raise ValueError("OpenClaw: base_url is required (or set OPENCLAW_BASE_URL)")
        if not api_key:
            raise ValueError("OpenClaw: api_key is required (or set OPENCLAW_API_KEY)")
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
             timeout: Optional[float] = None, max_retries: Optional[int] = None, idempotency_key: Optional[str] = None) -> Any:
        """Sends a request and returns the parsed JSON reply (None for 204)."""
        res = self.send(method, path, query=query, body=body, headers=headers, timeout=timeout, max_retries=max_retries,
                        idempotency_key=idempotency_key)
        with res:
            text = res.read().decode("utf-8")
            if res.status == 204 or not text:
                return None
            try:
                return json.loads(text)
            except ValueError:
                raise make_error(res.status, "invalid_response", "the gateway sent a reply that is not JSON", _lower(res.headers), body=text) from None

    def send(self, method: str, path: str, *, query: Query = None, body: Any = None, headers: Optional[Mapping[str, str]] = None,
             timeout: Optional[float] = None, max_retries: Optional[int] = None, stream: bool = False,
             idempotency_key: Optional[str] = None) -> HTTPResponse:
        """Sends a request, retrying what may succeed again (a POST only with ``idempotency_key``,
        which the gateway deduplicates); returns the open 2xx response or raises."""
        retries = self.max_retries if max_retries is None else max_retries
        safe = method != "POST" or idempotency_key is not None
        all_headers = dict(headers or {})
        if idempotency_key is not None:
            all_headers["Idempotency-Key"] = idempotency_key
        attempt = 0
        while True:
            try:
                return self._once(method, path, query, body, all_headers, timeout, stream)
            except OpenClawError as error:
                advice = advice_of(error)
                advised = advised_wait(advice, time.time())
                if not safe or attempt >= retries or not is_retryable(error) or (advised is not None and advised > self.max_retry_wait):
                    raise
                time.sleep(retry_delay(advice, attempt, time.time()))
                attempt += 1

    def _once(self, method: str, path: str, query: Query, body: Any, headers: Optional[Mapping[str, str]],
              timeout: Optional[float], stream: bool) -> HTTPResponse:
        all_headers = {"Accept": "text/event-stream" if stream else "application/json", "User-Agent": USER_AGENT}
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
            raise make_error(0, "timeout", f"no response within {limit} s") from err
        except urllib.error.URLError as err:
            if isinstance(err.reason, (socket.timeout, TimeoutError)):
                raise make_error(0, "timeout", f"no response within {limit} s") from err
            raise make_error(0, "connection_error", f"could not reach the gateway at {self.base}: {err.reason}") from err
        except OSError as err:
            raise make_error(0, "connection_error", f"could not reach the gateway at {self.base}: {err}") from err
