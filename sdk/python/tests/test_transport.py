"""Retries (2 by default: connection errors, 408, 409, 429, 5xx; a POST only with an
Idempotency-Key), typed errors, timeouts, connection errors, environment configuration and
interrupted streams, against a real local HTTP server that counts requests."""
import json
import os
import platform
import time
import unittest
from email.utils import formatdate

import _support
import openclaw
from openclaw import (APIConnectionError, APITimeoutError, ConflictError, InternalServerError, NotFoundError, OpenClaw, OpenClawError,
                      RateLimitError, retry_delay)

RESULT = {"messageId": "msg_1", "response": "ok", "tokensUsed": 3, "latencyMs": 1, "sessionId": "sess_1", "toolsInvoked": [], "finishReason": "stop"}


def busy(status: int, **headers: str) -> _support.Reply:
    code = "rate_limited" if status == 429 else "starting"
    return _support.json_reply(status, {"error": {"code": code, "message": "later"}}, {"X-Request-Id": f"req_{status}", **headers})


class TransportTest(unittest.TestCase):
    def setUp(self) -> None:
        self.script = []
        self.drop_with_id = False

        def handler(method, path, headers, body):  # type: ignore[no-untyped-def]
            if path.endswith("/slow"):
                time.sleep(0.6)
                return _support.json_reply(200, {})
            if path.endswith("/messages/msg_drop/stream"):
                return 200, {"Content-Type": "text/event-stream"}, (
                    b'id: 2-0\ndata: {"type":"token","content":"lo"}\n\n'
                    b'id: 3-0\ndata: {"type":"done","messageId":"msg_drop","tokensUsed":2,"latencyMs":1,"sessionId":"s","finishReason":"stop","toolsInvoked":[]}\n\n')
            if path.endswith("/messages/stream") and self.drop_with_id:
                return 200, {"Content-Type": "text/event-stream", "X-Message-Id": "msg_drop"}, b': heartbeat\n\nid: 1-0\ndata: {"type":"token","content":"Hel"}\n\n'
            if path.endswith("/messages/stream"):
                return 200, {"Content-Type": "text/event-stream"}, b'id: 1-0\ndata: {"type":"token","content":"Hel"}\n\n'
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

        self.server = _support.FakeServer(handler)
        self.addCleanup(self.server.close)

    def send(self, client: OpenClaw):  # type: ignore[no-untyped-def]
        return client.messages.send(workspace="team", user_id="u", message="hi")

    def test_retries_twice_by_default_with_one_idempotency_key(self) -> None:
        # A server that fails twice (503, then 500), then answers.
        self.script = [busy(503, **{"Retry-After": "0"}), _support.json_reply(500, {"error": {"code": "internal_error", "message": "boom"}}),
                       _support.json_reply(200, RESULT)]
        result = self.send(OpenClaw(base_url=self.server.url, api_key="k"))
        self.assertEqual(result.response, "ok")
        self.assertEqual(len(self.server.requests), 3)
        keys = {r["headers"]["idempotency-key"] for r in self.server.requests}
        self.assertEqual(len(keys), 1)
        self.assertRegex(keys.pop(), r"^sdk_[0-9a-f]{32}$")
        self.assertTrue(all(r["headers"]["authorization"] == "Bearer k" for r in self.server.requests))
        self.assertEqual(self.server.requests[0]["headers"]["user-agent"], f"openclaw-python/{openclaw.__version__} (python/{platform.python_version()})")
        self.assertEqual(json.loads(self.server.requests[0]["body"]), {"workspace": "team", "userId": "u", "message": "hi"})

    def test_gives_up_after_the_default_two_retries(self) -> None:
        self.script = [busy(429, **{"Retry-After": "0"})]
        with self.assertRaises(RateLimitError) as caught:
            OpenClaw(base_url=self.server.url, api_key="k").workspaces.list()
        self.assertEqual(caught.exception.status, 429)
        self.assertEqual(len(self.server.requests), 3)

    def test_max_retries_zero_turns_retries_off(self) -> None:
        self.script = [busy(503, **{"Retry-After": "0"}), _support.json_reply(200, RESULT)]
        with self.assertRaises(InternalServerError) as caught:
            self.send(OpenClaw(base_url=self.server.url, api_key="k", max_retries=0))
        err = caught.exception
        self.assertIsInstance(err, OpenClawError)
        self.assertEqual((err.status, err.code, err.message, err.request_id), (503, "starting", "later", "req_503"))
        self.assertEqual(err.headers["retry-after"], "0")
        self.assertEqual(len(self.server.requests), 1)
        self.assertNotIn("idempotency-key", self.server.requests[0]["headers"])

    def test_caller_key_on_every_attempt_and_per_call_retries(self) -> None:
        self.script = [busy(429, **{"Retry-After": "0"})] * 3 + [_support.json_reply(200, RESULT)]
        client = OpenClaw(base_url=self.server.url, api_key="k", max_retries=0)
        client.messages.send(workspace="team", user_id="u", message="hi", idempotency_key="order-42", max_retries=3)
        self.assertEqual([r["headers"]["idempotency-key"] for r in self.server.requests], ["order-42"] * 4)

    def test_retries_connection_errors_408_and_409_but_not_permanent_conflicts(self) -> None:
        self.script = [None, _support.json_reply(408, {"error": {"code": "request_timeout", "message": "slow"}}), _support.json_reply(200, {"data": []})]
        self.assertEqual(OpenClaw(base_url=self.server.url, api_key="k").workspaces.list().data, [])
        self.assertEqual(len(self.server.requests), 3)
        self.server.requests.clear()
        self.script = [_support.json_reply(409, {"error": {"code": "conflict", "message": "busy"}}), _support.json_reply(200, {"data": []})]
        OpenClaw(base_url=self.server.url, api_key="k").workspaces.list()
        self.assertEqual(len(self.server.requests), 2)
        self.server.requests.clear()
        self.script = [_support.json_reply(409, {"error": {"code": "read_only", "message": "config"}})]
        with self.assertRaises(ConflictError):
            OpenClaw(base_url=self.server.url, api_key="k").workspaces.delete("cfg")
        self.assertEqual(len(self.server.requests), 1)
        self.server.requests.clear()
        self.script = [_support.json_reply(404, {"error": {"code": "not_found", "message": "no"}})]
        with self.assertRaises(NotFoundError):
            OpenClaw(base_url=self.server.url, api_key="k").sessions.get("sess_x")
        self.assertEqual(len(self.server.requests), 1)

    def test_never_retries_a_post_the_gateway_does_not_deduplicate(self) -> None:
        self.script = [busy(503, **{"Retry-After": "0"}), _support.json_reply(201, {"id": "w"})]
        with self.assertRaises(InternalServerError):
            OpenClaw(base_url=self.server.url, api_key="k").workspaces.create(id="w")
        self.script = [None, _support.json_reply(201, {"id": "w"})]
        with self.assertRaises(APIConnectionError):
            OpenClaw(base_url=self.server.url, api_key="k").workspaces.create(id="w")
        self.assertEqual(len(self.server.requests), 2)

    def test_rate_limit_reset_is_waited_for_only_on_a_429(self) -> None:
        far = str(int(time.time()) + 3600)
        self.script = [_support.json_reply(502, {"error": {"code": "upstream_error", "message": "down"}}, {"X-RateLimit-Reset": far}),
                       _support.json_reply(200, {"data": []})]
        self.assertEqual(OpenClaw(base_url=self.server.url, api_key="k").workspaces.list().data, [])
        self.assertEqual(len(self.server.requests), 2)

    def test_does_not_wait_beyond_max_retry_wait(self) -> None:
        self.script = [busy(429, **{"X-RateLimit-Reset": str(int(time.time()) + 3600)})]
        with self.assertRaises(RateLimitError) as caught:
            OpenClaw(base_url=self.server.url, api_key="k", max_retries=5, max_retry_wait=1).stats.get()
        self.assertGreater(caught.exception.reset_at.timestamp(), time.time() + 3500)
        self.assertEqual(len(self.server.requests), 1)

    def test_retry_delay(self) -> None:
        now = 1746005000.0
        low, high = (lambda: 0.0), (lambda: 0.999999)
        self.assertEqual(retry_delay({"retry-after": "2"}, 0, now, low), 2.0)
        self.assertAlmostEqual(retry_delay({"retry-after": "2"}, 0, now, high), 2.2, places=4)  # never earlier, up to 10 % later
        self.assertAlmostEqual(retry_delay({"retry-after": formatdate(now + 5, usegmt=True)}, 0, now, low), 5.0)
        self.assertEqual(retry_delay({"x-ratelimit-reset": "1746005400"}, 0, now, low), 400.0)
        self.assertEqual(retry_delay({"retry-after": "1", "x-ratelimit-reset": "1746005400"}, 0, now, low), 1.0)
        self.assertEqual(retry_delay({"x-ratelimit-reset": "1746004000"}, 0, now, low), 0.0)
        self.assertEqual(retry_delay({}, 0, now, low), 0.5)
        self.assertAlmostEqual(retry_delay({}, 0, now, high), 0.375, places=4)  # up to 25 % earlier
        self.assertEqual(retry_delay({}, 3, now, low), 4.0)
        self.assertEqual(retry_delay({}, 10, now, low), 8.0)
        spread = {retry_delay({}, 1, now) for _ in range(20)}
        self.assertGreater(len(spread), 1)
        self.assertTrue(all(0.75 <= d <= 1.0 for d in spread))

    def test_timeout_and_connection_error(self) -> None:
        client = OpenClaw(base_url=self.server.url, api_key="k", timeout=0.1, max_retries=0)
        with self.assertRaises(APITimeoutError) as caught:
            client._http.json("GET", "/slow")
        self.assertEqual((caught.exception.status, caught.exception.code), (0, "timeout"))
        with self.assertRaises(APIConnectionError) as caught:
            OpenClaw(base_url="http://127.0.0.1:1", api_key="k", max_retries=0).health()
        self.assertEqual((caught.exception.status, caught.exception.code, caught.exception.headers), (0, "connection_error", {}))

    def test_stream_ending_before_done_is_interrupted(self) -> None:
        client = OpenClaw(base_url=self.server.url, api_key="k")
        stream = client.messages.stream(workspace="team", user_id="u", message="hi")
        tokens = []
        with self.assertRaises(OpenClawError) as caught:
            for token in stream:
                tokens.append(token)
        self.assertEqual(tokens, ["Hel"])
        self.assertEqual(caught.exception.code, "stream_interrupted")
        self.assertEqual(stream.last_event_id, "1-0")

    def test_dropped_stream_resumes_from_the_last_event_id(self) -> None:
        self.drop_with_id = True
        stream = OpenClaw(base_url=self.server.url, api_key="k").messages.stream(workspace="team", user_id="u", message="hi")
        self.assertEqual(list(stream), ["Hel", "lo"])
        resumed = [r for r in self.server.requests if r["path"] == "/api/v1/messages/msg_drop/stream"]
        self.assertEqual([r["headers"]["last-event-id"] for r in resumed], ["1-0"])
        self.assertEqual((stream.done.message_id, stream.last_event_id), ("msg_drop", "3-0"))

    def test_requires_base_url_and_key_from_arguments_or_environment(self) -> None:
        names = ("OPENCLAW_BASE_URL", "OPENCLAW_URL", "OPENCLAW_API_KEY")
        saved = {n: os.environ.pop(n) for n in names if n in os.environ}

        def restore() -> None:
            for name in names:
                os.environ.pop(name, None)
            os.environ.update(saved)

        self.addCleanup(restore)
        with self.assertRaises(ValueError):
            OpenClaw(base_url="", api_key="k")
        with self.assertRaises(ValueError):
            OpenClaw(base_url="http://x", api_key="")
        with self.assertRaisesRegex(ValueError, "OPENCLAW_BASE_URL"):
            OpenClaw()
        os.environ.update({"OPENCLAW_URL": "http://127.0.0.1:1", "OPENCLAW_BASE_URL": self.server.url, "OPENCLAW_API_KEY": "env-key"})
        self.script = [_support.json_reply(200, {"data": []})]
        self.assertEqual(OpenClaw().workspaces.list().data, [])
        self.assertEqual(self.server.requests[0]["headers"]["authorization"], "Bearer env-key")
        del os.environ["OPENCLAW_BASE_URL"]
        self.assertEqual(OpenClaw()._http.url("/x"), "http://127.0.0.1:1/api/v1/x")


if __name__ == "__main__":
    unittest.main()
