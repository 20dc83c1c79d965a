"""The Twitch adapter's pure parts: message limits, badge roles, settings, doctor, token file."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from twitchio.models.eventsub_ import create_event_instance

from fakes.twitch_server import (
    BOT_SCOPES,
    BROADCASTER_SCOPES,
    CLIENT_ID,
    CLIENT_SECRET,
    chat_event,
    load_capture,
)
from stagehand.adapters.sending import SendLimiter
from stagehand.adapters.twitch.credentials import AccountToken, TwitchCredentials
from stagehand.adapters.twitch.doctor import doctor_checks
from stagehand.adapters.twitch.limits import split_message
from stagehand.adapters.twitch.normalize import comment_from_chat_message
from stagehand.config import load_settings
from stagehand.config.twitch import TwitchSettings
from stagehand.domain import Role
from stagehand.tokens import TokenStore

NOW = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)


# -- length and rate --------------------------------------------------------------------------


def test_short_messages_go_as_they_are_with_whitespace_collapsed() -> None:
    assert split_message("  hello \n\n  world  ") == ["hello world"]
    assert split_message("   ") == []


def test_long_messages_split_at_word_ends_within_500() -> None:
    text = " ".join(["synth"] * 300)  # 1,799 characters
    parts = split_message(text, max_parts=10)
    assert all(len(p) <= 500 for p in parts)
    assert " ".join(parts) == text


def test_a_runaway_message_is_cut_with_an_ellipsis() -> None:
    parts = split_message("word " * 1000)
    assert len(parts) == 3
    assert parts[-1].endswith("…") and len(parts[-1]) <= 500


def test_an_unbroken_500_plus_run_is_hard_cut() -> None:
    parts = split_message("a" * 1200, max_parts=5)
    assert [len(p) for p in parts] == [500, 500, 200]


def test_the_limiter_allows_a_window_full_then_says_how_long_to_wait() -> None:
    clock = [100.0]
    limiter = SendLimiter(20, 30.0, clock=lambda: clock[0])
    for _ in range(20):
        assert limiter.delay_for() == 0
        limiter.take()
        clock[0] += 0.5
    assert limiter.delay_for() == pytest.approx(30.0 - 10.0)
    clock[0] = 130.0  # the first message left the window
    assert limiter.delay_for() == 0
    assert limiter.delay_for(21) == float("inf")


async def test_the_limiter_waits_for_a_slot() -> None:
    limiter = SendLimiter(2, 0.2)
    loop = __import__("asyncio").get_running_loop()
    start = loop.time()
    for _ in range(3):
        await limiter.acquire()
    assert loop.time() - start >= 0.19


# -- normalizing: twitchio's own parser on the real capture ------------------------------------


def parsed(event: dict) -> object:
    capture = load_capture()
    notification = {
        "metadata": {
            "message_id": "meta-1",
            "message_type": "notification",
            "message_timestamp": "2024-02-24T17:17:50.123456789Z",
            "subscription_type": "channel.chat.message",
            "subscription_version": "1",
        },
        "payload": {"subscription": capture["subscription"], "event": event},
    }
    return create_event_instance("channel.chat.message", notification, http=None)


def test_the_capture_as_twitch_sends_it_today(twitch_capture: dict) -> None:
    comment = comment_from_chat_message(parsed(chat_event()))
    assert comment.ts == datetime(2024, 2, 24, 17, 17, 50, 123456, tzinfo=UTC)
    assert comment.author.key.platform == "twitch"
    assert comment.text == "Hello, World! DinoDance"


@pytest.mark.parametrize(
    ("badges", "roles"),
    [
        ([("lead_moderator", "1")], {Role.MODERATOR}),
        ([("vip", "1"), ("subscriber", "3000")], {Role.VIP, Role.SUBSCRIBER}),
        ([("founder", "0")], {Role.SUBSCRIBER}),
        ([("premium", "1"), ("no_video", "1")], set()),
    ],
)
def test_roles_come_from_badges(twitch_capture: dict, badges: list, roles: set) -> None:
    comment = comment_from_chat_message(parsed(chat_event(badges=badges)))
    assert comment.author.roles == roles


def test_the_2024_capture_without_shared_chat_keys_is_refused_by_twitchio(
    twitch_capture: dict,
) -> None:
    """Why the fake adds `source_*`: twitchio 3.3.2 needs them, and Twitch sends them now."""
    with pytest.raises(KeyError):
        parsed(load_capture()["event"])


# -- settings -------------------------------------------------------------------------------


def test_endpoint_urls_are_normalized_and_checked() -> None:
    settings = TwitchSettings(helix_url="http://127.0.0.1:9/helix", oauth_url="http://h/oauth2")
    assert settings.helix_url == "http://127.0.0.1:9/helix/"
    assert settings.oauth_url == "http://h/oauth2/"
    with pytest.raises(ValidationError, match="oauth2"):
        TwitchSettings(oauth_url="https://id.twitch.tv/")
    with pytest.raises(ValidationError, match="ws://"):
        TwitchSettings(eventsub_url="https://eventsub.wss.twitch.tv/ws")
    with pytest.raises(ValidationError):
        TwitchSettings(messages_per_30s=101)


def test_endpoints_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAGEHAND_TWITCH_HELIX_URL", "http://127.0.0.1:8080/helix/")
    monkeypatch.setenv("STAGEHAND_TWITCH_EVENTSUB_URL", "ws://127.0.0.1:8080/ws")
    settings = load_settings(required=False)
    assert settings.twitch.helix_url == "http://127.0.0.1:8080/helix/"
    assert settings.twitch.eventsub_url == "ws://127.0.0.1:8080/ws"


# -- token file and doctor --------------------------------------------------------------------


def account(
    user_id: str, login: str, scopes: list[str], expires_at: datetime | None
) -> AccountToken:
    return AccountToken(
        user_id, login, f"access-{login}", f"refresh-{login}", tuple(scopes), expires_at
    )


def saved(tmp_path: Path, **changes) -> TokenStore:
    store = TokenStore(tmp_path / "cfg" / "tokens.json")
    later = NOW + timedelta(hours=3)
    creds = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "bot": account("9", "stagehandbot", BOT_SCOPES, later),
        "broadcaster": account("1", "twitchdev", BROADCASTER_SCOPES, later),
    } | changes
    TwitchCredentials(**creds).save(store)
    return store


def test_the_token_file_is_owner_only_and_round_trips(tmp_path: Path) -> None:
    store = saved(tmp_path)
    assert os.stat(store.path).st_mode & 0o777 == 0o600
    assert os.stat(store.path.parent).st_mode & 0o077 == 0
    creds = TwitchCredentials.load(store)
    assert creds.bot and creds.bot.login == "stagehandbot"
    assert "access-" not in repr(creds) and CLIENT_SECRET not in repr(creds)


def test_a_refreshed_token_replaces_both_roles_when_bot_is_broadcaster(tmp_path: Path) -> None:
    same = account("1", "twitchdev", ["user:read:chat"], NOW)
    creds = TwitchCredentials(CLIENT_ID, CLIENT_SECRET, same, same)
    new = creds.with_refreshed("1", "new-access", "new-refresh", 3600, NOW)
    assert new.bot == new.broadcaster
    assert new.bot and new.bot.access_token == "new-access"
    assert new.bot.expires_at == NOW + timedelta(hours=1)


def doctor(tmp_path: Path, settings: TwitchSettings | None = None, **changes) -> dict[str, object]:
    settings = settings or TwitchSettings(enabled=True, channel="twitchdev")
    store = saved(tmp_path, **changes)
    guest_link = "https://vdo.ninja/?room=friday"  # what a viewer pulled on stage is sent
    return {c.name: c for c in doctor_checks(settings, store, guest_link=guest_link, now=NOW)}


def test_doctor_is_happy_with_a_complete_setup(tmp_path: Path) -> None:
    checks = doctor(tmp_path)
    assert all(c.ok for c in checks.values()), checks


def test_doctor_names_what_is_missing(tmp_path: Path) -> None:
    checks = doctor(tmp_path, client_secret="", broadcaster=None)
    assert not checks["twitch app"].ok and "client secret" in checks["twitch app"].detail
    assert not checks["twitch broadcaster"].ok
    assert checks["twitch broadcaster"].fix == "run `stagehand auth twitch`"


def test_doctor_names_missing_scopes_for_what_the_config_enables(tmp_path: Path) -> None:
    settings = TwitchSettings(
        enabled=True, channel="twitchdev", invite_via="whisper", guest_star=True
    )
    checks = doctor(
        tmp_path,
        settings,
        bot=account("9", "stagehandbot", ["user:read:chat", "user:write:chat"], None),
        broadcaster=account("1", "twitchdev", BROADCASTER_SCOPES[:2], None),
    )
    assert "user:manage:whispers" in checks["twitch bot"].detail
    assert "channel:manage:guest_star" in checks["twitch broadcaster"].detail


def test_doctor_on_expired_tokens_and_the_wrong_broadcaster(tmp_path: Path) -> None:
    expired = account("9", "stagehandbot", BOT_SCOPES, NOW - timedelta(1))
    other = account("2", "someoneelse", BROADCASTER_SCOPES, None)
    checks = doctor(tmp_path, bot=expired, broadcaster=other)
    assert (
        checks["twitch bot"].ok
        and "refreshed when stagehand connects" in checks["twitch bot"].detail
    )
    assert not checks["twitch broadcaster"].ok
    assert "someoneelse" in checks["twitch broadcaster"].detail


def test_doctor_flags_a_token_file_others_can_read(tmp_path: Path) -> None:
    store = saved(tmp_path)
    store.path.chmod(0o644)
    checks = {
        c.name: c for c in doctor_checks(TwitchSettings(enabled=True, channel="twitchdev"), store)
    }
    assert not checks["twitch token file"].ok
    assert checks["twitch token file"].fix.startswith("chmod 600")


def test_doctor_never_shows_a_secret(tmp_path: Path) -> None:
    text = repr(doctor(tmp_path))
    for secret in (CLIENT_SECRET, "access-stagehandbot", "refresh-twitchdev"):
        assert secret not in text
