"""Commands through the real platform libraries: twitchio and discord.py against the fakes.

The same commands as in the replay tests, typed in a Twitch chat and used as a Discord slash
command; the answers and stage invitations are asserted on the wire, the log in SQLite.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from fakes.discord_server import (
    LISTENER_ID,
    SHOW_CHANNEL_ID,
    ZEYLA_ID,
    FakeDiscord,
    payloads_available,
    running_adapter,
)
from fakes.discord_server import RecordingSink as DiscordSink
from fakes.twitch_server import (
    BROADCASTER,
    CHATTER,
    FakeTwitch,
    chat_event,
    settings_for,
    store_credentials,
)
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.commands import slash_command_specs
from stagehand.config import Settings, ShowSettings
from stagehand.platform import ConnectionState
from stagehand.session import open_show
from stagehand.show.live import LiveShow

GUEST_LINK = "https://vdo.ninja/?room=synth"


async def wait_for(predicate, timeout: float = 5.0):
    async with asyncio.timeout(timeout):
        while not (found := predicate()):
            await asyncio.sleep(0.02)
    return found


def logged(db: Path) -> list[tuple[str, str, str]]:
    return (
        sqlite3.connect(db)
        .execute(
            "SELECT authors.name, commands.name, commands.outcome FROM commands"
            " JOIN authors ON authors.id = commands.author_id ORDER BY commands.id"
        )
        .fetchall()
    )


# -- Twitch -----------------------------------------------------------------------------------


@asynccontextmanager
async def twitch_show(
    fake: FakeTwitch, tmp_path: Path, settings: Settings, *, guest_link: str = ""
) -> AsyncIterator[LiveShow]:
    """A show in tmp_path/show.db with twitchio connected to `fake`; what the commands sent
    has gone out when the block ends, and the show is closed."""
    store, _, _ = store_credentials(fake, tmp_path / "tokens.json")
    adapter = TwitchAdapter(settings_for(fake), store, guest_link=guest_link)
    live = open_show(settings, db_path=tmp_path / "show.db", adapters=[adapter])
    running = asyncio.create_task(live.run_adapters())
    try:
        await fake.wait_for_subscriptions(1)
        await wait_for(lambda: live.connections["twitch"][0] is ConnectionState.CONNECTED)
        yield live
        await live.drain()
    finally:
        await live.close()
        await running


@pytest.mark.usefixtures("twitch_capture")
async def test_twitch_chat_commands_answer_in_thread_and_stage_the_right_viewer(
    fake_twitch: FakeTwitch, tmp_path: Path
) -> None:
    fake = fake_twitch
    db = tmp_path / "show.db"
    settings = Settings(show=ShowSettings(guest_link=GUEST_LINK))
    async with twitch_show(fake, tmp_path, settings, guest_link=GUEST_LINK) as live:
        live.start_segment("Filters", ["cutoff"])
        impostor = {"id": "666", "login": "evil", "display_name": CHATTER["login"]}
        moderator = {"id": "555", "login": "synthmod", "display_name": "SynthMod"}

        await fake.send_chat(chat_event(message_id="q1", text="!topic"))
        await fake.send_chat(chat_event(message_id="e1", text="pick me", chatter=impostor))
        await fake.send_chat(chat_event(message_id="e2", text="!stage @evil", chatter=impostor))
        await fake.send_chat(
            chat_event(
                message_id="s1",
                text=f"!stage @{CHATTER['login']}",
                chatter=moderator,
                badges=[("moderator", "1")],
            )
        )
        await wait_for(lambda: len(fake.requests_to("POST", "chat/messages")) >= 2)

    sent = [
        (r.json["message"], r.json.get("reply_parent_message_id"))
        for r in fake.requests_to("POST", "chat/messages")
    ]
    assert sent == [
        ("Now on the show: Filters (cutoff)", "q1"),
        (f"Invited @{CHATTER['login']} on stage.", "s1"),
    ]
    [whisper] = fake.requests_to("POST", "whispers")  # the private link, privately
    assert whisper.query["to_user_id"] == CHATTER["id"]
    assert whisper.json["message"] == (
        f"@{CHATTER['login']} you're invited on stage! Join here: {GUEST_LINK}"
    )
    staged = sqlite3.connect(db).execute(
        "SELECT authors.platform_user_id FROM stage_sessions JOIN authors ON authors.id = author_id"
    )
    assert staged.fetchall() == [(CHATTER["id"],)]  # the real nerixyz, not the look-alike
    log = logged(db)
    assert log[0] == (CHATTER["login"], "topic", "ok: told the topic")
    assert log[1] == ("evil", "stage", "refused: moderators only")
    assert log[2][:2] == ("synthmod", "stage") and log[2][2].startswith("ok: @nerixyz")
    assert BROADCASTER["id"] == fake.requests_to("POST", "chat/messages")[0].json["broadcaster_id"]


@pytest.mark.usefixtures("twitch_capture")
async def test_twitch_privacy_commands_in_quick_succession_are_all_carried_out(
    fake_twitch: FakeTwitch, tmp_path: Path
) -> None:
    """A `!forget confirm` typed too early, then `!forget` and `!forget confirm` a second apart
    (the confirmation was under a cooldown: nothing deleted, no answer); `!optout` again right
    after `!optin` (ignored the same way: the name and text were kept)."""
    fake = fake_twitch
    db = tmp_path / "show.db"
    zed = {"id": "5001", "login": "zed", "display_name": "zed"}
    yan = {"id": "5002", "login": "yan", "display_name": "yan"}
    lines = [
        ("z1", zed, "what is a filter, really?"),
        ("z2", zed, "!forget confirm"),
        ("z3", zed, "!forget"),
        ("z4", zed, "!forget confirm"),
        ("y1", yan, "!optout"),
        ("y2", yan, "!optin"),
        ("y3", yan, "!optout"),
        ("y4", yan, "my private message about filters"),
    ]
    async with twitch_show(fake, tmp_path, Settings()):
        for message_id, chatter, text in lines:
            await fake.send_chat(chat_event(message_id=message_id, text=text, chatter=chatter))
        await wait_for(lambda: len(fake.requests_to("POST", "chat/messages")) >= 6)

    answered = {
        r.json.get("reply_parent_message_id"): r.json["message"]
        for r in fake.requests_to("POST", "chat/messages")
    }
    assert answered["z4"].startswith("Done: your name and messages stored by this show are deleted")
    assert answered["y3"].startswith("Done: from now on your name and messages are not kept")
    kept = sqlite3.connect(db).execute(
        "SELECT comments.message_id, comments.text, authors.name FROM comments"
        " JOIN authors ON authors.id = comments.author_id WHERE message_id IN ('z1', 'y4')"
    )
    rows = sorted(kept.fetchall())
    assert [(message_id, text) for message_id, text, _ in rows] == [("y4", ""), ("z1", "")]
    assert not {name for _, _, name in rows} & {"zed", "yan"}


@pytest.mark.usefixtures("twitch_capture")
async def test_a_twitch_moderators_segment_that_is_live_already_records_nothing(
    fake_twitch: FakeTwitch, tmp_path: Path
) -> None:
    """`!segment Filters | cutoff` typed while "Filters (cutoff)" is live: answered "Topic
    unchanged" in its thread, and no host action in the log (nothing changed to undo)."""
    fake = fake_twitch
    db = tmp_path / "show.db"
    async with twitch_show(fake, tmp_path, Settings()) as live:
        live.start_segment("Filters", ["cutoff"])
        moderator = {"id": "555", "login": "synthmod", "display_name": "SynthMod"}
        await fake.send_chat(
            chat_event(
                message_id="g1",
                text="!segment Filters | cutoff",
                chatter=moderator,
                badges=[("moderator", "1")],
            )
        )
        await wait_for(lambda: fake.requests_to("POST", "chat/messages"))

    sent = [
        (r.json["message"], r.json.get("reply_parent_message_id"))
        for r in fake.requests_to("POST", "chat/messages")
    ]
    assert sent == [("Topic unchanged: Filters (cutoff)", "g1")]
    assert logged(db) == [("synthmod", "segment", "ignored: topic unchanged: Filters (cutoff)")]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM host_actions").fetchone() == (0,)


# -- Discord ----------------------------------------------------------------------------------


class ShowSink(DiscordSink):
    """The live show as the adapter's sink, still recording connection states for the helper."""

    def __init__(self, live: LiveShow) -> None:
        super().__init__()
        self.live = live

    def comment_received(self, comment) -> None:
        super().comment_received(comment)
        self.live.comment_received(comment)

    def hand_changed(self, author, raised: bool) -> None:
        super().hand_changed(author, raised)
        self.live.hand_changed(author, raised)


async def test_discord_slash_and_chat_commands_go_through_the_same_handlers(tmp_path: Path) -> None:
    if not payloads_available():
        pytest.skip("real Discord payloads not found in ../shared/data/platform-payloads")
    db = tmp_path / "show.db"
    live = open_show(Settings(), db_path=db, adapters=[])
    live.start_segment("Filters", ["cutoff"])
    sink = ShowSink(live)
    async with (
        FakeDiscord() as fake,
        running_adapter(
            fake, sink, tmp_path / "tokens.json", slash_commands=slash_command_specs()
        ) as adapter,
    ):
        live.add_adapter(adapter)
        slash = fake.interaction("topic")
        await fake.dispatch("INTERACTION_CREATE", slash)
        await fake.dispatch("MESSAGE_CREATE", fake.message(author_id=LISTENER_ID, content="hi!"))
        await fake.dispatch(
            "MESSAGE_CREATE", fake.message(author_id=ZEYLA_ID, content="!stage @listener")
        )
        await sink.wait_until(lambda: len(sink.comments) >= 3)
        await live.drain()
        registered = fake.requests_to("PUT", r"/applications/\d+/guilds/\d+/commands")
        followups = fake.requests_to("POST", rf"/webhooks/\d+/{slash['token']}")
        answers = fake.requests_to("POST", rf"/channels/{SHOW_CHANNEL_ID}/messages")
        on_stage = [s.author.id for s in live.on_stage]
    await live.close()

    assert {c["name"] for c in registered[0].json} >= {"ask", "hand", "topic", "forget"}
    assert [f.json["content"] for f in followups] == ["Now on the show: Filters (cutoff)"]
    assert on_stage == [LISTENER_ID]
    assert any(a.json.get("message_reference") for a in answers)  # the moderator was answered
    log = logged(db)
    assert log[0][1:] == ("topic", "ok: told the topic")
    assert log[1][:2] == ("zeyla", "stage") and log[1][2].startswith("ok: @listener")


@pytest.mark.usefixtures("twitch_capture")
@pytest.mark.parametrize(
    ("leaving", "shown_as"),
    [
        (["!forget", "!forget confirm"], "a forgotten viewer"),
        (["!optout"], "a viewer who opted out"),
    ],
)
async def test_a_live_twitch_invitation_stops_naming_a_guest_who_leaves(
    fake_twitch: FakeTwitch, tmp_path: Path, leaving: list[str], shown_as: str
) -> None:
    """The stage start a moderator's `!stage @nerixyz` logs keeps Twitch's words of the
    invitation ("nerixyz: whispered the guest link"); when nerixyz leaves, it says
    `shown_as` where it named them, as the command's own row does."""
    fake = fake_twitch
    db = tmp_path / "show.db"
    settings = Settings(show=ShowSettings(guest_link=GUEST_LINK))
    moderator = {"id": "555", "login": "synthmod", "display_name": "SynthMod"}
    async with twitch_show(fake, tmp_path, settings, guest_link=GUEST_LINK) as live:
        await fake.send_chat(chat_event(message_id="h1", text="hi all"))
        await fake.send_chat(
            chat_event(
                message_id="s1",
                text=f"!stage @{CHATTER['login']}",
                chatter=moderator,
                badges=[("moderator", "1")],
            )
        )
        await wait_for(lambda: fake.requests_to("POST", "whispers"))
        await live.drain()
        outcome = "SELECT outcome FROM host_actions WHERE action = 'stage_start'"

        def invited() -> list[tuple[str]]:
            assert live.flush()
            return sqlite3.connect(db).execute(outcome).fetchall()

        assert invited() == [(f"ok: {CHATTER['display_name']}: whispered the guest link",)]
        for index, line in enumerate(leaving):
            await fake.send_chat(chat_event(message_id=f"x{index}", text=line))
            await asyncio.sleep(1.1 if index + 1 < len(leaving) else 0)  # past the cooldown
        named = [(f"ok: {CHATTER['display_name']}: whispered the guest link",)]
        await wait_for(lambda: invited() != named)
        assert invited() == [(f"ok: {shown_as}: whispered the guest link",)]
    every = sqlite3.connect(db).execute("SELECT * FROM host_actions").fetchall()
    assert CHATTER["login"] not in repr(every).casefold()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("show.db*") if p.is_file())
    assert CHATTER["login"].encode() not in stored.lower()
