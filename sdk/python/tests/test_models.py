"""Response objects, name mapping and webhook signatures (no gateway needed)."""
import hashlib
import hmac
import unittest

import _support  # noqa: F401  (puts the SDK on sys.path)
from openclaw import MessageResult, StatsReport, sign_webhook, verify_webhook
from openclaw._models import ApiObject, camel, snake


class NamesTest(unittest.TestCase):
    def test_snake_and_camel(self) -> None:
        self.assertEqual(snake("tokensUsed"), "tokens_used")
        self.assertEqual(snake("costUSD"), "cost_usd")
        self.assertEqual(snake("memoryMB"), "memory_mb")
        self.assertEqual(snake("avgLatencyMs"), "avg_latency_ms")
        self.assertEqual(snake("from"), "from_")
        self.assertEqual(camel("user_id"), "userId")
        self.assertEqual(camel("rotate_secret"), "rotateSecret")
        self.assertEqual(camel("from_"), "from")


class ApiObjectTest(unittest.TestCase):
    def test_attribute_item_and_nested_access(self) -> None:
        stats = StatsReport({
            "period": {"from": "2026-04-01", "to": "2026-04-30"},
            "totals": {"messages": 4821, "costUSD": 24.8},
            "byDay": [{"date": "2026-04-01", "messages": 142}],
        })
        self.assertEqual(stats.totals.messages, 4821)
        self.assertEqual(stats.totals.cost_usd, 24.8)
        self.assertEqual(stats.period.from_, "2026-04-01")
        self.assertEqual(stats.by_day[0].date, "2026-04-01")
        self.assertEqual(type(stats.by_day[0]).__name__, "StatsDay")
        self.assertEqual(stats["totals"]["messages"], 4821)
        self.assertEqual(stats.to_dict()["byDay"][0]["messages"], 142)

    def test_declared_optional_fields_read_none_and_unknown_ones_raise(self) -> None:
        result = MessageResult({"messageId": "msg_1", "response": "hi", "tokensUsed": 3})
        self.assertIsNone(result.cost_usd)
        with self.assertRaises(AttributeError):
            result.no_such_field  # noqa: B018
        with self.assertRaises(AttributeError):
            result.response = "changed"  # type: ignore[misc]
        self.assertEqual(result, {"messageId": "msg_1", "response": "hi", "tokensUsed": 3})

    def test_undeclared_nested_objects_are_api_objects(self) -> None:
        obj = ApiObject({"input": {"action": "list_issues"}, "items": [{"aB": 1}]})
        self.assertEqual(obj.input.action, "list_issues")
        self.assertEqual(obj["items"][0].a_b, 1)


class WebhookSignatureTest(unittest.TestCase):
    body = b'{"event":"message.sent","timestamp":"2026-04-30T10:42:00Z","data":{}}'

    def test_matches_the_contract_algorithm(self) -> None:
        expected = "sha256=" + hmac.new(b"s3cret", self.body, hashlib.sha256).hexdigest()
        self.assertEqual(sign_webhook(self.body, "s3cret"), expected)
        self.assertTrue(verify_webhook(self.body, expected, "s3cret"))
        self.assertTrue(verify_webhook(self.body.decode(), expected, "s3cret"))
        self.assertTrue(verify_webhook(bytearray(self.body), expected, "s3cret"))

    def test_rejects_wrong_secret_body_or_format(self) -> None:
        good = sign_webhook(self.body, "s3cret")
        self.assertFalse(verify_webhook(self.body, good, "other"))
        self.assertFalse(verify_webhook(self.body + b" ", good, "s3cret"))
        self.assertFalse(verify_webhook(self.body, good.replace("sha256=", ""), "s3cret"))
        self.assertFalse(verify_webhook(self.body, None, "s3cret"))
        self.assertFalse(verify_webhook(self.body, "", "s3cret"))
        self.assertFalse(verify_webhook(self.body, "sha256=zz", "s3cret"))
        self.assertFalse(verify_webhook(self.body, good, ""))


class VersionTest(unittest.TestCase):
    def test_version_is_the_packages(self) -> None:
        import os
        import re

        import openclaw

        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyproject.toml")) as f:
            declared = re.search(r'^version = "([^"]+)"', f.read(), re.M).group(1)  # type: ignore[union-attr]
        self.assertEqual(openclaw.__version__, declared)


if __name__ == "__main__":
    unittest.main()
