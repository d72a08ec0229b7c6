"""The events a webhook delivery carries, one class per event: ``client.webhooks.unwrap(…)``
returns the class of the delivery's ``event`` (``isinstance(e, MessageSentEvent)`` or
``e.event == "message.sent"``), whose ``data`` is typed. An event this SDK does not know yet (a
newer gateway) comes back as a plain ``WebhookEvent``."""
from __future__ import annotations

from typing import Dict, List, Literal, Optional, Type, Union

from ._models import ApiObject


class MessageReceivedData(ApiObject):
    message_id: str
    workspace: str
    user_id: str
    channel: str
    session_id: str
    message: str


class MessageSentData(ApiObject):
    message_id: str
    workspace: str
    user_id: str
    channel: str
    response: str
    tokens_used: int
    latency_ms: int
    session_id: str


class SessionEventData(ApiObject):
    session_id: str
    workspace: str
    user_id: str
    channel: str
    created_at: str
    last_active_at: str
    message_count: int
    tokens_used: int


class SessionEndedData(SessionEventData):
    reason: str  # deleted, idle or workspace_deleted


class AgentErrorData(ApiObject):
    message_id: str
    workspace: str
    user_id: str
    channel: str
    session_id: str
    code: str  # upstream_error, timeout or agent_error
    message: str


class ChannelEventData(ApiObject):
    channel: str
    workspace: Optional[str]  # None: the channel serves the whole gateway
    reason: Optional[str]


class ScheduleRunError(ApiObject):
    code: str
    message: str


class ScheduleCompletedData(ApiObject):
    schedule_id: str
    run_id: str
    trigger: str
    scheduled_for: str
    workspace: str
    user_id: str
    message_id: str
    session_id: str
    response: str
    tokens_used: int
    latency_ms: int
    tools_invoked: List[str]
    finish_reason: str
    model: str
    tokens_in: int
    tokens_out: int
    cost_usd: float


class ScheduleFailedData(ApiObject):
    schedule_id: str
    run_id: str
    trigger: str
    scheduled_for: str
    workspace: str
    user_id: str
    message_id: Optional[str]
    session_id: Optional[str]
    error: ScheduleRunError


class PingData(ApiObject):
    webhook_id: str
    url: str
    events: List[str]
    message: str


class WebhookEvent(ApiObject):
    """A delivered event: ``id`` (the same on every retry: de-duplicate on it), ``event``, ``timestamp``, ``data``."""

    id: str
    event: str
    timestamp: str
    data: ApiObject


class MessageReceivedEvent(WebhookEvent):
    event: Literal["message.received"]
    data: MessageReceivedData


class MessageSentEvent(WebhookEvent):
    event: Literal["message.sent"]
    data: MessageSentData


class SessionStartedEvent(WebhookEvent):
    event: Literal["session.started"]
    data: SessionEventData


class SessionEndedEvent(WebhookEvent):
    event: Literal["session.ended"]
    data: SessionEndedData


class AgentErrorEvent(WebhookEvent):
    event: Literal["error.agent"]
    data: AgentErrorData


class ChannelConnectedEvent(WebhookEvent):
    event: Literal["channel.connected"]
    data: ChannelEventData


class ChannelDisconnectedEvent(WebhookEvent):
    event: Literal["channel.disconnected"]
    data: ChannelEventData


class ScheduleCompletedEvent(WebhookEvent):
    event: Literal["schedule.completed"]
    data: ScheduleCompletedData


class ScheduleFailedEvent(WebhookEvent):
    event: Literal["schedule.failed"]
    data: ScheduleFailedData


class PingEvent(WebhookEvent):
    event: Literal["ping"]
    data: PingData


AnyWebhookEvent = Union[
    MessageReceivedEvent, MessageSentEvent, SessionStartedEvent, SessionEndedEvent, AgentErrorEvent, ChannelConnectedEvent,
    ChannelDisconnectedEvent, ScheduleCompletedEvent, ScheduleFailedEvent, PingEvent, WebhookEvent,
]

EVENT_CLASSES: Dict[str, Type[WebhookEvent]] = {
    "message.received": MessageReceivedEvent,
    "message.sent": MessageSentEvent,
    "session.started": SessionStartedEvent,
    "session.ended": SessionEndedEvent,
    "error.agent": AgentErrorEvent,
    "channel.connected": ChannelConnectedEvent,
    "channel.disconnected": ChannelDisconnectedEvent,
    "schedule.completed": ScheduleCompletedEvent,
    "schedule.failed": ScheduleFailedEvent,
    "ping": PingEvent,
}
