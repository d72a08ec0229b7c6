"""One class per API resource: ``client.messages``, ``.sessions``, ``.workspaces``, ``.stats``, ``.webhooks``."""
from .messages import Messages
from .sessions import Sessions
from .stats import Stats
from .webhooks import Webhooks
from .workspaces import Workspaces

__all__ = ["Messages", "Sessions", "Stats", "Webhooks", "Workspaces"]
