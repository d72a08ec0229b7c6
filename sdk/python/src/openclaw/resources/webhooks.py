"""``client.webhooks``: subscriptions (CRUD), deliveries, redeliver, test ping."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence
from urllib.parse import quote

from .._http import Transport
from .._models import RedeliverSinceResult, WebhookDelivery, WebhookDeliveryDetail, WebhookDeliveryList, WebhookList, WebhookSubscription, WebhookWithSecret
from .._pagination import Page
from .._events import AnyWebhookEvent
from .._webhook import RawBody, unwrap_webhook


_UNSET: Any = object()


def _path(webhook_id: str) -> str:
    return f"/webhooks/{quote(webhook_id, safe='')}"


def _given(**fields: Any) -> Dict[str, Any]:
    return {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in fields.items() if v is not None}


class Webhooks:
    """Outbound webhook subscriptions and their deliveries."""

    def __init__(self, http: Transport) -> None:
        self._http = http

    def create(self, *, url: str, events: Sequence[str], secret: Optional[str] = None, workspaces: Optional[Sequence[str]] = None,
               description: Optional[str] = None, retries: Optional[int] = None, timeout_ms: Optional[int] = None) -> WebhookWithSecret:
        """Subscribes a URL; the reply carries ``secret`` once when the gateway generated it."""
        body = _given(url=url, events=events, secret=secret, workspaces=workspaces, description=description, retries=retries, timeoutMs=timeout_ms)
        return WebhookWithSecret(self._http.json("POST", "/webhooks", body=body))

    def list(self, *, limit: Optional[int] = None, offset: Optional[int] = None) -> Page[WebhookSubscription]:
        """Subscriptions this key can see, oldest first, config ones included: ``.data`` of one page, or iterate for all."""

        def fetch(at: int) -> WebhookList:
            return WebhookList(self._http.json("GET", "/webhooks", query={"limit": limit, "offset": at}))

        return Page(fetch(offset or 0), offset or 0, fetch)

    def get(self, webhook_id: str) -> WebhookSubscription:
        """One subscription."""
        return WebhookSubscription(self._http.json("GET", _path(webhook_id)))

    def update(self, webhook_id: str, *, url: Optional[str] = None, events: Optional[Sequence[str]] = None, workspaces: Any = _UNSET,
               description: Any = _UNSET, enabled: Optional[bool] = None, rotate_secret: Optional[bool] = None, retries: Optional[int] = None,
               timeout_ms: Optional[int] = None) -> WebhookWithSecret:
        """Changes only the fields given, or rotates the secret (``rotate_secret=True``: the new one is
        in the reply, once). ``workspaces=None`` / ``description=None`` clear them."""
        body = _given(url=url, events=events, enabled=enabled, rotateSecret=rotate_secret, retries=retries, timeoutMs=timeout_ms)
        if workspaces is not _UNSET:
            body["workspaces"] = None if workspaces is None else list(workspaces)
        if description is not _UNSET:
            body["description"] = description
        return WebhookWithSecret(self._http.json("PATCH", _path(webhook_id), body=body))

    def delete(self, webhook_id: str) -> None:
        """Deletes a subscription (its pending deliveries are cancelled)."""
        self._http.json("DELETE", _path(webhook_id))

    def deliveries(self, webhook_id: str, *, limit: Optional[int] = None, offset: Optional[int] = None) -> Page[WebhookDelivery]:
        """Deliveries, newest first: ``.data`` / ``.total`` of one page, or iterate for all."""

        def fetch(at: int) -> WebhookDeliveryList:
            return WebhookDeliveryList(self._http.json("GET", _path(webhook_id) + "/deliveries", query={"limit": limit, "offset": at}))

        return Page(fetch(offset or 0), offset or 0, fetch)

    def delivery(self, webhook_id: str, delivery_id: str) -> WebhookDeliveryDetail:
        """One delivery with its payload and every attempt."""
        return WebhookDeliveryDetail(self._http.json("GET", f"{_path(webhook_id)}/deliveries/{quote(delivery_id, safe='')}"))

    def redeliver(self, webhook_id: str, delivery_id: str) -> WebhookDelivery:
        """Sends a logged delivery again: same payload and event id, new delivery id."""
        return WebhookDelivery(self._http.json("POST", f"{_path(webhook_id)}/deliveries/{quote(delivery_id, safe='')}/redeliver"))

    def redeliver_since(self, webhook_id: str, *, since: str, limit: Optional[int] = None) -> RedeliverSinceResult:
        """Replays every failed delivery created since ``since`` (RFC 3339), oldest first; page with ``next_since``."""
        return RedeliverSinceResult(self._http.json("POST", _path(webhook_id) + "/redeliver", body=_given(since=since, limit=limit)))

    def unwrap(self, raw_body: RawBody, headers: Mapping[str, str], secret: str, *, tolerance_seconds: float = 300) -> AnyWebhookEvent:
        """Verifies a delivery you received (Standard Webhooks headers; the signature covers id,
        timestamp and body; the timestamp within ``tolerance_seconds``) and returns its typed event.
        Raises ``WebhookVerificationError``. Needs no request to the gateway; see ``unwrap_webhook``."""
        return unwrap_webhook(raw_body, headers, secret, tolerance_seconds=tolerance_seconds)

    def test(self, webhook_id: str) -> WebhookDelivery:
        """Sends a ``ping`` event to the subscription; returns the queued delivery."""
        return WebhookDelivery(self._http.json("POST", _path(webhook_id) + "/test"))
