"""Against the live gateway: list methods page automatically. 5 sessions at limit 2 are 3 pages,
each fetched once when iterated; ``.data`` / ``.total`` read one page; pages can be walked by hand."""
import unittest

import _support
from openclaw import OpenClawError, Page


class PaginationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.client = _support.live_client()
        try:
            cls.client.workspaces.create(id="py-pages")
        except OpenClawError as err:
            if err.code != "already_exists":
                raise
        cls.client.sessions.delete_all(workspace="py-pages")
        for i in range(5):
            cls.client.messages.send(workspace="py-pages", user_id=f"user-{i}", message=f"hello {i}")

    def test_iterates_every_session_across_three_pages(self) -> None:
        http = self.client._http
        offsets = []
        fetch = http.json

        def counting(method, path, **kwargs):  # type: ignore[no-untyped-def]
            if path == "/sessions":
                offsets.append(kwargs["query"]["offset"])
            return fetch(method, path, **kwargs)

        http.json = counting
        try:
            seen = list(self.client.sessions.list(workspace="py-pages", limit=2))
        finally:
            del http.json
        self.assertEqual(offsets, [0, 2, 4])
        self.assertEqual(sorted(s.user_id for s in seen), [f"user-{i}" for i in range(5)])
        one_page = self.client.sessions.list(workspace="py-pages", limit=10)
        self.assertEqual([s.id for s in seen], [s.id for s in one_page.data])

    def test_one_page_with_total_and_pages_by_hand(self) -> None:
        first = self.client.sessions.list(workspace="py-pages", limit=2)
        self.assertIsInstance(first, Page)
        self.assertEqual((len(first.data), first.total, first.limit, first.offset), (2, 5, 2, 0))
        self.assertTrue(first.has_next_page())
        self.assertEqual([len(p.data) for p in first.iter_pages()], [2, 2, 1])
        last = first.get_next_page().get_next_page()
        self.assertEqual((last.offset, last.has_next_page()), (4, False))
        self.assertEqual(len(list(self.client.sessions.list(workspace="py-pages", limit=2, offset=3))), 2)
        self.assertEqual(first.to_dict()["total"], 5)

    def test_empty_list(self) -> None:
        page = self.client.sessions.list(workspace="py-pages", user_id="nobody")
        self.assertEqual((page.data, page.total, page.has_next_page(), list(page)), ([], 0, False, []))

    def test_webhook_subscriptions_and_deliveries_page_the_same_way(self) -> None:
        ids = [self.client.webhooks.create(url=f"http://127.0.0.1:9/py-page-{i}", events=["message.sent"]).id for i in range(3)]
        for webhook_id in ids:
            self.addCleanup(self.client.webhooks.delete, webhook_id)
        listed = [w.id for w in self.client.webhooks.list(limit=1)]
        self.assertEqual([i for i in listed if i in ids], ids)
        for _ in range(3):
            self.client.webhooks.test(ids[0])
        self.assertEqual([d.event for d in self.client.webhooks.deliveries(ids[0], limit=1)], ["ping", "ping", "ping"])
        self.assertEqual(self.client.webhooks.deliveries(ids[0], limit=2).total, 3)


if __name__ == "__main__":
    unittest.main()
