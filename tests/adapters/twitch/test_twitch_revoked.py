"""A Twitch account that disconnects stagehand mid-show (Twitch Settings -> Connections): the
host reads which account, what no longer works and the fix, as `stagehand doctor` words it;
chat is still read, and authorizing again beside the running show puts it right."""

from __future__ import annotations

from pathlib import Path

from adapters.twitch.test_twitch_adapter import Show, start_show, stop_show
from fakes.twitch_server import BOT, BOT_SCOPES, BROADCASTER, FakeTwitch, chat_event
from stagehand.adapters.twitch.credentials import AccountToken, TwitchCredentials
from stagehand.domain import Comment, ModerationKind
from stagehand.platform import ConnectionState

BOT_FIX = "run `stagehand auth twitch` and log in as stagehandbot"
OWNER_FIX = "run `stagehand auth twitch` and log in as twitchdev"


async def a_comment(show: Show, message_id: str) -> Comment:
    before = len(show.sink.comments)
    await show.fake.send_chat(chat_event(message_id=message_id))
    comments = await show.sink.wait_for_comments(before + 1)
    return comments[-1]


async def test_a_revoked_bot_says_whose_token_and_the_fix_and_chat_goes_on(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        comment = await a_comment(show, "before")
        fake.revoke(BOT["id"])
        reply = await show.adapter.reply(comment, "thanks!")
        assert not reply.ok
        assert "stagehandbot's token" in reply.message and BOT_FIX in reply.message
        assert "Invalid refresh token" not in reply.for_host
        invite = await show.adapter.invite_to_stage(comment.author, comment)
        assert not invite.ok
        assert "guest link not whispered" in invite.message
        assert "stagehandbot's token" in invite.message
        assert invite.hint.startswith(BOT_FIX)  # the host's fix first, not the guest's
        # The header says the actions cannot work; chat is still read.
        state, detail = show.sink.states[-1]
        assert state is ConnectionState.LIMITED
        assert "replies and guest links cannot be sent" in detail and BOT_FIX in detail
        assert (await a_comment(show, "after")).id == "after"

        # `stagehand auth twitch` beside the running show: the next action works.
        again = fake.issue_token(BOT["id"], BOT_SCOPES)
        creds = TwitchCredentials.load(show.store)
        assert creds.bot is not None
        bot = AccountToken(BOT["id"], BOT["login"], again.access, again.refresh, creds.bot.scopes)
        TwitchCredentials(
            creds.client_id, creds.client_secret, bot=bot, broadcaster=creds.broadcaster
        ).save(show.store)
        reply = await show.adapter.reply(comment, "thanks!")
        assert reply.ok, reply
        assert show.sink.states[-1] == (ConnectionState.CONNECTED, "")
    finally:
        await stop_show(show)


async def test_a_revoked_broadcaster_makes_moderation_say_the_fix(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        comment = await a_comment(show, "spam")
        fake.revoke(BROADCASTER["id"])
        result = await show.adapter.moderate(comment, ModerationKind.DELETE)
        assert not result.ok
        assert result.message == (
            f"Twitch moderation: Twitch no longer accepts twitchdev's token: {OWNER_FIX}"
        )
        state, detail = show.sink.states[-1]
        assert state is ConnectionState.LIMITED and "moderation cannot act" in detail
        assert (await show.adapter.reply(comment, "still here")).ok  # the bot still sends
    finally:
        await stop_show(show)
