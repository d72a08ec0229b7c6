"""When to retry and how long to wait. Retried: connection errors and timeouts, 408, 409 (except
the gateway's permanent conflicts), 429 and 5xx; a POST only with an Idempotency-Key the gateway
honours. The wait is what the gateway asked for (``Retry-After``, else ``X-RateLimit-Reset``),
else exponential backoff from 0.5 s up to 8 s; both get jitter so clients do not come back at once."""
from __future__ import annotations

import random as _random
from typing import Callable, Mapping, Optional

from ._errors import OpenClawError, parse_retry_after

# 409 codes no retry can change (the thing exists, is read-only, is gone, is full).
_PERMANENT_CONFLICTS = {"already_exists", "read_only", "expired", "idempotency_result_unavailable", "subscription_limit_reached", "schedule_limit_reached"}


def is_retryable(error: OpenClawError) -> bool:
    """True when this failure may succeed if sent again."""
    if error.status == 0:
        return error.code in ("connection_error", "timeout")
    if error.status == 409:
        return error.code not in _PERMANENT_CONFLICTS
    return error.status in (408, 429) or error.status >= 500


def advice_of(error: OpenClawError) -> Mapping[str, str]:
    """The headers that advise a wait for this error: ``Retry-After`` always, ``X-RateLimit-Reset``
    only on a 429 (every reply carries it, and a 502 is no reason to wait for the rate-limit window)."""
    names = ("retry-after", "x-ratelimit-reset") if error.status == 429 else ("retry-after",)
    return {k: v for k, v in error.headers.items() if k in names}


def advised_wait(headers: Mapping[str, str], now: float) -> Optional[float]:
    """The wait the gateway asked for in seconds (``Retry-After``, else ``X-RateLimit-Reset``), or None."""
    retry_after = parse_retry_after(headers.get("retry-after"), now)
    if retry_after is not None:
        return retry_after
    try:
        return max(0.0, float(headers["x-ratelimit-reset"]) - now)
    except (KeyError, ValueError):
        return None


def retry_delay(headers: Mapping[str, str], attempt: int, now: float, random: Callable[[], float] = _random.random) -> float:
    """Seconds to wait before retry ``attempt + 1``: the gateway's advice plus up to 10 % (never
    earlier than asked), else ``min(0.5 s × 2**attempt, 8 s)`` minus up to 25 %."""
    advised = advised_wait(headers, now)
    if advised is not None:
        return advised * (1 + 0.1 * random())
    return min(0.5 * 2**attempt, 8.0) * (1 - 0.25 * random())
