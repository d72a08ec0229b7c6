"""Against the live gateway: the contract's Python snippets as printed (only base_url points at
the test gateway), the Flask pattern, stream events, async sends, sessions."""
import contextlib
import io
import os
import unittest

import _support
from openclaw import MessageResult, OpenClaw, OpenClawError


def ensure_workspace(client: OpenClaw, workspace_id: str) -> None:
    try:
        client.workspaces.create(id=workspace_id)
    except OpenClawError as error:
        if error.code != "already_exists":
            raise


class ContractSnippetsTest(unittest.TestCase):
    def setUp(self) -> None:
        _support.env("OPENCLAW_URL")
        _support.env("OPENCLAW_API_KEY")
        self.admin = _support.live_client()
        for ws in ("team", "analytics"):
            ensure_workspace(self.admin, ws)

    def test_contract_python_snippet(self) -> None:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            # ── the contract's code; base_url is the test gateway's ──
            from openclaw import OpenClaw

            client = OpenClaw(
                base_url=os.environ["OPENCLAW_URL"],
                api_key=os.environ["OPENCLAW_API_KEY"]
            )

            # Send a message
            response = client.messages.send(
                workspace="team",
                user_id="python-app",
                message="Summarize the last 10 commits"
            )
            print(response.response)

            # Stream
            for token in client.messages.stream(
                workspace="team",
                user_id="python-app",
                message="Write a deployment plan"
            ):
                print(token, end="", flush=True)
            # ── end of the contract's code ──
        printed = out.getvalue()
        self.assertIsInstance(response, MessageResult)
        self.assertTrue(response.response)
        self.assertTrue(printed.startswith(response.response + "\n"))
        streamed = printed[len(response.response) + 1:]
        self.assertTrue(streamed)
        self.assertRegex(response.message_id, r"^msg_")
        self.assertRegex(response.session_id, r"^sess_")
        self.assertGreater(response.tokens_used, 0)
        self.assertIsInstance(response.latency_ms, int)
        self.assertIsInstance(response.tools_invoked, list)
        self.assertEqual(response.finish_reason, "stop")
        self.assertEqual(response.tokens_used, response.tokens_in + response.tokens_out)
        # The streamed answer is the one the gateway stored as the session's last turn.
        history = client.sessions.history(response.session_id, limit=1)
        self.assertEqual(history.data[0].role, "assistant")
        self.assertEqual(history.data[0].content, streamed)

    def test_stats_snippet(self) -> None:
        client = self.admin
        client.messages.send(workspace="team", user_id="stats-user", message="count me")
        stats = client.stats.get(from_="2026-04-01", to="2026-04-30")
        self.assertEqual((stats.period.from_, stats.period.to), ("2026-04-01", "2026-04-30"))
        self.assertEqual(len(stats.by_day), 30)
        same = client.stats.get(**{"from": "2026-04-01", "to": "2026-04-30"})
        self.assertEqual(same.period.to_dict(), {"from": "2026-04-01", "to": "2026-04-30"})
        today = client.stats.get()
        self.assertGreaterEqual(today.totals.messages, 1)
        self.assertIsInstance(today.totals.cost_usd, (int, float))
        self.assertGreaterEqual(today.totals.unique_users, 1)
        rows = client.stats.workspaces()
        self.assertIn("team", [r.workspace for r in rows.data])
        users = client.stats.users(workspace="team", limit=20)
        self.assertIn("stats-user", [u.user_id for u in users.data])
        with self.assertRaises(OpenClawError) as caught:
            client.stats.get(from_="2026-04-30", to="2026-04-01")
        self.assertEqual((caught.exception.status, caught.exception.code, caught.exception.field), (400, "validation_error", "from"))
        with self.assertRaises(TypeError):
            client.stats.get(since="2026-04-01")  # type: ignore[call-arg]

    def test_flask_pattern(self) -> None:
        client = self.admin

        class request:  # what Flask's `request` gives the view
            json = {"team": "growth"}

        def jsonify(obj):  # type: ignore[no-untyped-def]
            return obj

        # ── the contract's view function body ──
        def weekly_report():  # type: ignore[no-untyped-def]
            response = client.messages.send(
                workspace="analytics",
                user_id=f"report-{request.json['team']}",
                message=f"Generate weekly performance report for {request.json['team']} team. Include metrics, highlights, and recommendations."
            )
            return jsonify({"report": response.response, "tokens": response.tokens_used})

        result = weekly_report()
        self.assertTrue(result["report"])
        self.assertIsInstance(result["tokens"], int)
        self.assertGreater(result["tokens"], 0)
        sessions = client.sessions.list(workspace="analytics", user_id="report-growth")
        self.assertEqual(sessions.total, 1)


class StreamAndAsyncTest(unittest.TestCase):
    def setUp(self) -> None:
        self.client = _support.live_client()
        ensure_workspace(self.client, "team")

    def test_stream_events_in_order(self) -> None:
        stream = self.client.messages.stream(workspace="team", user_id="events", message="hello there", context={"timezone": "Europe/Berlin", "language": "en"})
        with stream:
            events = list(stream.events())
        types = [e.type for e in events]
        self.assertEqual(types[-1], "done")
        self.assertTrue(set(types[:-1]) <= {"token", "tool_use", "tool_result"})
        self.assertIn("token", types)
        done = events[-1]
        self.assertIs(stream.done, done)
        self.assertEqual(stream.message_id, done.message_id)
        self.assertRegex(done.message_id, r"^msg_")
        self.assertRegex(done.session_id, r"^sess_")
        self.assertEqual(done.finish_reason, "stop")
        self.assertIsNotNone(stream.last_event_id)
        self.assertTrue(stream.headers["x-request-id"])
        text = "".join(e.content for e in events if e.type == "token")
        info = self.client.messages.get(done.message_id)
        self.assertEqual((info.status, info.response, info.tokens_used), ("done", text, done.tokens_used))
        with self.assertRaises(RuntimeError):
            list(stream.events())

    def test_resume_replays_after_last_event_id(self) -> None:
        first = self.client.messages.stream(workspace="team", user_id="resume", message="tell me a story")
        events = list(first.events())
        replay = list(self.client.messages.resume(first.message_id, last_event_id=None).events())
        self.assertEqual([e.to_dict() for e in replay], [e.to_dict() for e in events])
        tail = self.client.messages.resume(first.message_id, last_event_id=None)
        tokens = list(tail)
        self.assertEqual("".join(tokens), "".join(e.content for e in events if e.type == "token"))

    def test_async_send_then_wait(self) -> None:
        accepted = self.client.messages.send(workspace="team", user_id="async-user", message="take your time", async_=True)
        self.assertRegex(accepted.message_id, r"^msg_")
        self.assertIn(accepted.status, ("queued", "running", "done"))
        done = self.client.messages.wait(accepted.message_id, poll_interval=0.05, timeout=20)
        self.assertEqual(done.status, "done")
        self.assertTrue(done.response)
        self.assertEqual(done.session_id, accepted.session_id)

    def test_idempotency_key_returns_the_first_result(self) -> None:
        a = self.client.messages.send(workspace="team", user_id="idem", message="once", idempotency_key="py-idem-1")
        b = self.client.messages.send(workspace="team", user_id="idem", message="once", idempotency_key="py-idem-1")
        self.assertEqual(a.message_id, b.message_id)
        self.assertEqual(self.client.sessions.get(a.session_id).message_count, 2)

    def test_sessions_namespace(self) -> None:
        sent = self.client.messages.send(workspace="team", user_id="sessions-user", message="first", session_id="py-session-1")
        self.assertEqual(sent.session_id, "py-session-1")
        self.client.messages.send(workspace="team", user_id="sessions-user", message="second", session_id="py-session-1")
        session = self.client.sessions.get("py-session-1")
        self.assertEqual((session.id, session.workspace, session.user_id, session.channel, session.message_count), ("py-session-1", "team", "sessions-user", "api", 4))
        listed = self.client.sessions.list(workspace="team", user_id="sessions-user")
        self.assertEqual([s.id for s in listed.data], ["py-session-1"])
        self.assertEqual(listed.total, 1)
        history = self.client.sessions.history("py-session-1", limit=20, offset=0)
        self.assertEqual([(t.role, t.content) for t in history.data][0::2], [("user", "first"), ("user", "second")])
        self.assertEqual(history.total, 4)
        self.assertIsNone(self.client.sessions.delete("py-session-1"))
        with self.assertRaises(OpenClawError) as caught:
            self.client.sessions.get("py-session-1")
        self.assertEqual(caught.exception.status, 404)
        self.client.messages.send(workspace="team", user_id="sessions-user", message="again")
        cleared = self.client.sessions.delete_all(workspace="team")
        self.assertEqual(cleared.workspace, "team")
        self.assertGreaterEqual(cleared.deleted, 1)
        self.assertEqual(self.client.sessions.list(workspace="team").total, 0)


class SchedulesTest(unittest.TestCase):
    def test_create_run_update_delete(self) -> None:
        client = _support.live_client()
        ensure_workspace(client, "team")
        created = client.schedules.create(id="py-standup", workspace="team", user_id="standup-bot", message="Summarize yesterday",
                                          cron="0 9 * * 1-5", timezone="America/New_York")
        self.assertEqual((created.id, created.enabled, created.run_count, created.last_run, created.session_id), ("py-standup", True, 0, None, None))
        self.assertEqual(len(created.next_runs), 5)
        self.assertIn("py-standup", [s.id for s in client.schedules.list(workspace="team").data])
        run = client.schedules.run("py-standup")
        self.assertEqual((run.schedule_id, run.status), ("py-standup", "running"))
        done = client.messages.wait(run.message_id, poll_interval=0.02, timeout=20)
        self.assertEqual((done.status, done.channel, done.user_id), ("done", "schedule", "standup-bot"))
        paused = client.schedules.update("py-standup", enabled=False, session_id="py-standup-session")
        self.assertEqual((paused.enabled, paused.next_run_at, paused.session_id), (False, None, "py-standup-session"))
        back = client.schedules.update("py-standup", session_id=None)
        self.assertIsNone(back.session_id)
        self.assertIsNone(client.schedules.delete("py-standup"))
        with self.assertRaises(OpenClawError) as caught:
            client.schedules.get("py-standup")
        self.assertEqual(caught.exception.status, 404)


if __name__ == "__main__":
    unittest.main()
