"""An attached console with fewer rights, after its show restarted, and after it ended.

The show is real (a replayed transcript, its show server on 127.0.0.1), the console a real
`RemoteShow` and `StagehandApp` driven with Pilot: a key the token's role may not use is refused
before any dialog opens, the notice history keeps a restarted show's notices apart from the
earlier run's, and leaving a show that ended does not promise that it goes on.
"""

from __future__ import annotations

import asyncio
import re

from showserver import act, played, serve
from test_attach import attached, console_of, screen_text, until
from test_attach_restart import served_again

from stagehand.console.actions import ACTIONS
from stagehand.console.screens.notices import RESTARTED_HERE
from stagehand.console.screens.reply import ReplyScreen

SIZE = (120, 35)


async def test_a_key_the_role_may_not_use_is_refused_before_its_dialog(tmp_path) -> None:
    async with played(tmp_path) as served:
        async with console_of(served, "vic", SIZE) as (_, viewer_app, pilot):
            await pilot.press("j")
            # Every key that changes the show, reply's and moderation's dialogs first.
            keys = ["r", "m", "f", "t"] + [
                a.keys for a in ACTIONS.values() if a.show_action and a.keys not in "rmft"
            ]
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
                assert len(viewer_app.screen_stack) == 1, f"{key} opened {viewer_app.screen}"
                notice = viewer_app.state.notice
                assert notice.level == "refused", (key, notice)
                assert notice.text.startswith("vic has a viewer token: it may read the show"), (
                    key,
                    notice.text,
                )
            assert "! refused: vic has a viewer token" in screen_text(viewer_app)

        async with console_of(served, "alice", SIZE) as (_, producer_app, pilot):
            await pilot.press("j", "m")  # moderation takes a host token
            await pilot.pause()
            assert len(producer_app.screen_stack) == 1
            assert producer_app.state.notice.text == (
                "a producer may not moderate (delete, time out, ban): that takes a host token"
            )
            await pilot.press("r")  # a producer may reply: the dialog opens
            await pilot.pause()
            assert isinstance(producer_app.screen, ReplyScreen)
        # Nothing was asked of the show.
        assert served.db().execute("SELECT count(*) FROM host_actions").fetchone() == (0,)


#: Another show served on the same address after the first stopped: its clock starts earlier
#: than the first show's last notice.
EARLIER = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Synth Night, again"},
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Warm-up", "keywords": ["hi"]},
]


async def test_the_notice_history_keeps_a_restarted_shows_notices_apart(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    before = await serve(tmp_path / "a")  # its clock stands at 19:00:40, its last comment
    await before.played()
    remote, app = await attached(before, "hana")
    after = None
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("u")  # a notice stamped by the first show's clock
            await pilot.pause()
            epoch = remote._epoch
            await before.server.stop()
            after = await served_again(before, tmp_path / "b", EARLIER)
            await after.played()
            await until(lambda: remote._epoch != epoch, seconds=10, pilot=pilot)
            await until(
                lambda: any("The show restarted" in n.text for n in app.state.notices),
                pilot=pilot,
            )
            await pilot.press("i")
            await pilot.pause()
            lines = screen_text(app).splitlines()
            times = [
                (i, m.group(1))
                for i, line in enumerate(lines)
                if (m := re.match(r"\s*(\d\d:\d\d:\d\d)  ", line))
            ]
            marks = [i for i, line in enumerate(lines) if RESTARTED_HERE[:30] in line]
            assert len(marks) == 1, "\n".join(lines)
            newer = [t for i, t in times if i < marks[0]]
            older = [t for i, t in times if i > marks[0]]
            assert newer and older
            # Newest first, each run in its own order; the restarted show's clock reads earlier.
            assert newer == sorted(newer, reverse=True)
            assert older == sorted(older, reverse=True)
            assert newer[0] < older[-1]
    finally:
        await remote.close()
    assert after is not None
    await after.close()
    await before.live.close()
    before.runner.cancel()
    await asyncio.gather(before.runner, return_exceptions=True)


async def test_leaving_a_show_that_ended_does_not_say_it_goes_on(tmp_path) -> None:
    served = await serve(tmp_path)
    await served.played()
    remote, app = await attached(served, "alice")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("q")
            await pilot.pause()
            assert "The show goes on and keeps recording" in screen_text(app)
            await pilot.press("n")
            await served.live.close()  # the host quit the show
            await served.server.stop()
            await until(lambda: remote.ended, seconds=3, pilot=pilot)
            await pilot.press("q")
            await pilot.pause()
            text = screen_text(app)
            assert "The show ended at 19:00; this console closes." in text
            assert "goes on" not in text
    finally:
        await remote.close()
    served.runner.cancel()
    await asyncio.gather(served.runner, return_exceptions=True)


async def test_a_producers_undo_never_claims_the_console_did_nothing(tmp_path) -> None:
    """A producer puts a comment on stream, dismisses another; the host takes the dismissal
    back. The producer's `u` is refused (undone already), the next takes the stream back, and
    the one after says nothing is left to undo: not that this console has done nothing."""
    served = await serve(tmp_path)
    await served.played()
    remote, app = await attached(served, "alice")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("home", "s")
            await until(lambda: served.live.featured is not None, seconds=3, pilot=pilot)
            await pilot.press("j", "d")
            await until(lambda: len(app.undo_stack) == 2, seconds=3, pilot=pilot)
            status, _ = await act(served, "hana", action="undo", key=app.undo_stack[-1])
            assert status == 200
            await until(
                lambda: app.state.handled[app.undo_stack[-1]].undone, seconds=3, pilot=pilot
            )
            await pilot.press("u")
            await until(
                lambda: app.state.notice.text.endswith("was already undone"),
                seconds=3,
                pilot=pilot,
            )
            await pilot.press("u")
            await until(lambda: served.live.featured is None, seconds=3, pilot=pilot)
            await until(
                lambda: app.state.notice.text.startswith("Undid showing"), seconds=3, pilot=pilot
            )
            await pilot.press("u")
            await pilot.pause()
            assert app.state.notice.text == (
                "Nothing to undo: this console's actions are all taken back"
            )
            assert "done nothing" not in screen_text(app)
    finally:
        await remote.close()
    rows = served.db().execute("SELECT action, actor FROM host_actions ORDER BY id").fetchall()
    assert rows == [
        ("feature", "alice"),
        ("dismiss", "alice"),
        ("undo", "hana"),
        ("undo", "alice"),
    ]
    await served.close()


async def test_a_producer_attaching_later_may_take_back_what_they_did_before(tmp_path) -> None:
    """A last read, lr3: the snapshot an attached console starts from lost who handled each
    comment, so a producer's `l` offered none of their own earlier actions to take back."""
    from stagehand.console.screens.handled import HandledScreen

    served = await serve(tmp_path)
    await served.played()
    try:
        status, body = await act(served, "alice", action="dismiss", comment_id="m2")
        assert status == 200 and body["ok"], body
        remote, app = await attached(served, "alice")
        try:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.press("l")
                await until(lambda: isinstance(app.screen, HandledScreen), 2, pilot)
                screen = app.screen
                assert isinstance(screen, HandledScreen)
                assert [e.actor for e in screen.entries] == ["alice"]
                await pilot.press("u")
                # The show took it back and says so: `l` lists it as undone now.
                handled = app.state.handled
                await until(lambda: handled[body["key"]].undone, 3, pilot)
        finally:
            await remote.close()
    finally:
        await served.close()
