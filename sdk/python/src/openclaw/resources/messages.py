"""``client.messages``: send (sync or async), stream, get, wait, resume."""
from __future__ import annotations

import secrets
import time
from http.client import HTTPResponse
from typing import Any, Dict, Literal, Mapping, Optional, Union, overload
from urllib.parse import quote

from .._errors import make_error, status_of_code
from .._http import Transport
from .._models import MessageAccepted, MessageInfo, MessageResult
from .._stream import MessageStream


def _body(workspace: str, user_id: str, message: str, session_id: Optional[str], context: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    body: Dict[str, Any] = {"workspace": workspace, "userId": user_id, "message": message}
    if session_id is not None:
        body["sessionId"] = session_id
    if context is not None:
        body["context"] = dict(context)
    return body


class Messages:
    """Send, stream and look up messages."""

    def __init__(self, http: Transport) -> None:
        self._http = http

    def _idempotency_key(self, idempotency_key: Optional[str], max_retries: Optional[int]) -> Optional[str]:
        """The caller's key, else a new one when retries are on: every attempt of one send carries it."""
        retries = self._http.max_retries if max_retries is None else max_retries
        return idempotency_key or (f"sdk_{secrets.token_hex(16)}" if retries > 0 else None)

    @overload
    def send(self, *, workspace: str, user_id: str, message: str, session_id: Optional[str] = ..., context: Optional[Mapping[str, Any]] = ...,
             async_: Literal[False] = ..., callback_url: None = ..., callback_secret: None = ..., idempotency_key: Optional[str] = ..., timeout: Optional[float] = ..., max_retries: Optional[int] = ...) -> MessageResult: ...

    @overload
    def send(self, *, workspace: str, user_id: str, message: str, session_id: Optional[str] = ..., context: Optional[Mapping[str, Any]] = ...,
             async_: Literal[True], callback_url: Optional[str] = ..., callback_secret: Optional[str] = ..., idempotency_key: Optional[str] = ..., timeout: Optional[float] = ..., max_retries: Optional[int] = ...) -> MessageAccepted: ...

    def send(self, *, workspace: str, user_id: str, message: str, session_id: Optional[str] = None, context: Optional[Mapping[str, Any]] = None,
             async_: bool = False, callback_url: Optional[str] = None, callback_secret: Optional[str] = None, idempotency_key: Optional[str] = None, timeout: Optional[float] = None,
             max_retries: Optional[int] = None) -> Union[MessageResult, MessageAccepted]:
        """Sends a message and waits for the whole answer (``POST /messages``).

        ``context`` is ``{"timezone": "America/New_York", "language": "en"}``. With ``async_=True``
        it returns at once with ``message_id``, ``session_id`` and ``status`` (202): poll
        ``messages.get(id)`` or ``messages.wait(id)``. ``idempotency_key``: the same key within
        24 h returns the first result and never runs the agent twice (generated when retries are on).
        """
        body = _body(workspace, user_id, message, session_id, context)
        if async_:
            body["async"] = True
        if callback_url is not None:
            body["callbackUrl"] = callback_url
        if callback_secret is not None:
            body["callbackSecret"] = callback_secret
        data = self._http.json("POST", "/messages", body=body, idempotency_key=self._idempotency_key(idempotency_key, max_retries), timeout=timeout,
                               max_retries=max_retries)
        return MessageAccepted(data) if async_ else MessageResult(data)

    def stream(self, *, workspace: str, user_id: str, message: str, session_id: Optional[str] = None, context: Optional[Mapping[str, Any]] = None,
               idempotency_key: Optional[str] = None, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> MessageStream:
        """Streams the answer (``POST /messages/stream``). Iterate the result for token strings, or
        call ``.events()`` for every typed event. The request starts when iteration starts."""
        body = _body(workspace, user_id, message, session_id, context)
        key = self._idempotency_key(idempotency_key, max_retries)

        def open_() -> HTTPResponse:
            return self._http.send("POST", "/messages/stream", body=body, idempotency_key=key, timeout=timeout, max_retries=max_retries, stream=True)

        return MessageStream(open_, lambda mid, last: self._open_resume(mid, last, timeout))

    def resume(self, message_id: str, *, last_event_id: Optional[str] = None, timeout: Optional[float] = None) -> MessageStream:
        """Follows a message's events (``GET /messages/{id}/stream``) after ``last_event_id``, or from the start."""
        return MessageStream(lambda: self._open_resume(message_id, last_event_id, timeout),
                             lambda mid, last: self._open_resume(mid, last, timeout), message_id=message_id)

    def _open_resume(self, message_id: str, last_event_id: Optional[str], timeout: Optional[float]) -> HTTPResponse:
        headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
        return self._http.send("GET", f"/messages/{quote(message_id, safe='')}/stream", headers=headers, timeout=timeout, stream=True)

    def get(self, message_id: str) -> MessageInfo:
        """A message's status (queued, running, done, error) and, once done, its result."""
        return MessageInfo(self._http.json("GET", f"/messages/{quote(message_id, safe='')}"))

    def wait(self, message_id: str, *, poll_interval: float = 1.0, timeout: Optional[float] = None) -> MessageInfo:
        """Polls ``get`` until the message is done and returns it; raises OpenClawError if it failed
        (or, with ``timeout`` seconds given, code ``timeout`` when it is not done by then)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            info = self.get(message_id)
            if info.status == "done":
                return info
            if info.status == "error":
                code = info.error.code if info.error else "message_failed"
                raise make_error(status_of_code(code), code, info.error.message if info.error else f"message {message_id} failed", body=info.to_dict())
            if deadline is not None and time.monotonic() >= deadline:
                raise make_error(0, "timeout", f"message {message_id} is still {info.status} after {timeout} s")
            time.sleep(poll_interval)
