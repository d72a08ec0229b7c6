"""A Server-Sent Events parser over a binary line source (an open HTTP response)."""
from __future__ import annotations

from typing import IO, Iterator, List, NamedTuple, Optional


class SseMessage(NamedTuple):
    """One SSE event: its ``id:`` (None when absent), ``event:`` name and joined ``data:`` lines."""

    id: Optional[str]
    event: str
    data: str


def parse_sse(source: IO[bytes]) -> Iterator[SseMessage]:
    """Yields the events of an SSE body until it ends; comments (heartbeats) are skipped."""
    data: List[str] = []
    event_id: Optional[str] = None
    event = ""
    while True:
        raw = source.readline()
        if not raw:
            break
        line = raw.decode("utf-8").rstrip("\r\n")
        if line == "":
            if data:
                yield SseMessage(event_id, event or "message", "\n".join(data))
            data, event_id, event = [], None, ""
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "data":
            data.append(value)
        elif field == "id":
            event_id = value
        elif field == "event":
            event = value
    if data:
        yield SseMessage(event_id, event or "message", "\n".join(data))
