"""openclaw-client: the official Python client of the OpenClaw gateway REST API (stdlib only).

    from openclaw import OpenClaw
    client = OpenClaw()  # OPENCLAW_BASE_URL (or OPENCLAW_URL) and OPENCLAW_API_KEY from the environment
"""
from ._client import OpenClaw
from ._error_codes import ERROR_CODE_STATUS
from ._errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OpenClawError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    WebhookVerificationError,
)
from ._events import (
    AgentErrorEvent,
    AnyWebhookEvent,
    ChannelConnectedEvent,
    ChannelDisconnectedEvent,
    MessageReceivedEvent,
    MessageSentEvent,
    PingEvent,
    ScheduleCompletedEvent,
    ScheduleFailedEvent,
    SessionEndedEvent,
    SessionStartedEvent,
    WebhookEvent,
)
from ._http import retry_delay
from ._pagination import Page
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
    WebhookPayload,
    WebhookSubscription,
    WebhookWithSecret,
    Workspace,
    WorkspaceList,
    WorkspaceStats,
    WorkspaceStatsReport,
)
from ._stream import MessageStream
from ._version import __version__
from ._webhook import sign_standard_webhook, sign_webhook, unwrap_webhook, verify_webhook

__all__ = [
    "OpenClaw", "OpenClawError", "MessageStream", "verify_webhook", "sign_webhook", "unwrap_webhook", "sign_standard_webhook",
    "retry_delay", "ApiObject", "Page", "__version__", "ERROR_CODE_STATUS",
    "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError", "ConflictError", "UnprocessableEntityError",
    "RateLimitError", "InternalServerError", "APIConnectionError", "APITimeoutError", "WebhookVerificationError",
    "WebhookEvent", "AnyWebhookEvent", "MessageReceivedEvent", "MessageSentEvent", "SessionStartedEvent", "SessionEndedEvent",
    "AgentErrorEvent", "ChannelConnectedEvent", "ChannelDisconnectedEvent", "ScheduleCompletedEvent", "ScheduleFailedEvent", "PingEvent",
    "Allowlist", "ApiKey", "ApiKeyCreated", "ApiKeyList", "ApiKeyRevoked", "DeletedSessions", "Health", "HistoryEntry", "MessageAccepted", "MessageInfo", "MessageResult",
    "Schedule", "ScheduleDetail", "ScheduleList", "ScheduleRun", "ScheduleRunAccepted", "Session", "SessionHistory", "SessionList", "StatsDay", "StatsReport", "StatsTotals", "StreamEvent", "UserStats",
    "UserStatsReport", "RedeliverSinceResult", "WebhookAttempt", "WebhookCircuit", "WebhookDelivery", "WebhookDeliveryDetail", "WebhookDeliveryList", "WebhookList", "WebhookPayload",
    "WebhookSubscription", "WebhookWithSecret", "Workspace",
    "WorkspaceList", "WorkspaceStats", "WorkspaceStatsReport",
]
