"""Response objects: the gateway's JSON with attribute access in snake_case.

``response.tokens_used`` reads ``tokensUsed``, ``stats.totals.cost_usd`` reads ``costUSD``,
``stats.period.from_`` reads ``from``; ``obj["tokensUsed"]`` and ``obj.to_dict()`` give the raw
JSON. Each typed class lists its fields as annotations; the SDK's drift test compares them with
the gateway's OpenAPI document.
"""
from __future__ import annotations

import keyword
import re
import sys
from typing import Any, Dict, Iterator, List, Mapping, Optional, Type, get_type_hints

_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")


def snake(name: str) -> str:
    """``tokensUsed`` → ``tokens_used``, ``costUSD`` → ``cost_usd``, ``from`` → ``from_``."""
    out = _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", name)).lower()
    return out + "_" if keyword.iskeyword(out) else out


def camel(name: str) -> str:
    """``user_id`` → ``userId``, ``from_`` → ``from`` (for request parameters)."""
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


class ApiObject(Mapping[str, Any]):
    """A JSON object from the API, read-only, with snake_case attribute access."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_data", dict(data))

    @classmethod
    def _hints(cls) -> Dict[str, Any]:
        cached = cls.__dict__.get("_hints_cache")
        if cached is None:
            module = sys.modules[cls.__module__].__dict__
            cached = {k: v for k, v in get_type_hints(cls, module).items() if not k.startswith("_")}
            setattr(cls, "_hints_cache", cached)
        return cached

    @classmethod
    def fields(cls) -> List[str]:
        """The snake_case field names this type declares."""
        return list(cls._hints())

    def __getattr__(self, name: str) -> Any:
        data = object.__getattribute__(self, "_data")
        key = name if name in data else next((k for k in data if snake(k) == name), None)
        if key is None:
            if name in type(self)._hints():
                return None  # a declared optional field the gateway left out
            raise AttributeError(f"{type(self).__name__} has no field {name!r} (fields: {', '.join(snake(k) for k in data)})")
        return _wrap(data[key], type(self)._hints().get(snake(key)))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __getitem__(self, key: str) -> Any:
        return _wrap(self._data[key], type(self)._hints().get(snake(key)))

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | {snake(k) for k in self._data})

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ApiObject):
            return self._data == other._data
        return isinstance(other, Mapping) and self._data == dict(other)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"

    def to_dict(self) -> Dict[str, Any]:
        """The raw JSON object (camelCase keys), as a new dict."""
        return dict(self._data)


def _wrap(value: Any, hint: Any = None) -> Any:
    """Wraps dicts (and lists of dicts) in ApiObject, or in the typed class the hint names."""
    if isinstance(value, dict):
        cls = _model_of(hint) or ApiObject
        return cls(value)
    if isinstance(value, list):
        item_hint = getattr(hint, "__args__", (None,))[0] if hint is not None else None
        return [_wrap(v, item_hint) for v in value]
    return value


def _model_of(hint: Any) -> Optional[Type[ApiObject]]:
    if isinstance(hint, type) and issubclass(hint, ApiObject):
        return hint
    for arg in getattr(hint, "__args__", ()) or ():  # Optional[Model]
        if isinstance(arg, type) and issubclass(arg, ApiObject):
            return arg
    return None


# ───────────────────────── messages ─────────────────────────


class MessageResult(ApiObject):
    """The reply of ``messages.send`` (and of ``messages.get`` once done)."""

    message_id: str
    response: str
    tokens_used: int
    latency_ms: int
    session_id: str
    tools_invoked: List[str]
    finish_reason: str
    model: Optional[str]
    tokens_in: Optional[int]
    tokens_out: Optional[int]
    cost_usd: Optional[float]


class MessageAccepted(ApiObject):
    """The 202 reply of an async send: poll ``messages.get(message_id)``."""

    message_id: str
    session_id: str
    status: str
    callback_id: Optional[str]
    callback_secret: Optional[str]


class MessageError(ApiObject):
    """Why an async message failed."""

    code: str
    message: str


class MessageInfo(ApiObject):
    """``messages.get``: status (queued, running, done, error) and, when done, the result fields."""

    message_id: str
    session_id: str
    workspace: str
    user_id: str
    channel: str
    status: str
    created_at: str
    started_at: Optional[str]
    finished_at: Optional[str]
    error: Optional[MessageError]
    response: Optional[str]
    tokens_used: Optional[int]
    latency_ms: Optional[int]
    tools_invoked: Optional[List[str]]
    finish_reason: Optional[str]
    model: Optional[str]
    tokens_in: Optional[int]
    tokens_out: Optional[int]
    cost_usd: Optional[float]


class StreamEvent(ApiObject):
    """One event of a stream: ``type`` is token (content), tool_use (tool, input),
    tool_result (tool, output), restart (attempt: a worker died and the answer starts again,
    drop what came before), done (message_id, tokens_used, latency_ms, session_id,
    finish_reason, tools_invoked) or error (code, message)."""

    type: str


# ───────────────────────── sessions ─────────────────────────


class Session(ApiObject):
    """The contract's session object."""

    id: str
    workspace: str
    user_id: str
    created_at: str
    last_active_at: str
    message_count: int
    tokens_used: int
    channel: str


class SessionList(ApiObject):
    data: List[Session]
    total: int
    limit: int
    offset: int


class HistoryEntry(ApiObject):
    role: str
    content: str
    created_at: str
    tokens: int
    tools: List[str]
    message_id: str


class SessionHistory(ApiObject):
    session_id: str
    data: List[HistoryEntry]
    total: int
    limit: int
    offset: int


class DeletedSessions(ApiObject):
    workspace: str
    deleted: int


# ───────────────────────── workspaces ─────────────────────────


class Workspace(ApiObject):
    id: str
    label: str
    agent: str
    skills: List[str]
    allowlist: List[str]
    created_at: str
    source: str


class WorkspaceList(ApiObject):
    data: List[Workspace]


class Allowlist(ApiObject):
    id: str
    allowlist: List[str]


# ───────────────────────── stats ─────────────────────────


class StatsPeriod(ApiObject):
    from_: str
    to: str


class StatsTotals(ApiObject):
    messages: int
    errors: int
    tokens_in: int
    tokens_out: int
    cost_usd: float
    avg_latency_ms: int
    unique_users: int


class StatsDay(StatsTotals):
    date: str


class StatsReport(ApiObject):
    period: StatsPeriod
    totals: StatsTotals
    by_day: List[StatsDay]
    unpriced_models: List[str]
    workspaces: List[str]


class WorkspaceStats(StatsTotals):
    workspace: str


class WorkspaceStatsReport(ApiObject):
    period: StatsPeriod
    data: List[WorkspaceStats]


class UserStats(ApiObject):
    user_id: str
    messages: int
    tokens_in: int
    tokens_out: int
    cost_usd: float
    avg_latency_ms: int
    last_activity: str


class UserStatsReport(ApiObject):
    period: StatsPeriod
    workspace: str
    unique_users: int
    data: List[UserStats]


# ───────────────────────── webhooks ─────────────────────────


class WebhookCircuit(ApiObject):
    """The circuit breaker: ``open`` while the receiver keeps failing (deliveries wait, one probes)."""

    state: str
    opened_at: Optional[str]
    next_probe_at: Optional[str]
    failed_attempts: int


class WebhookSubscription(ApiObject):
    """A subscription; ``workspaces`` None = every workspace in the creating key's ``scope``."""

    id: str
    url: str
    events: List[str]
    workspaces: Optional[List[str]]
    scope: List[str]
    description: Optional[str]
    enabled: bool
    disabled_reason: Optional[str]
    disabled_at: Optional[str]
    consecutive_failures: int
    circuit: WebhookCircuit
    retries: int
    timeout_ms: int
    source: str
    created_by: Optional[str]
    created_at: str
    updated_at: str


class WebhookWithSecret(WebhookSubscription):
    """Reply of create and update: ``secret`` is set (once) when the gateway generated or rotated it."""

    secret: Optional[str]


class WebhookList(ApiObject):
    data: List[WebhookSubscription]
    total: int
    limit: int
    offset: int


class WebhookDelivery(ApiObject):
    """One delivery; ``id`` is the ``X-OpenClaw-Delivery`` header, the same on every retry."""

    id: str
    webhook_id: str
    event_id: str
    event: str
    status: str
    attempt_count: int
    manual: bool
    redelivery_of: Optional[str]
    created_at: str
    updated_at: str
    delivered_at: Optional[str]
    next_attempt_at: Optional[str]
    last_status: Optional[int]
    last_error: Optional[str]


class WebhookAttempt(ApiObject):
    attempt: int
    started_at: str
    duration_ms: int
    status: Optional[int]
    error: Optional[str]
    response: Optional[str]
    next_attempt_at: Optional[str]


class WebhookDeliveryDetail(WebhookDelivery):
    """A delivery with the payload that was sent and every attempt."""

    payload: Optional[Dict[str, Any]]
    attempts: List[WebhookAttempt]


class WebhookDeliveryList(ApiObject):
    data: List[WebhookDelivery]
    total: int


class RedeliverSinceResult(ApiObject):
    """The new deliveries replaying failed ones; ``next_since`` set when ``limit`` was reached."""

    data: List[WebhookDelivery]
    redelivered: int
    next_since: Optional[str]


# ───────────────────────── schedules ─────────────────────────


class ScheduleDeliver(ApiObject):
    """Where a schedule's answers are also posted: ``channel`` (telegram, slack, whatsapp) and ``to``."""

    channel: str
    to: str


class ScheduleRunDelivery(ScheduleDeliver):
    """How posting a run's answer to its chat went (status pending, delivered, failed)."""

    status: str
    attempts: int
    delivered_at: Optional[str]
    error: Optional[MessageError]


class ScheduleRun(ApiObject):
    """One run of a schedule (trigger ``schedule`` or ``manual``; status running, completed, failed)."""

    run_id: str
    trigger: str
    scheduled_for: str
    started_at: str
    finished_at: Optional[str]
    status: str
    message_id: Optional[str]
    session_id: Optional[str]
    response_excerpt: Optional[str]
    error: Optional[MessageError]
    delivery: Optional[ScheduleRunDelivery]


class Schedule(ApiObject):
    """A cron-driven message: the agent is asked ``message`` at every tick of ``cron`` in ``timezone``."""

    id: str
    workspace: str
    user_id: str
    message: str
    cron: str
    timezone: str
    session_id: Optional[str]
    enabled: bool
    source: str
    created_by: Optional[str]
    created_at: str
    updated_at: str
    next_run_at: Optional[str]
    next_runs: List[str]
    run_count: int
    last_run: Optional[ScheduleRun]
    deliver: Optional[ScheduleDeliver]


class ScheduleDetail(Schedule):
    recent_runs: List[ScheduleRun]


class ScheduleList(ApiObject):
    data: List[Schedule]
    total: int
    limit: int
    offset: int


class ScheduleRunAccepted(ApiObject):
    schedule_id: str
    run_id: str
    message_id: str
    session_id: str
    status: str


class WebhookPayload(ApiObject):
    """An event as subscriptions receive it (``GET /events`` lists the recent ones)."""

    id: str
    event: str
    timestamp: str
    data: Dict[str, Any]


class Health(ApiObject):
    status: str
    version: str
    uptime: int
    channels: Dict[str, str]
    redis: str
    memory_mb: int
    model: str


class ApiKey(ApiObject):
    """An API key as GET /keys shows it: masked, never the secret."""

    id: str
    key: str
    label: str
    workspaces: List[str]
    permissions: List[str]
    rate_limit: Optional[int]
    created_at: str
    last_used_at: Optional[str]
    source: str


class ApiKeyCreated(ApiKey):
    """A key just made (create or rotate): api_key is the plain key, shown in this reply only."""

    api_key: str


class ApiKeyList(ApiObject):
    data: List[ApiKey]


class ApiKeyRevoked(ApiObject):
    revoked: ApiKey
