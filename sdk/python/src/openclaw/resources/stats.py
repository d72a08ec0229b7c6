"""``client.stats``: totals and daily usage, per workspace, per user."""
from __future__ import annotations

from typing import Any, Dict, Optional

from .._http import Transport
from .._models import StatsReport, UserStatsReport, WorkspaceStatsReport


def _period(from_: Optional[str], to: Optional[str], extra: Dict[str, Any]) -> Dict[str, Any]:
    """Accepts ``from_=`` or ``**{"from": …}`` (``from`` is a Python keyword)."""
    unknown = set(extra) - {"from"}
    if unknown:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    return {"from": extra.get("from", from_), "to": to}


class Stats:
    """Usage statistics (dates ``YYYY-MM-DD``, UTC; default the last 30 days)."""

    def __init__(self, http: Transport) -> None:
        self._http = http

    def get(self, from_: Optional[str] = None, to: Optional[str] = None, **kwargs: str) -> StatsReport:
        """Usage of a period: ``client.stats.get(from_="2026-04-01", to="2026-04-30").totals.messages``."""
        return StatsReport(self._http.json("GET", "/stats", query=_period(from_, to, kwargs)))

    def workspaces(self, from_: Optional[str] = None, to: Optional[str] = None, **kwargs: str) -> WorkspaceStatsReport:
        """One totals row per workspace."""
        return WorkspaceStatsReport(self._http.json("GET", "/stats/workspaces", query=_period(from_, to, kwargs)))

    def users(self, *, workspace: str, limit: Optional[int] = None, from_: Optional[str] = None, to: Optional[str] = None, **kwargs: str) -> UserStatsReport:
        """Top users of a workspace by messages."""
        query = {"workspace": workspace, "limit": limit, **_period(from_, to, kwargs)}
        return UserStatsReport(self._http.json("GET", "/stats/users", query=query))
