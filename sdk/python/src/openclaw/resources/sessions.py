"""``client.sessions``: list, get, history, delete, delete_all."""
from __future__ import annotations

from typing import Optional
from urllib.parse import quote

from .._http import Transport
from .._models import DeletedSessions, Session, SessionHistory, SessionList
from .._pagination import Page


def _path(session_id: str) -> str:
    return f"/sessions/{quote(session_id, safe='')}"


class Sessions:
    """List, read and clear sessions."""

    def __init__(self, http: Transport) -> None:
        self._http = http

    def list(self, *, workspace: Optional[str] = None, user_id: Optional[str] = None, limit: Optional[int] = None,
             offset: Optional[int] = None) -> Page[Session]:
        """Sessions of the workspaces this key can see, newest activity first (``GET /sessions``):
        ``.data`` / ``.total`` of one page, or iterate for every session, page after page."""

        def fetch(at: int) -> SessionList:
            query = {"workspace": workspace, "userId": user_id, "limit": limit, "offset": at}
            return SessionList(self._http.json("GET", "/sessions", query=query))

        return Page(fetch(offset or 0), offset or 0, fetch)

    def get(self, session_id: str) -> Session:
        """One session (``GET /sessions/{id}``)."""
        return Session(self._http.json("GET", _path(session_id)))

    def history(self, session_id: str, *, limit: Optional[int] = None, offset: Optional[int] = None, workspace: Optional[str] = None) -> SessionHistory:
        """A session's messages, oldest first; ``offset`` counts back from the newest. ``workspace``:
        the session's workspace, when the key covers several that use this session id."""
        query = {"limit": limit, "offset": offset, "workspace": workspace}
        return SessionHistory(self._http.json("GET", _path(session_id) + "/history", query=query))

    def delete(self, session_id: str) -> None:
        """Clears a session (``DELETE /sessions/{id}``)."""
        self._http.json("DELETE", _path(session_id))

    def delete_all(self, *, workspace: str) -> DeletedSessions:
        """Clears every session of a workspace (``DELETE /sessions?workspace=``)."""
        return DeletedSessions(self._http.json("DELETE", "/sessions", query={"workspace": workspace}) or {})
