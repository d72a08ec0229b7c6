"""MessageStream: what ``client.messages.stream()`` returns.

Iterate it for the answer's text (``for token in stream``) or call ``events()`` for every typed
event (token, tool_use, tool_result, done). A dropped connection is resumed from the last event
id through ``GET /messages/{id}/stream`` when the message id is known.
"""
from __future__ import annotations

import http.client
import json
from http.client import HTTPResponse
from typing import Callable, Iterator, Optional

from ._errors import OpenClawError, make_error, status_of_code
from ._http import _lower
from ._models import StreamEvent
from ._sse import parse_sse

Opener = Callable[[], HTTPResponse]
Resumer = Callable[[str, Optional[str]], HTTPResponse]


class MessageStream:
    """A streamed reply. Consume it once: iterate it (token strings) or iterate ``events()``.

    Usable as a context manager so an early ``break`` closes the connection at once::

        with client.messages.stream(workspace="team", user_id="me", message="hi") as stream:
            for event in stream.events():
                if event.type == "tool_use":
                    print("calling", event.tool, event.input)
    """

    def __init__(self, open_: Opener, resume: Optional[Resumer] = None, message_id: Optional[str] = None, max_resumes: int = 3) -> None:
        self._open = open_
        self._resume = resume
        self._max_resumes = max_resumes
        self._response: Optional[HTTPResponse] = None
        self._consumed = False
        #: The message id, once known (response headers or the done event).
        self.message_id: Optional[str] = message_id
        #: The SSE id of the last event received (resume with ``messages.resume(id, last_event_id=…)``).
        self.last_event_id: Optional[str] = None
        #: Lower-case headers of the first response, once it arrived.
        self.headers: dict = {}
        #: The done event, once received.
        self.done: Optional[StreamEvent] = None

    def __iter__(self) -> Iterator[str]:
        # Tokens already yielded cannot be taken back: a ``restart`` event (see ``events()``)
        # means the answer starts again; ``text()`` handles it.
        for event in self.events():
            if event.type == "token":
                yield event.content

    def __enter__(self) -> "MessageStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the connection (the answer still completes and is stored on the gateway)."""
        if self._response is not None:
            self._response.close()

    def text(self) -> str:
        """Reads the whole stream and returns the full answer (from the last ``restart``, if any)."""
        parts: list = []
        for event in self.events():
            if event.type == "token":
                parts.append(event.content)
            elif event.type == "restart":  # a worker died: the answer starts again
                parts.clear()
        return "".join(parts)

    def events(self) -> Iterator[StreamEvent]:
        """Every event of the stream, typed; raises OpenClawError on an ``error`` event."""
        if self._consumed:
            raise RuntimeError("MessageStream: a stream can be consumed only once")
        self._consumed = True
        return self._run()

    def _run(self) -> Iterator[StreamEvent]:
        res = self._response = self._open()
        self.headers = _lower(res.headers)
        resumes = 0
        try:
            while True:
                self.message_id = self.message_id or res.headers.get("x-message-id") or res.headers.get("x-openclaw-message-id")
                interruption: Optional[BaseException] = None
                try:
                    for sse in parse_sse(res):
                        if sse.id is not None:
                            self.last_event_id = sse.id
                        try:
                            event = StreamEvent(json.loads(sse.data))
                        except ValueError:
                            raise OpenClawError(res.status, "invalid_response", f"not a JSON event: {sse.data[:200]}", self.headers) from None
                        if event.type == "error" and event.code == "shutting_down" and self._resume is not None:
                            # The gateway is stopping: resume from the last event (another instance answers).
                            interruption = make_error(503, event.code, event.message, self.headers, body=event.to_dict())
                            break
                        if event.type == "error":
                            raise make_error(status_of_code(event.code), event.code, event.message, self.headers, body=event.to_dict())
                        if event.type == "done":
                            self.done = event
                            self.message_id = event.get("messageId", self.message_id)
                        yield event
                        if event.type == "done":
                            return
                except OpenClawError:
                    raise
                except (OSError, ValueError, http.client.HTTPException) as err:  # reset, truncated chunk
                    interruption = err
                res.close()
                if self._resume is None or not self.message_id or resumes >= self._max_resumes:
                    suffix = f" (message {self.message_id})" if self.message_id else ""
                    raise make_error(0, "stream_interrupted", f"the stream ended before its done event{suffix}", self.headers) from interruption
                resumes += 1
                res = self._response = self._resume(self.message_id, self.last_event_id)
        finally:
            if self._response is not None:
                self._response.close()

