"""The OpenClaw client: one object with a namespace per API resource."""
from __future__ import annotations

from typing import Mapping, Optional

from ._http import DEFAULT_MAX_RETRY_WAIT, DEFAULT_TIMEOUT, Transport
from ._models import Health
from .resources import Messages, Schedules, Sessions, Stats, Webhooks, Workspaces


class OpenClaw:
    """Client of the OpenClaw gateway REST API.

    Args:
        base_url: the gateway, e.g. ``http://localhost:3000`` (``/api/v1`` is added).
        api_key: an ``oclaw_live_…`` key, sent as ``Authorization: Bearer``.
        timeout: seconds per request (per read for streams); default 600.
        max_retries: retries of 429 and 503 replies, waiting as ``Retry-After`` /
            ``X-RateLimit-Reset`` say; default 0 (off). Sends get an ``Idempotency-Key``.
        max_retry_wait: never wait longer than this (s) before a retry; a longer wait raises.
        prefix: API prefix, default ``/api/v1``.
        headers: extra headers for every request.

    Example::

        client = OpenClaw(base_url="http://localhost:3000", api_key=os.environ["OPENCLAW_API_KEY"])
        print(client.messages.send(workspace="team", user_id="me", message="hi").response)
    """

    def __init__(self, base_url: str, api_key: str, *, timeout: float = DEFAULT_TIMEOUT, max_retries: int = 0,
                 max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT, prefix: str = "/api/v1",
                 headers: Optional[Mapping[str, str]] = None) -> None:
        self._http = Transport(base_url, api_key, prefix=prefix, timeout=timeout, max_retries=max_retries,
                               max_retry_wait=max_retry_wait, headers=headers)
        #: Send, stream and look up messages.
        self.messages = Messages(self._http)
        #: List, read and clear sessions.
        self.sessions = Sessions(self._http)
        #: List, create and change workspaces.
        self.workspaces = Workspaces(self._http)
        #: Usage statistics.
        self.stats = Stats(self._http)
        #: Outbound webhook subscriptions and their deliveries.
        self.webhooks = Webhooks(self._http)
        #: Cron-driven messages.
        self.schedules = Schedules(self._http)

    def health(self) -> Health:
        """The gateway's health (``GET /health``)."""
        return Health(self._http.json("GET", "/health"))
