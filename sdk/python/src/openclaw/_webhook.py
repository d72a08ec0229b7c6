"""Verifies ``X-OpenClaw-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>``."""
from __future__ import annotations

import hashlib
import hmac
from typing import Optional, Union

RawBody = Union[bytes, bytearray, memoryview, str]


def _bytes(value: RawBody) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def sign_webhook(raw_body: RawBody, secret: str) -> str:
    """The ``X-OpenClaw-Signature`` value for a body: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(_bytes(secret), _bytes(raw_body), hashlib.sha256).hexdigest()


def verify_webhook(raw_body: RawBody, signature: Optional[str], secret: str) -> bool:
    """True when ``signature`` (the ``X-OpenClaw-Signature`` header) signs ``raw_body`` (the exact
    bytes received, not re-serialized JSON) with ``secret``. Compared in constant time; False for
    a missing or malformed signature.

    Flask::

        if not verify_webhook(request.get_data(), request.headers.get("X-OpenClaw-Signature"), secret):
            abort(401)
    """
    if not signature or not secret:
        return False
    return hmac.compare_digest(sign_webhook(raw_body, secret).encode("ascii"), signature.strip().encode("utf-8", "replace"))
