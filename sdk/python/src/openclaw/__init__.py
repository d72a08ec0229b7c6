"""openclaw-client: the official Python client of the OpenClaw gateway REST API (stdlib only).

    from openclaw import OpenClaw
    client = OpenClaw(base_url="http://localhost:3000", api_key=os.environ["OPENCLAW_API_KEY"])
"""
from ._client import OpenClaw
from ._errors import OpenClawError
from ._http import retry_delay
from ._models import (
    Allowlist,
    ApiKey,
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyRevoked,
    ApiObject,
    DeletedSessions,
    Health,
    HistoryEntry,
    MessageAccepted,
    MessageInfo,
    MessageResult,
    Schedule,
    ScheduleDetail,
    ScheduleList,
    ScheduleRun,
    ScheduleRunAccepted,
    Session,
    SessionHistory,
    SessionList,
    StatsDay,
    StatsReport,
    StatsTotals,
    StreamEvent,
    UserStats,
    UserStatsReport,
    RedeliverSinceResult,
    WebhookAttempt,
    WebhookCircuit,
    WebhookDelivery,
    WebhookDeliveryDetail,
    WebhookDeliveryList,
    WebhookList,
    WebhookSubscription,
    WebhookWithSecret,
    Workspace,
    WorkspaceList,
    WorkspaceStats,
    WorkspaceStatsReport,
)
from ._stream import MessageStream
from ._webhook import sign_webhook, verify_webhook

__version__ = "1.4.2"

__all__ = [
    "OpenClaw", "OpenClawError", "MessageStream", "verify_webhook", "sign_webhook", "retry_delay", "ApiObject",
    "Allowlist", "ApiKey", "ApiKeyCreated", "ApiKeyList", "ApiKeyRevoked", "DeletedSessions", "Health", "HistoryEntry", "MessageAccepted", "MessageInfo", "MessageResult",
    "Schedule", "ScheduleDetail", "ScheduleList", "ScheduleRun", "ScheduleRunAccepted", "Session", "SessionHistory", "SessionList", "StatsDay", "StatsReport", "StatsTotals", "StreamEvent", "UserStats",
    "UserStatsReport", "RedeliverSinceResult", "WebhookAttempt", "WebhookCircuit", "WebhookDelivery", "WebhookDeliveryDetail", "WebhookDeliveryList", "WebhookList",
    "WebhookSubscription", "WebhookWithSecret", "Workspace",
    "WorkspaceList", "WorkspaceStats", "WorkspaceStatsReport",
]
