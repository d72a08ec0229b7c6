"""``client.schedules``: cron-driven messages (list, get, create, update, delete, run now)."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional
from urllib.parse import quote

from .._http import Transport
from .._models import Schedule, ScheduleDetail, ScheduleList, ScheduleRunAccepted
from .._pagination import Page

_UNSET: Any = object()


def _path(schedule_id: str) -> str:
    return f"/schedules/{quote(schedule_id, safe='')}"


class Schedules:
    """Messages the gateway sends to an agent on a cron schedule."""

    def __init__(self, http: Transport) -> None:
        self._http = http

    def list(self, *, workspace: Optional[str] = None, limit: Optional[int] = None, offset: Optional[int] = None) -> Page[Schedule]:
        """Schedules of the workspaces this key can see, by id: ``.data`` of one page, or iterate for all."""

        def fetch(at: int) -> ScheduleList:
            return ScheduleList(self._http.json("GET", "/schedules", query={"workspace": workspace, "limit": limit, "offset": at}))

        return Page(fetch(offset or 0), offset or 0, fetch)

    def get(self, schedule_id: str) -> ScheduleDetail:
        """A schedule with its last run, recent runs and next ticks."""
        return ScheduleDetail(self._http.json("GET", _path(schedule_id)))

    def create(self, *, workspace: str, user_id: str, message: str, cron: str, timezone: str, id: Optional[str] = None,
               session_id: Optional[str] = None, enabled: Optional[bool] = None, deliver: Optional[Mapping[str, str]] = None) -> Schedule:
        """Creates a schedule, e.g. ``cron="0 9 * * 1-5", timezone="America/New_York"``; ``deliver={"channel": "slack", "to": "#standup"}``
        also posts each answer to a chat."""
        body: Dict[str, Any] = {"workspace": workspace, "userId": user_id, "message": message, "cron": cron, "timezone": timezone}
        for key, value in (("id", id), ("sessionId", session_id), ("enabled", enabled), ("deliver", dict(deliver) if deliver else None)):
            if value is not None:
                body[key] = value
        return Schedule(self._http.json("POST", "/schedules", body=body))

    def update(self, schedule_id: str, *, workspace: Optional[str] = None, user_id: Optional[str] = None, message: Optional[str] = None,
               cron: Optional[str] = None, timezone: Optional[str] = None, session_id: Any = _UNSET, enabled: Optional[bool] = None,
               deliver: Any = _UNSET) -> Schedule:
        """Changes only the fields given; ``session_id=None`` goes back to the user's current session, ``deliver=None`` stops
        posting answers to a chat."""
        body: Dict[str, Any] = {k: v for k, v in (("workspace", workspace), ("userId", user_id), ("message", message), ("cron", cron),
                                                  ("timezone", timezone), ("enabled", enabled)) if v is not None}
        if session_id is not _UNSET:
            body["sessionId"] = session_id
        if deliver is not _UNSET:
            body["deliver"] = dict(deliver) if deliver is not None else None
        return Schedule(self._http.json("PATCH", _path(schedule_id), body=body))

    def delete(self, schedule_id: str) -> None:
        """Deletes a schedule and stops its ticks."""
        self._http.json("DELETE", _path(schedule_id))

    def run(self, schedule_id: str) -> ScheduleRunAccepted:
        """Runs a schedule now; follow ``message_id`` with ``messages.wait`` or ``messages.resume``."""
        return ScheduleRunAccepted(self._http.json("POST", _path(schedule_id) + "/run"))
