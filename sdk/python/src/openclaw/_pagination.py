"""Offset pagination over the gateway's list endpoints (``{data, total}`` replies, ``limit`` /
``offset`` queries). A list method returns a ``Page``: read ``.data`` and ``.total`` for that one
page, or iterate it for every item of every page, fetched as needed."""
from __future__ import annotations

from typing import Any, Callable, Generic, Iterator, List, TypeVar

from ._models import ApiObject

T = TypeVar("T")


class Page(Generic[T]):
    """One page of a list: the reply's fields (``data``, ``total``, and ``limit`` / ``offset``
    where the endpoint returns them) plus navigation. Iterating yields the items of this page and
    of every page after it. Offsets shift if items are added or removed while paging.

        for session in client.sessions.list(workspace="team"):
            print(session.id)
        page = client.sessions.list(workspace="team", limit=50)
        print(len(page.data), "of", page.total)
    """

    def __init__(self, body: ApiObject, offset: int, fetch: Callable[[int], ApiObject]) -> None:
        self._body = body
        self._offset = offset
        self._fetch = fetch

    @property
    def data(self) -> List[T]:
        """The items of this page."""
        return list(self._body.data or [])

    @property
    def total(self) -> int:
        """How many items there are in all."""
        return int(self._body.total)

    def __getattr__(self, name: str) -> Any:  # limit, offset and any other field of the reply
        if name.startswith("_"):  # not set yet (copy, pickle): no recursion through _body
            raise AttributeError(name)
        return getattr(self._body, name)

    def has_next_page(self) -> bool:
        """True when items remain after this page."""
        count = len(self._body.data or [])
        return count > 0 and self._offset + count < self.total

    def get_next_page(self) -> "Page[T]":
        """The page after this one (call only when ``has_next_page()``)."""
        offset = self._offset + len(self._body.data or [])
        return Page(self._fetch(offset), offset, self._fetch)

    def iter_pages(self) -> Iterator["Page[T]"]:
        """This page and every page after it."""
        page: Page[T] = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data

    def to_dict(self) -> dict:
        """The raw JSON reply of this page."""
        return self._body.to_dict()

    def __repr__(self) -> str:
        return f"Page({self._body!r})"
