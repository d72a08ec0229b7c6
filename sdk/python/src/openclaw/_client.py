"""The OpenClaw client: one object with a namespace per API resource."""
from __future__ import annotations

from typing import Mapping, Optional

from ._http import DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_WAIT, DEFAULT_TIMEOUT, Transport
from ._models import Health
from .resources import Messages, Schedules, Sessions, Stats, Webhooks, Workspaces


class OpenClaw:
    """Client of the OpenClaw gateway REST API.

    Args:
        base_url: the gateway, e.g. ``http://localhost:3000`` (``/api/v1`` is added); default the
            ``OPENCLAW_BASE_URL`` environment variable, else ``OPENCLAW_URL``.
        api_key: an ``oclaw_live_…`` key, sent as ``Authorization: Bearer``; default ``OPENCLAW_API_KEY``.
        timeout: seconds per request (per read for streams); default 600.
        max_retries: retries after the first attempt, default 2 (0: off). Retried: connection
            errors, timeouts, 408, 409, 429 and 5xx, waiting as ``Retry-After`` /
            ``X-RateLimit-Reset`` say, else with exponential backoff and jitter. A POST is retried
            only where the gateway honours ``Idempotency-Key`` (sends and streams, which get one).
        max_retry_wait: when the gateway asks for a longer wait (s) than this, the error is raised at once.
        prefix: API prefix, default ``/api/v1``.
        headers: extra headers for every request.

    Example::

        client = OpenClaw()  # OPENCLAW_BASE_URL (or OPENCLAW_URL) and OPENCLAW_API_KEY
        print(client.messages.send(workspace="team", user_id="me", message="hi").response)
    """

    def __init__(self, base_url: Optional[str] = None, api_key: Optional[str] = None, *, timeout: float = DEFAULT_TIMEOUT,
                 max_retries: int = DEFAULT_MAX_RETRIES,
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
