"""Actions out (replies, Stage invitations, moderation), raised hands and slash commands."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from fakes.discord_server import (
    GUEST_LINK,
    GUILD_ID,
    LISTENER_ID,
    MASON_ID,
    OTHER_CHANNEL_ID,
    SHOW_CHANNEL_ID,
    STAGE_CHANNEL_ID,
    THREAD_ID,
    ZEYLA_ID,
    running_adapter,
)
from stagehand.domain import Author, Comment, ModerationKind

LISTENER = Author("discord", LISTENER_ID, "listener", "Lis Tener")
SLASH = [
    ("ask", "Ask the hosts a question", True, True),
    ("hand", "Raise your hand to come on stage", False),
    ("topic", "What the show is talking about now", True),
]


async def comment_from(fake, sink, **message):
    """Dispatch a message and return the comment the adapter made of it."""
    before = len(sink.comments)
    await fake.dispatch("MESSAGE_CREATE", fake.message(**message))
    await sink.wait_until(lambda: len(sink.comments) > before)
    return sink.comments[-1]


# --- replies -----------------------------------------------------------------------------


async def test_a_reply_is_a_discord_reply_to_the_message(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens) as adapter:
        comment = await comment_from(fake, sink, content="which synth is that?")
        result = await adapter.reply(comment, "a Juno-106 @everyone")
        # Discord echoes the bot's own message: it must not come back as a comment.
        await fake.dispatch("MESSAGE_CREATE", fake.message(content="after"))
        await sink.wait_until(lambda: len(sink.comments) == 2)

    assert result.ok and result.message == "discord: replied to Mase"
    [sent] = fake.requests_to("POST", f"/channels/{SHOW_CHANNEL_ID}/messages")
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.json["content"] == "a Juno-106 @everyone"
    assert sent.json["message_reference"]["message_id"] == int(comment.id)
    assert sent.json["message_reference"]["channel_id"] == int(SHOW_CHANNEL_ID)
    assert sent.json["allowed_mentions"] == {"parse": [], "replied_user": True}  # no @everyone ping
    assert [c.text for c in sink.comments] == ["which synth is that?", "after"]


async def test_a_reply_to_a_thread_goes_to_the_thread(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens) as adapter:
        comment = await comment_from(fake, sink, channel_id=THREAD_ID, content="q in thread")
        result = await adapter.reply(comment, "answered")
    assert result.ok
    assert fake.requests_to("POST", f"/channels/{THREAD_ID}/messages")


async def test_a_reply_after_a_restart_finds_the_channel_by_its_name(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens) as adapter:
        stored = Comment(
            id="1250000000000000001",
            platform="discord",
            channel="show-chat/Q&A",  # as the database has it from an earlier run
            author=Author("discord", MASON_ID, "Mason", "Mase"),
            text="still there?",
            ts=datetime.now(UTC),
        )
        result = await adapter.reply(stored, "yes")
    assert result.ok
    [sent] = fake.requests_to("POST", f"/channels/{THREAD_ID}/messages")
    assert sent.json["message_reference"]["message_id"] == 1250000000000000001


async def test_the_shows_messages_go_to_the_first_channel(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens) as adapter:
        result = await adapter.send("We are live! Ask with /ask @everyone")
    assert result.ok and result.message == "discord: sent to #show-chat"
    [sent] = fake.requests_to("POST", f"/channels/{SHOW_CHANNEL_ID}/messages")
    assert sent.json["content"] == "We are live! Ask with /ask @everyone"
    assert sent.json["allowed_mentions"] == {"parse": []}


async def test_a_long_reply_is_shortened_and_says_so(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens) as adapter:
        comment = await comment_from(fake, sink, content="tell me everything")
        result = await adapter.reply(comment, "x" * 2500)
    [sent] = fake.requests_to("POST", f"/channels/{SHOW_CHANNEL_ID}/messages")
    assert len(sent.json["content"]) == 2000
    assert result.ok and "shortened to 2000 characters" in result.message


async def test_a_reply_without_permission_says_so(fake, sink, tokens):
    fake.forbid("POST", f"/channels/{SHOW_CHANNEL_ID}/messages")
    async with running_adapter(fake, sink, tokens) as adapter:
        comment = await comment_from(fake, sink, content="hello?")
        result = await adapter.reply(comment, "hi")
    assert not result.ok
    assert result.message.startswith("discord: reply not sent: missing permission")
    assert "Send Messages" in result.message


async def test_a_long_rate_limit_fails_the_action_at_once_saying_when_to_try_again(
    fake, sink, tokens
):
    """Discord's 429 asks for a minute: the host's reply and ban fail now and say when to try
    again, instead of hanging silently and landing a minute (or five retries) later."""
    async with running_adapter(fake, sink, tokens) as adapter:
        comment = await comment_from(fake, sink, content="which synth is that?")
        fake.rate_limit("POST", f"/channels/{SHOW_CHANNEL_ID}/messages", 60.0)
        fake.rate_limit("PUT", f"/guilds/{GUILD_ID}/bans/.*", 75.5)
        started = time.monotonic()
        replied = await adapter.reply(comment, "a Juno-106")
        banned = await adapter.moderate(comment, ModerationKind.BAN)
        took = time.monotonic() - started
    assert took < 5
    assert not replied.ok and replied.message.endswith("Discord rate limit: try again in 60 s")
    assert not banned.ok and "Discord rate limit: try again in 76 s" in banned.message
    assert not fake.requests_to("POST", f"/channels/{SHOW_CHANNEL_ID}/messages")[1:]
    assert comment.author.id not in fake.bans


async def test_a_short_rate_limit_is_waited_out_and_the_action_done(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens) as adapter:
        comment = await comment_from(fake, sink, content="which synth is that?")
        fake.rate_limit("POST", f"/channels/{SHOW_CHANNEL_ID}/messages", 1.0)
        replied = await adapter.reply(comment, "a Juno-106")
    assert replied.ok
    assert len(fake.requests_to("POST", f"/channels/{SHOW_CHANNEL_ID}/messages")) == 2


async def test_actions_before_connecting_fail_cleanly(fake, tokens):
    from stagehand.adapters.discord.adapter import DiscordAdapter
    from stagehand.config.discord import DiscordSettings
    from stagehand.tokens import TokenStore

    adapter = DiscordAdapter(DiscordSettings(), TokenStore(tokens))
    result = await adapter.invite_to_stage(LISTENER, None)
    assert (result.ok, result.message) == (False, "discord: not connected")


# --- the Stage ---------------------------------------------------------------------------


async def test_someone_in_the_stage_audience_is_invited_to_speak_then_sent_back(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens) as adapter:
        invited = await adapter.invite_to_stage(LISTENER, None)
        path = f"/guilds/{GUILD_ID}/voice-states/{LISTENER_ID}"
        await fake.wait_for_request("PATCH", path)
        await sink.wait_until(
            lambda: adapter.client.guild.get_member(int(LISTENER_ID)).voice.suppress is False
        )
        ended = await adapter.end_stage(LISTENER)

    assert invited.ok and invited.message == (
        "discord: Lis Tener invited to speak on the Stage (they must accept)"
    )
    assert ended.ok and ended.message == "discord: Lis Tener moved back to the Stage audience"
    first, second = fake.requests_to("PATCH", path)
    assert first.json["suppress"] is False
    assert first.json["channel_id"] == int(STAGE_CHANNEL_ID)
    assert second.json == {
        "suppress": True,
        "channel_id": int(STAGE_CHANNEL_ID),
        "request_to_speak_timestamp": None,
    }
    assert not fake.requests_to("POST", "/users/@me/channels")  # no DM needed


async def test_someone_not_on_the_stage_gets_the_guest_link_by_dm(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens) as adapter:
        comment = await comment_from(fake, sink, content="can I join?")
        result = await adapter.invite_to_stage(comment.author, comment)

    assert result.ok and result.message == "discord: guest link sent to Mase by direct message"
    [opened] = fake.requests_to("POST", "/users/@me/channels")
    assert opened.json == {"recipient_id": int(MASON_ID)}
    [dm] = [r for r in fake.requests if r.path.endswith("/messages") and r.method == "POST"]
    assert dm.path != f"/channels/{SHOW_CHANNEL_ID}/messages"
    assert GUEST_LINK in dm.json["content"]
    assert not fake.requests_to("PATCH", r"/guilds/\d+/voice-states/\d+")


async def test_no_guest_link_and_not_on_the_stage_is_explained(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens, guest_link="") as adapter:
        comment = await comment_from(fake, sink, content="me!")
        result = await adapter.invite_to_stage(comment.author, comment)
    assert not result.ok
    assert result.message == (
        "discord: Mase not invited: not in the Stage audience and [show] guest_link is empty"
    )


async def test_stage_invite_without_mute_members_is_explained(fake, sink, tokens):
    fake.forbid("PATCH", f"/guilds/{GUILD_ID}/voice-states/{LISTENER_ID}")
    async with running_adapter(fake, sink, tokens) as adapter:
        result = await adapter.invite_to_stage(LISTENER, None)
    assert not result.ok
    assert "missing permission: the bot needs Mute Members in the Stage channel" in result.message


async def test_a_dm_refused_by_the_member_is_explained(fake, sink, tokens):
    fake.fail("POST", r"/channels/\d+/messages", 403, 50007, "Cannot send messages to this user")
    async with running_adapter(fake, sink, tokens) as adapter:
        result = await adapter.invite_to_stage(Author("discord", ZEYLA_ID, "zeyla"), None)
    assert not result.ok
    assert result.message == (
        "discord: guest link not sent: zeyla does not accept direct messages from this "
        "server's members"
    )
    # The host is asked to send it some other way; the channel never gets the private link.
    assert "another way" in result.hint
    # Named where the words name them, and nowhere else (the hint after "; ").
    assert [result.for_host[n.start : n.end] for n in result.names] == ["zeyla", "zeyla"]
    posted = [r for r in fake.requests if r.path == f"/channels/{SHOW_CHANNEL_ID}/messages"]
    assert not any(GUEST_LINK in (r.json or {}).get("content", "") for r in posted)


async def test_inviting_someone_who_left_the_server_is_explained(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens) as adapter:
        comment = await comment_from(fake, sink, author_id=ZEYLA_ID, content="bye")
        del fake.members[ZEYLA_ID]
        result = await adapter.invite_to_stage(comment.author, comment)
    assert (result.ok, result.message) == (False, "discord: zeyla has left the server")
    # Named there only: when zeyla opts out, the log keeps "has left the server".
    assert [result.message[n.start : n.end] for n in result.names] == ["zeyla"]


# --- raised hands ------------------------------------------------------------------------


async def test_raised_hands_in_the_stage_join_and_leave_the_queue(fake, sink, tokens):
    async def step(uid, channel_id, hand_raised, changes):
        state = fake.set_voice_state(uid, channel_id, hand_raised=hand_raised)
        await fake.dispatch("VOICE_STATE_UPDATE", {**state, "channel_id": channel_id})
        await sink.wait_until(lambda: len(sink.hands) >= changes)

    async with running_adapter(fake, sink, tokens):
        await step(MASON_ID, STAGE_CHANNEL_ID, True, 1)
        await step(MASON_ID, STAGE_CHANNEL_ID, False, 2)
        # A hand raised in another voice channel is not a Stage request.
        await step(ZEYLA_ID, OTHER_CHANNEL_ID, True, 2)
        await step(MASON_ID, STAGE_CHANNEL_ID, True, 3)
        await step(MASON_ID, None, False, 4)  # leaving the Stage lowers the hand

    assert [(a.id, a.display_name, raised) for a, raised in sink.hands] == [
        (MASON_ID, "Mase", True),
        (MASON_ID, "Mase", False),
        (MASON_ID, "Mase", True),
        (MASON_ID, "Mase", False),
    ]


async def test_hands_already_raised_at_connect_are_in_the_queue(fake, sink, tokens):
    fake.set_voice_state(LISTENER_ID, STAGE_CHANNEL_ID, hand_raised=True)
    async with running_adapter(fake, sink, tokens):
        await sink.wait_until(lambda: sink.hands)
    assert [(a.id, raised) for a, raised in sink.hands] == [(LISTENER_ID, True)]


async def test_inviting_a_raised_hand_lowers_it(fake, sink, tokens):
    fake.set_voice_state(LISTENER_ID, STAGE_CHANNEL_ID, hand_raised=True)
    async with running_adapter(fake, sink, tokens) as adapter:
        await sink.wait_until(lambda: sink.hands)
        await adapter.invite_to_stage(LISTENER, None)
        await sink.wait_until(lambda: len(sink.hands) >= 2)
    assert [raised for _, raised in sink.hands] == [True, False]


# --- moderation --------------------------------------------------------------------------


async def test_delete_timeout_and_ban_reach_discord(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens) as adapter:
        comment = await comment_from(fake, sink, author_id=ZEYLA_ID, content="buy followers")
        deleted = await adapter.moderate(comment, ModerationKind.DELETE)
        before = datetime.now(UTC)
        timed_out = await adapter.moderate(comment, ModerationKind.TIMEOUT, duration_seconds=300)
        banned = await adapter.moderate(comment, ModerationKind.BAN, reason="spam links")

    assert deleted.ok and deleted.message == "discord: deleted zeyla's message"
    assert fake.requests_to("DELETE", f"/channels/{SHOW_CHANNEL_ID}/messages/{comment.id}")

    assert timed_out.ok and timed_out.message == "discord: zeyla timed out for 5 min"
    [patch] = fake.requests_to("PATCH", f"/guilds/{GUILD_ID}/members/{ZEYLA_ID}")
    until = datetime.fromisoformat(patch.json["communication_disabled_until"])
    assert timedelta(seconds=295) < until - before < timedelta(seconds=310)

    assert banned.ok and banned.message == "discord: zeyla banned from the server"
    [ban] = fake.requests_to("PUT", f"/guilds/{GUILD_ID}/bans/{ZEYLA_ID}")
    assert ban.headers["X-Audit-Log-Reason"] == "spam links"
    assert ban.query == {"delete_message_seconds": "0"}  # the ban deletes nothing by itself


async def test_a_ban_and_a_timeout_are_lifted_on_discord(fake, sink, tokens):
    """Undoing a ban removes the guild ban; undoing a timeout clears the member's timeout."""
    async with running_adapter(fake, sink, tokens) as adapter:
        comment = await comment_from(fake, sink, author_id=ZEYLA_ID, content="fine message")
        not_banned = await adapter.unban(comment.author)
        await adapter.moderate(comment, ModerationKind.BAN)
        assert ZEYLA_ID in fake.bans
        unbanned = await adapter.unban(comment.author)
        await adapter.moderate(comment, ModerationKind.TIMEOUT, duration_seconds=300)
        untimed = await adapter.unban(comment.author, ModerationKind.TIMEOUT)

    assert not not_banned.ok
    assert not_banned.message == "discord: unban failed: zeyla is not banned (any more)"
    assert unbanned.ok and unbanned.message == "discord: zeyla unbanned"
    assert ZEYLA_ID not in fake.bans
    assert len(fake.requests_to("DELETE", f"/guilds/{GUILD_ID}/bans/{ZEYLA_ID}")) == 2
    assert untimed.ok and untimed.message == "discord: zeyla's timeout lifted"
    _timeout, lift = fake.requests_to("PATCH", f"/guilds/{GUILD_ID}/members/{ZEYLA_ID}")
    assert lift.json == {"communication_disabled_until": None}


async def test_moderation_refusals_name_the_reason(fake, sink, tokens):
    fake.forbid("DELETE", r"/channels/\d+/messages/\d+")
    fake.forbid("PUT", r"/guilds/\d+/bans/\d+")
    fake.fail("DELETE", r"/channels/\d+/messages/\d+", 404, 10008, "Unknown Message")
    async with running_adapter(fake, sink, tokens) as adapter:
        comment = await comment_from(fake, sink, author_id=ZEYLA_ID, content="spam")
        no_perm = await adapter.moderate(comment, ModerationKind.DELETE)
        gone = await adapter.moderate(comment, ModerationKind.DELETE)
        no_ban = await adapter.moderate(comment, ModerationKind.BAN)
        del fake.members[ZEYLA_ID]
        left = await adapter.moderate(comment, ModerationKind.TIMEOUT)

    assert no_perm.message == (
        "discord: delete failed: missing permission: the bot needs Manage Messages "
        "(or zeyla has a role above the bot's)"
    )
    assert gone.message == "discord: delete failed: the message is already gone"
    assert "the bot needs Ban Members" in no_ban.message
    assert left.message == "discord: timeout failed: zeyla has left the server"
    assert not any(r.ok for r in (no_perm, gone, no_ban, left))


# --- slash commands ----------------------------------------------------------------------


async def test_slash_commands_are_registered_to_the_guild(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens, slash_commands=SLASH):
        pass
    [put] = fake.requests_to("PUT", rf"/applications/\d+/guilds/{GUILD_ID}/commands")
    registered = {c["name"]: c for c in put.json}
    assert sorted(registered) == ["ask", "hand", "topic"]
    assert registered["ask"]["options"][0] | {"description": "-"} == {
        "type": 3,
        "name": "text",
        "description": "-",
        "required": True,
    }
    assert registered["hand"]["options"] == []
    assert registered["topic"]["options"][0]["required"] is False


async def test_a_slash_command_becomes_the_chat_command_it_stands_for(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens, slash_commands=SLASH) as adapter:
        event = fake.interaction("ask", "  why analog?  ", channel_id=OTHER_CHANNEL_ID)
        await fake.dispatch("INTERACTION_CREATE", event)
        [comment] = await sink.wait_until(lambda: sink.comments)
        callback = await fake.wait_for_request(
            "POST", rf"/interactions/{event['id']}/[^/]+/callback"
        )
        answered = await adapter.reply(comment, "because it is warm")

    assert comment.text == "!ask why analog?"
    assert (comment.id, comment.channel, comment.author.id) == (event["id"], "general", MASON_ID)
    assert callback.json["type"] == 4  # a message, only for the person who typed it
    assert callback.json["data"]["flags"] & 64
    assert callback.json["data"]["content"] == "Sent to the show: /ask why analog?"
    assert answered.ok
    [followup] = fake.requests_to("POST", rf"/webhooks/\d+/{event['token']}")
    assert followup.json["content"] == "because it is warm"


async def test_failed_registration_keeps_the_show_running(fake, sink, tokens):
    fake.fail("PUT", r"/applications/\d+/guilds/\d+/commands", 403, 50001, "Missing Access")
    async with running_adapter(fake, sink, tokens, slash_commands=SLASH):
        await fake.dispatch("MESSAGE_CREATE", fake.message(content="!hand"))
        await sink.wait_until(lambda: sink.comments)
    connected = [d for _, s, d in sink.states if s == "connected"]
    assert "applications.commands" in connected[0]
    assert sink.comments[0].text == "!hand"
