"""An attached console's chat, and the recent chat a console attaching later is given, stop
naming a viewer who asks to be forgotten in a moderator's `!stage @handy` as the show's own
console and the database do ("a forgotten viewer" where it said `@handy`)."""

from __future__ import annotations

from showserver import comment, serve
from test_attach import console_of, screen_text, until

from stagehand.domain import Author, Comment

START = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Synth Night"},
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Oscillators", "keywords": []},
    comment("w1", "00:02", "handy", "1001", "hi dvd people"),
    comment("w2", "00:04", "modbob", "1002", "!stage @handy", roles=["moderator"]),
]
HANDY = Author("twitch", "1001", "handy")


async def test_attached_consoles_chat_stops_naming_a_viewer_who_is_forgotten(tmp_path) -> None:
    served = await serve(tmp_path, START, commands=True)
    await served.played()
    try:
        async with console_of(served, "alice", size=(140, 40)) as (_, app, pilot):
            await until(lambda: "modbob: !stage @handy" in screen_text(app), 5, pilot)
            live = served.live
            for id, text in (("x1", "!forget"), ("x2", "!forget confirm")):
                live.comment_received(Comment(id, "twitch", "synthnight", HANDY, text, live.now()))

            def unnamed() -> bool:
                text = screen_text(app)
                return (
                    "modbob: !stage a forgotten viewer" in text and "handy" not in text.casefold()
                )

            await until(unnamed, 5, pilot, said=lambda: screen_text(app))
        # A console attaching now starts from the show's recent chat.
        async with console_of(served, "vic", size=(140, 40)) as (_, app, pilot):
            await until(lambda: "modbob: !stage" in screen_text(app), 5, pilot)
            text = screen_text(app)
            assert "modbob: !stage a forgotten vi" in text, text  # cut to the panel's width
            assert "handy" not in text.casefold()
    finally:
        await served.close()
