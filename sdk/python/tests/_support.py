"""Shared test helpers: the SDK on sys.path (no install needed), the live gateway from the
environment, and a real local HTTP server for states a healthy gateway cannot show on demand."""
from __future__ import annotations

import faulthandler
import json
import os
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, Optional, Tuple

if os.environ.get("OPENCLAW_TEST_HANG_DUMP"):  # the jest harness: print every thread's stack if the run hangs
    faulthandler.dump_traceback_later(float(os.environ["OPENCLAW_TEST_HANG_DUMP"]), exit=True)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from openclaw import OpenClaw  # noqa: E402


def env(name: str) -> str:
    """A variable the jest harness (test/sdk/python.test.ts) sets; skips when run without a gateway."""
    value = os.environ.get(name)
    if not value:
        raise unittest.SkipTest(f"{name} is not set: run through `npm test` (test/sdk/python.test.ts) or set it")
    return value


def live_client(key_var: str = "OPENCLAW_API_KEY", **options) -> OpenClaw:  # type: ignore[no-untyped-def]
    """A client of the test gateway; a short timeout so a hang fails the test instead of the run."""
    options.setdefault("timeout", 30)
    return OpenClaw(base_url=env("OPENCLAW_URL"), api_key=env(key_var), **options)


Reply = Tuple[int, Dict[str, str], bytes]


class FakeServer:
    """A real HTTP server on 127.0.0.1 answering from a script of replies; records requests."""

    def __init__(self, handler: Callable[[str, str, Dict[str, str], bytes], Optional[Reply]]) -> None:
        self.requests: List[Dict[str, object]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                outer.requests.append({"method": self.command, "path": self.path, "headers": headers, "body": body})
                reply = handler(self.command, self.path, headers, body)
                if reply is None:  # drop the connection without an answer (a network failure)
                    self.close_connection = True
                    return
                status, reply_headers, payload = reply
                self.send_response(status)
                for k, v in reply_headers.items():
                    self.send_header(k, v)
                if reply_headers.get("Content-Type") != "text/event-stream":  # streams: read until close
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _serve

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def json_reply(status: int, body: object, headers: Optional[Dict[str, str]] = None) -> Reply:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body).encode()
