"""``client.workspaces``: list, get, create, update_allowlist, delete."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence
from urllib.parse import quote

from .._http import Transport
from .._models import Allowlist, Workspace, WorkspaceList


def _path(workspace_id: str) -> str:
    return f"/workspaces/{quote(workspace_id, safe='')}"


class Workspaces:
    """List, create and change workspaces."""

    def __init__(self, http: Transport) -> None:
        self._http = http

    def list(self) -> WorkspaceList:
        """The workspaces this key can see (``.data``)."""
        return WorkspaceList(self._http.json("GET", "/workspaces"))

    def get(self, workspace_id: str) -> Workspace:
        """One workspace."""
        return Workspace(self._http.json("GET", _path(workspace_id)))

    def create(self, *, id: str, label: Optional[str] = None, agent: Optional[str] = None, skills: Optional[Sequence[str]] = None) -> Workspace:
        """Creates a workspace; 409 ``already_exists`` when the id is taken."""
        body: Dict[str, Any] = {"id": id}
        if label is not None:
            body["label"] = label
        if agent is not None:
            body["agent"] = agent
        if skills is not None:
            body["skills"] = list(skills)
        return Workspace(self._http.json("POST", "/workspaces", body=body))

    def update_allowlist(self, workspace_id: str, *, add: Optional[Sequence[str]] = None, remove: Optional[Sequence[str]] = None) -> Allowlist:
        """Adds and removes ``channel:id`` entries, e.g. ``add=["telegram:123456789"]``."""
        body = {k: list(v) for k, v in (("add", add), ("remove", remove)) if v is not None}
        return Allowlist(self._http.json("PATCH", _path(workspace_id) + "/allowlist", body=body))

    def delete(self, workspace_id: str) -> None:
        """Deletes a workspace (config workspaces are read-only: 409)."""
        self._http.json("DELETE", _path(workspace_id))
