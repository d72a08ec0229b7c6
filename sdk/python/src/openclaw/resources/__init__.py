"""One class per API resource: ``client.messages``, ``.sessions``, ``.workspaces``, ``.stats``, ``.webhooks``."""
from .messages import Messages
from .schedules import Schedules
from .sessions import Sessions
from .stats import Stats
from .webhooks import Webhooks
from .workspaces import Workspaces

__all__ = ["Messages", "Schedules", "Sessions", "Stats", "Webhooks", "Workspaces"]
