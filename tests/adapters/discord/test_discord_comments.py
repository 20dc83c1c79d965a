"""Comments in: real discord.py against the fake Discord, fed with the real payloads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes.discord_server import (
    ADMIN_ID,
    BOT_ID,
    DOCS_EXAMPLE,
    HOST_ROLE_ID,
    MASON_ID,
    MOD_ROLE_ID,
    OTHER_CHANNEL_ID,
    OWNER_ID,
    SERENITY_CAPTURE,
    SHOW_CHANNEL_ID,
    STAGE_CHANNEL_ID,
    THREAD_ID,
    UNWATCHED_CHANNEL_ID,
    ZEYLA_ID,
    load_payload,
    running_adapter,
)
from stagehand.adapters.discord.normalize import resolve_mentions
from stagehand.domain import Role


async def test_the_docs_example_arrives_as_a_comment(discord_payloads, fake, sink, tokens):
    async with running_adapter(fake, sink, tokens):
        await fake.dispatch("MESSAGE_CREATE", fake.message(load_payload(DOCS_EXAMPLE)))
        [comment] = await sink.wait_until(lambda: sink.comments)

    assert comment.id == "334385199974967042"
    assert comment.platform == "discord"
    assert comment.channel == "show-chat"
    assert comment.text == "Supa Hot"
    assert comment.author.id == MASON_ID
    assert comment.author.name == "Mason"
    assert comment.author.display_name == "Mase"  # the server nickname people see
    assert comment.author.roles == {Role.MEMBER}
    assert comment.reply_to is None and comment.attachments == ()
    assert comment.ts.date() == datetime(2017, 7, 11, tzinfo=UTC).date()


async def test_the_serenity_capture_arrives_from_its_own_channel(
    discord_payloads, fake, sink, tokens
):
    async with running_adapter(fake, sink, tokens):
        data = fake.message(load_payload(SERENITY_CAPTURE), author_id=ZEYLA_ID)
        await fake.dispatch("MESSAGE_CREATE", data)
        [comment] = await sink.wait_until(lambda: sink.comments)

    assert (comment.id, comment.text, comment.channel) == ("302917639565475840", "a", "general")
    assert comment.author.name == "zeyla"
    assert comment.author.display_name == "zeyla"  # no global name, no nick: the username
    assert Role.MODERATOR in comment.author.roles  # the Moderator role can manage messages


async def test_replies_mentions_and_attachments_are_kept(discord_payloads, fake, sink, tokens):
    base = load_payload(DOCS_EXAMPLE)
    attachment = {
        "id": "1200000000000000001",
        "filename": "patch.png",
        "size": 2048,
        "url": "https://cdn.discordapp.com/attachments/1/2/patch.png",
        "proxy_url": "https://media.discordapp.net/attachments/1/2/patch.png",
        "content_type": "image/png",
    }
    async with running_adapter(fake, sink, tokens):
        await fake.dispatch(
            "MESSAGE_CREATE",
            fake.message(
                base,
                author_id=ZEYLA_ID,
                id="1200000000000000002",
                type=19,
                content=f"<@{MASON_ID}> see <#{OTHER_CHANNEL_ID}>, ask <@&{MOD_ROLE_ID}> <:pog:123>",
                mentions=[fake.mention(MASON_ID)],
                mention_roles=[MOD_ROLE_ID],
                attachments=[attachment],
                message_reference={
                    "type": 0,
                    "message_id": base["id"],
                    "channel_id": SHOW_CHANNEL_ID,
                    "guild_id": fake.guild_payload()["id"],
                },
                referenced_message=fake.message(base),
            ),
        )
        [comment] = await sink.wait_until(lambda: sink.comments)

    assert comment.text == "@Mase see #general, ask @Moderator :pog:"
    assert comment.reply_to == "334385199974967042"
    assert comment.attachments == ("https://cdn.discordapp.com/attachments/1/2/patch.png",)


async def test_thread_and_stage_chat_count_other_places_do_not(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens):
        await fake.dispatch(
            "MESSAGE_CREATE", fake.message(channel_id=THREAD_ID, content="in thread")
        )
        await fake.dispatch(
            "MESSAGE_CREATE", fake.message(channel_id=STAGE_CHANNEL_ID, content="stage chat")
        )
        for ignored in (
            fake.message(channel_id=UNWATCHED_CHANNEL_ID, content="staff talk"),
            fake.message(author_id=BOT_ID, content="a bot"),
            fake.message(content="", type=7),  # "Mason joined the server"
            fake.message(content="", embeds=[{"type": "rich", "title": "a poll"}]),
            {**fake.message(content="elsewhere"), "guild_id": "999", "channel_id": "998"},
        ):
            await fake.dispatch("MESSAGE_CREATE", ignored)
        await fake.dispatch("MESSAGE_CREATE", fake.message(content="last"))
        await sink.wait_until(lambda: len(sink.comments) >= 3)

    assert [(c.text, c.channel) for c in sink.comments] == [
        ("in thread", "show-chat/Q&A"),
        ("stage chat", "Live Stage"),
        ("last", "show-chat"),
    ]


async def test_every_text_channel_counts_when_none_are_configured(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens, channel_ids=[]):
        await fake.dispatch(
            "MESSAGE_CREATE", fake.message(channel_id=UNWATCHED_CHANNEL_ID, content="hi staff")
        )
        [comment] = await sink.wait_until(lambda: sink.comments)
    assert comment.channel == "staff-only"


@pytest.mark.parametrize(
    ("author_id", "settings", "expected"),
    [
        (OWNER_ID, {}, {Role.HOST, Role.MODERATOR, Role.MEMBER}),  # owners can moderate too
        (ADMIN_ID, {}, {Role.MODERATOR, Role.MEMBER}),
        (MASON_ID, {"host_role_ids": [int(HOST_ROLE_ID)]}, {Role.HOST, Role.MEMBER}),
        (MASON_ID, {"moderator_role_ids": [int(HOST_ROLE_ID)]}, {Role.MODERATOR, Role.MEMBER}),
    ],
)
async def test_guild_roles_map_to_show_roles(fake, sink, tokens, author_id, settings, expected):
    if author_id == MASON_ID:
        fake.members[MASON_ID]["roles"] = [HOST_ROLE_ID]
    async with running_adapter(fake, sink, tokens, **settings):
        await fake.dispatch("MESSAGE_CREATE", fake.message(author_id=author_id, content="hi"))
        [comment] = await sink.wait_until(lambda: sink.comments)
    assert comment.author.roles == expected


async def test_edits_and_deletions_are_reported(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens):
        original = fake.message(content="wich filter?")
        await fake.dispatch("MESSAGE_CREATE", original)
        # A link preview arriving is an update without an edit: not reported.
        await fake.dispatch("MESSAGE_UPDATE", {**original, "embeds": []})
        edited_at = "2026-11-20T19:00:30+00:00"
        await fake.dispatch(
            "MESSAGE_UPDATE",
            {
                **original,
                "content": f"which filter, <@{ZEYLA_ID}>?",
                "edited_timestamp": edited_at,
                "mentions": [fake.mention(ZEYLA_ID)],
            },
        )
        await fake.dispatch(
            "MESSAGE_DELETE",
            {"id": original["id"], "channel_id": SHOW_CHANNEL_ID, "guild_id": original["guild_id"]},
        )
        await fake.dispatch(
            "MESSAGE_DELETE_BULK",
            {
                "ids": ["1300000000000000002", "1300000000000000001"],
                "channel_id": THREAD_ID,
                "guild_id": original["guild_id"],
            },
        )
        await fake.dispatch(
            "MESSAGE_DELETE",
            {"id": "1", "channel_id": UNWATCHED_CHANNEL_ID, "guild_id": original["guild_id"]},
        )
        await sink.wait_until(lambda: len(sink.deletions) >= 3)

    assert [(p, i, t) for p, i, t, _ in sink.edits] == [
        ("discord", original["id"], "which filter, @zeyla?")
    ]
    assert sink.edits[0][3] == datetime(2026, 11, 20, 19, 0, 30, tzinfo=UTC)
    assert [i for _, i, _ in sink.deletions] == [
        original["id"],
        "1300000000000000001",
        "1300000000000000002",
    ]


def test_mention_markup_becomes_names():
    text = resolve_mentions(
        "<@1> <@!2> <@&3> <#4> <@9> <a:dance:5> </ask:6> <t:0:R> [b]x[/b]",
        users={1: "ana", 2: "ben"},
        roles={3: "Mods"},
        channels={4: "general"},
    )
    # Unknown ids stay as written; markup-looking text is not touched here (sanitizing is later).
    assert text == "@ana @ben @Mods #general <@9> :dance: /ask 1970-01-01 00:00 UTC [b]x[/b]"
