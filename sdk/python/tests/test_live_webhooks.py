"""Against the live gateway: a webhook subscription made with the SDK receives real signed
deliveries on a local receiver, and verify_webhook accepts them (and rejects tampering)."""
import json
import threading
import time
import unittest

import _support
from openclaw import sign_webhook, verify_webhook

SECRET = "py-webhook-secret-0123456789"


class WebhookDeliveryTest(unittest.TestCase):
    def setUp(self) -> None:
        self.client = _support.live_client()
        self.received = []
        self.arrived = threading.Condition()

        def handler(method, path, headers, body):  # type: ignore[no-untyped-def]
            with self.arrived:
                self.received.append((path, headers, body))
                self.arrived.notify_all()
            return 200, {"Content-Type": "text/plain"}, b"OK"

        self.receiver = _support.FakeServer(handler)
        self.addCleanup(self.receiver.close)

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 20
        with self.arrived:
            while len(self.received) < count and time.monotonic() < deadline:
                self.arrived.wait(0.1)
        self.assertGreaterEqual(len(self.received), count, "deliveries did not arrive")

    def test_real_deliveries_verify(self) -> None:
        sub = self.client.webhooks.create(url=self.receiver.url + "/openclaw-events", events=["message.sent"], secret=SECRET,
                                          workspaces=["default"], description="python sdk test")
        self.addCleanup(lambda: self.client.webhooks.delete(sub.id))
        self.assertRegex(sub.id, r"^wh_")
        self.assertEqual((sub.events, sub.enabled, sub.workspaces), (["message.sent"], True, ["default"]))
        self.assertIsNone(sub.secret)  # we chose it: never echoed back

        ping = self.client.webhooks.test(sub.id)
        self.assertTrue(ping.manual)
        self.wait_for(1)
        sent = self.client.messages.send(workspace="default", user_id="hook-user", message="ping the hook")
        self.wait_for(2)

        for path, headers, body in self.received:
            self.assertEqual(path, "/openclaw-events")
            self.assertTrue(verify_webhook(body, headers["x-openclaw-signature"], SECRET))
            self.assertEqual(headers["x-openclaw-signature"], sign_webhook(body, SECRET))
            self.assertFalse(verify_webhook(body + b" ", headers["x-openclaw-signature"], SECRET))
            self.assertFalse(verify_webhook(body, headers["x-openclaw-signature"], SECRET + "x"))
        events = [json.loads(b) for _, _, b in self.received]
        self.assertEqual([e["event"] for e in events], ["ping", "message.sent"])
        message_sent = events[1]
        self.assertEqual(message_sent["data"]["messageId"], sent.message_id)
        self.assertEqual(message_sent["data"]["workspace"], "default")
        self.assertEqual(message_sent["data"]["userId"], "hook-user")
        self.assertEqual(message_sent["data"]["response"], sent.response)
        self.assertEqual(self.received[1][1]["x-openclaw-event"], "message.sent")

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            log = self.client.webhooks.deliveries(sub.id)
            if log.total == 2 and all(d.status == "delivered" for d in log.data):
                break
            time.sleep(0.05)
        self.assertEqual([d.event for d in log.data], ["message.sent", "ping"])  # newest first
        self.assertEqual({d.status for d in log.data}, {"delivered"})
        self.assertEqual(log.data[0].id, self.received[1][1]["x-openclaw-delivery"])
        detail = self.client.webhooks.delivery(sub.id, log.data[0].id)
        self.assertEqual(detail.payload["data"]["messageId"], sent.message_id)
        self.assertEqual(detail.attempts[0].status, 200)

        again = self.client.webhooks.redeliver(sub.id, log.data[0].id)
        self.assertEqual((again.redelivery_of, again.event_id), (log.data[0].id, log.data[0].event_id))
        self.wait_for(3)
        self.assertTrue(verify_webhook(self.received[2][2], self.received[2][1]["x-openclaw-signature"], SECRET))

        rotated = self.client.webhooks.update(sub.id, rotate_secret=True)
        self.assertTrue(rotated.secret)
        self.client.webhooks.test(sub.id)
        self.wait_for(4)
        _, headers, body = self.received[3]
        self.assertFalse(verify_webhook(body, headers["x-openclaw-signature"], SECRET))
        self.assertTrue(verify_webhook(body, headers["x-openclaw-signature"], rotated.secret))


if __name__ == "__main__":
    unittest.main()
