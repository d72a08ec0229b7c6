"""Against the live gateway: workspaces, a typed OpenClawError subclass for 400/401/403/404/409/
422/429/503 (with the rate-limit headers), and the Python models checked against the gateway's
OpenAPI document."""
import inspect
import json
import time
import unittest

import _support
import openclaw
from openclaw import (AuthenticationError, BadRequestError, ConflictError, InternalServerError, NotFoundError, OpenClaw, OpenClawError,
                      PermissionDeniedError, RateLimitError, UnprocessableEntityError)
from openclaw._models import ApiObject, camel, snake
from openclaw.resources import Messages, Schedules, Sessions, Stats, Webhooks, Workspaces

# Request type of the SDK field list → the Python method that sends it (keyword arguments = fields).
REQUEST_METHODS = {
    ("SendMessageParams", "/messages"): Messages.send,
    ("SendMessageParams", "/messages/stream"): Messages.stream,
    ("ListSessionsParams", "/sessions"): Sessions.list,
    ("HistoryParams", "/sessions/{sessionId}/history"): Sessions.history,
    ("CreateWorkspaceParams", "/workspaces"): Workspaces.create,
    ("AllowlistUpdate", "/workspaces/{workspaceId}/allowlist"): Workspaces.update_allowlist,
    ("StatsPeriodParams", "/stats"): Stats.get,
    ("StatsPeriodParams", "/stats/workspaces"): Stats.workspaces,
    ("UserStatsParams", "/stats/users"): Stats.users,
    ("CreateWebhookParams", "/webhooks"): Webhooks.create,
    ("ListWebhooksParams", "/webhooks"): Webhooks.list,
    ("UpdateWebhookParams", "/webhooks/{webhookId}"): Webhooks.update,
    ("ListDeliveriesParams", "/webhooks/{webhookId}/deliveries"): Webhooks.deliveries,
    ("RedeliverSinceParams", "/webhooks/{webhookId}/redeliver"): Webhooks.redeliver_since,
    ("ListSchedulesParams", "/schedules"): Schedules.list,
    ("CreateScheduleParams", "/schedules"): Schedules.create,
    ("UpdateScheduleParams", "/schedules/{scheduleId}"): Schedules.update,
}
# Keyword arguments that are not request fields.
TRANSPORT_OPTIONS = {"idempotency_key", "timeout", "max_retries", "kwargs"}
# Fields a schema lists that the SDK method leaves out on purpose: the stream endpoint shares the
# send body but answers 400 to `async`.
LEFT_OUT = {("SendMessageParams", "/messages/stream"): {"async", "callbackUrl", "callbackSecret"}}


class WorkspacesTest(unittest.TestCase):
    def test_crud(self) -> None:
        client = _support.live_client()
        created = client.workspaces.create(id="py-team", label="Py Team", skills=["memory"])
        self.assertEqual((created.id, created.label, created.agent, created.skills, created.allowlist, created.source),
                         ("py-team", "Py Team", "balanced", ["memory"], [], "api"))
        self.assertEqual(client.workspaces.get("py-team"), created)
        self.assertIn("py-team", [w.id for w in client.workspaces.list().data])
        updated = client.workspaces.update_allowlist("py-team", add=["telegram:123456789", "telegram:987654321"])
        self.assertEqual(updated.allowlist, ["telegram:123456789", "telegram:987654321"])
        updated = client.workspaces.update_allowlist("py-team", remove=["telegram:987654321"])
        self.assertEqual(updated.allowlist, ["telegram:123456789"])
        self.assertIsNone(client.workspaces.delete("py-team"))
        with self.assertRaises(OpenClawError) as caught:
            client.workspaces.get("py-team")
        self.assertEqual((caught.exception.status, caught.exception.code), (404, "not_found"))


class ErrorsTest(unittest.TestCase):
    def test_401(self) -> None:
        bad = OpenClaw(base_url=_support.env("OPENCLAW_URL"), api_key="oclaw_live_not_a_real_key")
        with self.assertRaises(AuthenticationError) as caught:
            bad.workspaces.list()
        err = caught.exception
        self.assertEqual((err.status, err.code, err.message), (401, "invalid_api_key", "unknown or revoked API key"))
        self.assertRegex(err.request_id or "", r"^req_")
        self.assertEqual(err.headers["www-authenticate"], 'Bearer realm="openclaw"')

    def test_403(self) -> None:
        stats_only = _support.live_client("OPENCLAW_READONLY_KEY")
        with self.assertRaises(PermissionDeniedError) as caught:
            stats_only.messages.send(workspace="default", user_id="u", message="hi")
        self.assertEqual((caught.exception.status, caught.exception.code), (403, "missing_permission"))

    def test_404_400_409_and_422(self) -> None:
        client = _support.live_client()
        with self.assertRaises(NotFoundError) as caught:
            client.sessions.get("no-such-session")
        self.assertEqual(caught.exception.status, 404)
        with self.assertRaises(BadRequestError) as caught:
            client.messages.send(workspace="default", user_id="", message="hi")
        self.assertEqual((caught.exception.status, caught.exception.code, caught.exception.field), (400, "validation_error", "userId"))
        with self.assertRaises(ConflictError) as caught:
            client.workspaces.create(id="default")
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "already_exists"))
        client.messages.send(workspace="default", user_id="u", message="first", idempotency_key="py-errors-422")
        with self.assertRaises(UnprocessableEntityError) as caught:
            client.messages.send(workspace="default", user_id="u", message="second", idempotency_key="py-errors-422")
        self.assertEqual((caught.exception.status, caught.exception.code), (422, "idempotency_key_reused"))
        self.assertIsInstance(caught.exception, OpenClawError)

    def test_429_with_reset_header(self) -> None:
        # Retries off: by default the SDK waits out a reset within max_retry_wait (60 s).
        limited = _support.live_client("OPENCLAW_LIMITED_KEY", max_retries=0)
        limited.workspaces.list()
        with self.assertRaises(RateLimitError) as caught:
            limited.workspaces.list()
        err = caught.exception
        self.assertEqual(err.reset_at.timestamp(), int(err.headers["x-ratelimit-reset"]))
        self.assertEqual((err.status, err.code), (429, "rate_limited"))
        self.assertEqual(err.headers["x-ratelimit-limit"], "1")
        self.assertEqual(err.headers["x-ratelimit-remaining"], "0")
        self.assertGreater(int(err.headers["x-ratelimit-reset"]), time.time() - 1)
        self.assertGreaterEqual(int(err.headers["retry-after"]), 1)
        self.assertTrue(err.retryable)

    def test_503_while_starting(self) -> None:
        starting = OpenClaw(base_url=_support.env("OPENCLAW_STARTING_URL"), api_key=_support.env("OPENCLAW_API_KEY"), max_retries=0)
        with self.assertRaises(InternalServerError) as caught:
            starting.health()
        err = caught.exception
        self.assertEqual((err.status, err.code), (503, "starting"))
        self.assertEqual(err.headers["retry-after"], "2")


class DriftTest(unittest.TestCase):
    """Each response type of the SDK field list has a Python model of the same name whose fields
    are the live OpenAPI schema's properties in snake_case (the jest harness resolves the
    schemas of the running gateway's /api/v1/openapi.json into OPENCLAW_FIELDS_FILE)."""

    def test_models_match_openapi(self) -> None:
        with open(_support.env("OPENCLAW_FIELDS_FILE")) as f:
            specs = [s for s in json.load(f) if s["in"] == "response"]
        self.assertGreater(len(specs), 20)
        for spec in specs:
            with self.subTest(spec["type"], path=spec["path"], at=spec.get("at")):
                model = getattr(openclaw, spec["type"], None)
                self.assertTrue(isinstance(model, type) and issubclass(model, ApiObject), f"no Python model {spec['type']}")
                self.assertEqual(sorted(model.fields()), sorted(snake(p) for p in spec["openapi"]))

    def test_request_keywords_match_openapi(self) -> None:
        with open(_support.env("OPENCLAW_FIELDS_FILE")) as f:
            specs = [s for s in json.load(f) if s["in"] in ("body", "query") and not s.get("at")]
        self.assertEqual(sorted((s["type"], s["path"]) for s in specs), sorted(REQUEST_METHODS))
        for spec in specs:
            method = REQUEST_METHODS[(spec["type"], spec["path"])]
            with self.subTest(spec["type"], path=spec["path"]):
                params = [p for p in inspect.signature(method).parameters.values()
                          if p.kind == p.KEYWORD_ONLY or (p.kind == p.POSITIONAL_OR_KEYWORD and p.default is not p.empty)]
                expected = set(spec["openapi"]) - LEFT_OUT.get((spec["type"], spec["path"]), set())
                self.assertEqual(sorted(camel(p.name) for p in params if p.name not in TRANSPORT_OPTIONS), sorted(expected))


if __name__ == "__main__":
    unittest.main()
