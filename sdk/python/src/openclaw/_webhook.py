"""Webhook verification, two ways:

- ``unwrap_webhook`` (``client.webhooks.unwrap``), recommended: checks the Standard Webhooks
  headers (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``), whose signature covers
  the id and the timestamp, refuses timestamps outside a tolerance (replays), and returns the
  typed event.
- ``verify_webhook``: the contract's boolean check of ``X-OpenClaw-Signature: sha256=<hex HMAC-SHA256
  of the raw body>``. It does not see the timestamp, so a captured delivery verifies forever.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from typing import Mapping, Optional, Union

from ._errors import WebhookVerificationError
from ._events import EVENT_CLASSES, AnyWebhookEvent, WebhookEvent

RawBody = Union[bytes, bytearray, memoryview, str]

# whsec_ + canonical base64 of 24 to 64 bytes: the Standard Webhooks form (the gateway generates 32).
_STANDARD_SECRET = re.compile(r"^whsec_((?:[A-Za-z0-9+/]{4}){8,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$")


def _bytes(value: RawBody) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _standard_key(secret: str) -> bytes:
    """The HMAC key of ``webhook-signature``, as the gateway derives it: a ``whsec_<base64>`` secret
    is its decoded bytes; any other secret (chosen by you, or ``oclaw_whsec_…``) its UTF-8 bytes."""
    match = _STANDARD_SECRET.match(secret)
    if match:
        decoded = base64.b64decode(match.group(1))
        if 24 <= len(decoded) <= 64:
            return decoded
    return secret.encode("utf-8")


def sign_standard_webhook(raw_body: RawBody, webhook_id: str, secret: str, timestamp: Optional[int] = None) -> str:
    """The ``webhook-signature`` value for a delivery (for tests of your own receiver); ``timestamp`` defaults to now."""
    ts = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(_standard_key(secret), f"{webhook_id}.{ts}.".encode("utf-8") + _bytes(raw_body), hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode("ascii")


def unwrap_webhook(raw_body: RawBody, headers: Mapping[str, str], secret: str, *, tolerance_seconds: float = 300) -> AnyWebhookEvent:
    """Verifies a delivery's Standard Webhooks headers and returns its typed event. Raises
    ``WebhookVerificationError`` (``missing_header``, ``timestamp_out_of_tolerance``,
    ``invalid_signature``, ``invalid_payload``): answer 400/401 and do not process the body. Any of
    several space-separated ``v1,`` signatures may match. Still de-duplicate on ``event.id``.

    Flask::

        try:
            event = client.webhooks.unwrap(request.get_data(), request.headers, os.environ["WEBHOOK_SECRET"])
        except WebhookVerificationError:
            abort(401)
        if event.event == "message.sent":
            print(event.data.response)
    """
    if not isinstance(raw_body, (bytes, bytearray, memoryview, str)):
        raise WebhookVerificationError("invalid_payload", "pass the raw body (bytes or str), not parsed JSON")
    if not secret:
        raise ValueError("unwrap: the webhook secret is required")
    lower = {k.lower(): v for k, v in headers.items()}
    webhook_id, timestamp, signatures = lower.get("webhook-id"), lower.get("webhook-timestamp"), lower.get("webhook-signature")
    if not webhook_id or not timestamp or not signatures:
        raise WebhookVerificationError("missing_header", "missing webhook-id, webhook-timestamp or webhook-signature header")
    timestamp = timestamp.strip()
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance_seconds:
        raise WebhookVerificationError("timestamp_out_of_tolerance",
                                       f"webhook-timestamp is more than {tolerance_seconds} s from this clock (a stale or replayed delivery)")
    body = _bytes(raw_body)
    expected = hmac.new(_standard_key(secret), f"{webhook_id}.{timestamp}.".encode("utf-8") + body, hashlib.sha256).digest()
    if not any(_matches(s, expected) for s in signatures.split(" ")):
        raise WebhookVerificationError("invalid_signature", "no webhook-signature matches this body, id and timestamp with this secret")
    try:
        payload = json.loads(body.decode("utf-8"))
    except ValueError:
        raise WebhookVerificationError("invalid_payload", "the body is not JSON") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
        raise WebhookVerificationError("invalid_payload", "the body is not an OpenClaw event")
    return EVENT_CLASSES.get(payload["event"], WebhookEvent)(payload)


def _matches(signature: str, expected: bytes) -> bool:
    if not signature.startswith("v1,"):
        return False
    try:
        given = base64.b64decode(signature[3:], validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(given, expected)


def sign_webhook(raw_body: RawBody, secret: str) -> str:
    """The ``X-OpenClaw-Signature`` value for a body: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(_bytes(secret), _bytes(raw_body), hashlib.sha256).hexdigest()


def verify_webhook(raw_body: RawBody, signature: Optional[str], secret: str) -> bool:
    """True when ``signature`` (the ``X-OpenClaw-Signature`` header) signs ``raw_body`` (the exact
    bytes received, not re-serialized JSON) with ``secret``. Compared in constant time; False for
    a missing or malformed signature. It does not see the timestamp: ``unwrap_webhook`` also
    refuses replays.

    Flask::

        if not verify_webhook(request.get_data(), request.headers.get("X-OpenClaw-Signature"), secret):
            abort(401)
    """
    if not signature or not secret:
        return False
    return hmac.compare_digest(sign_webhook(raw_body, secret).encode("ascii"), signature.strip().encode("utf-8", "replace"))
