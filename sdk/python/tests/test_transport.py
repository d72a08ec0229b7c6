"""Retries of 429/503 (off by default), Idempotency-Key on retried sends, timeouts, connection
errors and interrupted streams, against a real local HTTP server."""
import json
import time
import unittest
from email.utils import formatdate

import _support
from openclaw import OpenClaw, OpenClawError, retry_delay

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

    def test_no_retry_by_default(self) -> None:
        self.script = [busy(503, **{"Retry-After": "0"}), _support.json_reply(200, RESULT)]
        with self.assertRaises(OpenClawError) as caught:
            self.send(OpenClaw(base_url=self.server.url, api_key="k"))
        err = caught.exception
        self.assertEqual((err.status, err.code, err.message, err.request_id), (503, "starting", "later", "req_503"))
        self.assertEqual(err.headers["retry-after"], "0")
        self.assertEqual(len(self.server.requests), 1)
        self.assertNotIn("idempotency-key", self.server.requests[0]["headers"])

    def test_retries_503_then_429_with_one_idempotency_key(self) -> None:
        self.script = [busy(503, **{"Retry-After": "0"}), busy(429, **{"Retry-After": "0"}), _support.json_reply(200, RESULT)]
        result = self.send(OpenClaw(base_url=self.server.url, api_key="k", max_retries=2))
        self.assertEqual(result.response, "ok")
        self.assertEqual(len(self.server.requests), 3)
        keys = {r["headers"]["idempotency-key"] for r in self.server.requests}
        self.assertEqual(len(keys), 1)
        self.assertRegex(keys.pop(), r"^sdk_[0-9a-f]{32}$")
        self.assertTrue(all(r["headers"]["authorization"] == "Bearer k" for r in self.server.requests))
        self.assertEqual(json.loads(self.server.requests[0]["body"]), {"workspace": "team", "userId": "u", "message": "hi"})

    def test_gives_up_after_max_retries(self) -> None:
        self.script = [busy(429, **{"Retry-After": "0"})]
        with self.assertRaises(OpenClawError) as caught:
            OpenClaw(base_url=self.server.url, api_key="k", max_retries=2).workspaces.list()
        self.assertEqual(caught.exception.status, 429)
        self.assertEqual(len(self.server.requests), 3)

    def test_does_not_wait_beyond_max_retry_wait(self) -> None:
        self.script = [busy(429, **{"X-RateLimit-Reset": str(int(time.time()) + 3600)})]
        with self.assertRaises(OpenClawError):
            OpenClaw(base_url=self.server.url, api_key="k", max_retries=5, max_retry_wait=1).stats.get()
        self.assertEqual(len(self.server.requests), 1)

    def test_other_errors_are_not_retried(self) -> None:
        self.script = [_support.json_reply(500, {"error": {"code": "internal_error", "message": "boom"}})]
        with self.assertRaises(OpenClawError) as caught:
            OpenClaw(base_url=self.server.url, api_key="k", max_retries=3).sessions.get("sess_x")
        self.assertEqual((caught.exception.status, caught.exception.code), (500, "internal_error"))
        self.assertEqual(len(self.server.requests), 1)

    def test_retry_delay(self) -> None:
        now = 1746005000.0
        self.assertEqual(retry_delay({"retry-after": "2"}, 0, now), 2.0)
        self.assertAlmostEqual(retry_delay({"retry-after": formatdate(now + 5, usegmt=True)}, 0, now), 5.0)
        self.assertEqual(retry_delay({"x-ratelimit-reset": "1746005400"}, 0, now), 400.0)
        self.assertEqual(retry_delay({"retry-after": "1", "x-ratelimit-reset": "1746005400"}, 0, now), 1.0)
        self.assertEqual(retry_delay({"x-ratelimit-reset": "1746004000"}, 0, now), 0.0)
        self.assertEqual(retry_delay({}, 0, now), 0.5)
        self.assertEqual(retry_delay({}, 3, now), 4.0)

    def test_timeout_and_connection_error(self) -> None:
        client = OpenClaw(base_url=self.server.url, api_key="k", timeout=0.1)
        with self.assertRaises(OpenClawError) as caught:
            client._http.json("GET", "/slow")
        self.assertEqual((caught.exception.status, caught.exception.code), (0, "timeout"))
        with self.assertRaises(OpenClawError) as caught:
            OpenClaw(base_url="http://127.0.0.1:1", api_key="k").health()
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

    def test_requires_base_url_and_key(self) -> None:
        with self.assertRaises(ValueError):
            OpenClaw(base_url="", api_key="k")
        with self.assertRaises(ValueError):
            OpenClaw(base_url="http://x", api_key="")


if __name__ == "__main__":
    unittest.main()
