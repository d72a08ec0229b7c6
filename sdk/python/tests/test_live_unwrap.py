"""Against the live gateway: ``client.webhooks.unwrap`` on real deliveries. A subscription made
with the SDK gets a generated ``whsec_`` secret; its delivery unwraps to the typed event; a stale
timestamp, a forged signature or body, and a captured delivery replayed with a fresh timestamp
raise WebhookVerificationError; the contract's verify_webhook still accepts the body."""
import base64
import json
import threading
import time
import unittest

import _support
from openclaw import MessageSentEvent, OpenClawError, WebhookVerificationError, sign_standard_webhook, verify_webhook


class Receiver:
    """A real local HTTP receiver that records every delivery (headers lower-case, raw body)."""

    def __init__(self, test: unittest.TestCase) -> None:
        self.received = []
        self.arrived = threading.Condition()

        def handler(method, path, headers, body):  # type: ignore[no-untyped-def]
            with self.arrived:
                self.received.append((headers, body))
                self.arrived.notify_all()
            return 200, {"Content-Type": "text/plain"}, b"OK"

        self.server = _support.FakeServer(handler)
        test.addCleanup(self.server.close)

    def wait_for(self, count: int):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 20
        with self.arrived:
            while len(self.received) < count and time.monotonic() < deadline:
                self.arrived.wait(0.1)
        if len(self.received) < count:
            raise AssertionError("deliveries did not arrive")
        return self.received[count - 1]


class UnwrapTest(unittest.TestCase):
    def setUp(self) -> None:
        self.client = _support.live_client()
        self.receiver = Receiver(self)
        sub = self.client.webhooks.create(url=self.receiver.server.url + "/hooks", events=["message.sent"], workspaces=["default"])
        self.addCleanup(lambda: self.client.webhooks.delete(sub.id))
        self.secret = sub.secret
        self.sent = self.client.messages.send(workspace="default", user_id="py-unwrap", message="hello hooks")
        self.headers, self.body = self.receiver.wait_for(1)

    def refused(self, code: str, body, headers, secret=None, **options):  # type: ignore[no-untyped-def]
        with self.assertRaises(WebhookVerificationError) as caught:
            self.client.webhooks.unwrap(body, headers, secret or self.secret, **options)
        self.assertIsInstance(caught.exception, OpenClawError)
        self.assertEqual(caught.exception.code, code)

    def test_real_delivery_unwraps_to_the_typed_event(self) -> None:
        self.assertRegex(self.secret, r"^whsec_[A-Za-z0-9+/]{43}=$")
        self.assertEqual(len(base64.b64decode(self.secret[6:])), 32)
        event = self.client.webhooks.unwrap(self.body, self.headers, self.secret, tolerance_seconds=300)
        self.assertIsInstance(event, MessageSentEvent)
        self.assertEqual(event.event, "message.sent")
        self.assertEqual((event.data.message_id, event.data.response, event.data.user_id), (self.sent.message_id, self.sent.response, "py-unwrap"))
        self.assertRegex(event.id, r"^evt_")
        # str bodies and headers in any case work the same.
        upper = {k.upper(): v for k, v in self.headers.items()}
        self.assertEqual(self.client.webhooks.unwrap(self.body.decode("utf-8"), upper, self.secret), event)

    def test_the_sdk_signer_matches_the_gateway(self) -> None:
        h = self.headers
        self.assertEqual(sign_standard_webhook(self.body, h["webhook-id"], self.secret, int(h["webhook-timestamp"])), h["webhook-signature"])
        self.assertTrue(verify_webhook(self.body, h["x-openclaw-signature"], self.secret))

    def test_refuses_a_stale_delivery_and_takes_it_with_a_wider_tolerance(self) -> None:
        old = int(time.time()) - 600
        stale = {"webhook-id": self.headers["webhook-id"], "webhook-timestamp": str(old),
                 "webhook-signature": sign_standard_webhook(self.body, self.headers["webhook-id"], self.secret, old)}
        self.refused("timestamp_out_of_tolerance", self.body, stale)
        self.assertEqual(self.client.webhooks.unwrap(self.body, stale, self.secret, tolerance_seconds=3600).event, "message.sent")

    def test_refuses_forgeries(self) -> None:
        tampered = self.body.replace(self.sent.response.encode("utf-8"), b"something else")
        self.refused("invalid_signature", tampered, self.headers)
        self.refused("invalid_signature", self.body, self.headers, secret="whsec_" + base64.b64encode(bytes([7]) * 32).decode())
        self.refused("invalid_signature", self.body, {**self.headers, "webhook-signature": "v1," + base64.b64encode(bytes(32)).decode()})
        self.refused("invalid_signature", self.body, {**self.headers, "webhook-signature": "v1,not base64!"})
        unsigned = {k: v for k, v in self.headers.items() if k != "webhook-signature"}
        self.refused("missing_header", self.body, unsigned)
        self.refused("invalid_payload", json.loads(self.body), self.headers)

    def test_refuses_a_captured_delivery_replayed_with_a_fresh_timestamp(self) -> None:
        replayed = {**self.headers, "webhook-timestamp": str(int(time.time()) + 1)}
        self.refused("invalid_signature", self.body, replayed)
        # The body signature alone does not see the timestamp: it would have accepted the replay.
        self.assertTrue(verify_webhook(self.body, replayed["x-openclaw-signature"], self.secret))

    def test_accepts_any_of_several_v1_signatures(self) -> None:
        several = {**self.headers, "webhook-signature": "v1," + base64.b64encode(bytes([1]) * 32).decode() + " " + self.headers["webhook-signature"]}
        self.assertEqual(self.client.webhooks.unwrap(self.body, several, self.secret).event, "message.sent")

    def test_a_secret_chosen_before_whsec_keeps_working(self) -> None:
        legacy = Receiver(self)
        sub = self.client.webhooks.create(url=legacy.server.url + "/legacy", events=["message.sent"], workspaces=["default"], secret="my-own-secret-0123456789")
        self.addCleanup(lambda: self.client.webhooks.delete(sub.id))
        self.client.messages.send(workspace="default", user_id="py-legacy", message="hi")
        headers, body = legacy.wait_for(1)
        event = self.client.webhooks.unwrap(body, headers, "my-own-secret-0123456789")
        self.assertEqual((event.event, event.data.user_id), ("message.sent", "py-legacy"))


if __name__ == "__main__":
    unittest.main()
