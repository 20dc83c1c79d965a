"""The parser, the limits and the settings on their own: the rules the replay tests rely on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from stagehand.commands import parse_command, slash_command_specs
from stagehand.commands.limits import Cooldowns, SlidingWindow
from stagehand.commands.parse import Target, Topic, parse_target, parse_topic
from stagehand.config import ConfigError, load_settings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!hand", ("hand", "")),
        ("  !Ask  why  not? ", ("ask", "why not?")),
        ("!segment Filters | cutoff", ("segment", "Filters | cutoff")),
        ("!!", None),
        ("!42", None),
        ("hello !hand", None),
        ("!", None),
        ("!h\u0430nd", None),  # a Cyrillic "а": not a command name we could ever know
    ],
)
def test_what_counts_as_a_command(text: str, expected: tuple[str, str] | None) -> None:
    parsed = parse_command(text, "!", max_args=200)
    assert (parsed.name, parsed.args) == expected if expected else parsed is None


def test_a_reply_may_start_with_the_automatic_mention() -> None:
    assert parse_command("@Ana !stage", "!", max_args=200, is_reply=True).name == "stage"
    assert parse_command("@Ana !stage", "!", max_args=200, is_reply=False) is None


def test_arguments_are_cut_to_the_limit() -> None:
    parsed = parse_command("!ask " + "why " * 10_000, "!", max_args=50)
    assert len(parsed.args) <= 50


@pytest.mark.parametrize(
    ("args", "target"),
    [
        ("@Ana", Target(name="ana")),
        ("ana please", Target(name="ana")),
        ("<@!9001>", Target(user_id="9001")),
        ("<@9001>", Target(user_id="9001")),
        ("@", None),
        ("", None),
        ("@an<a", Target()),  # named, but no user name looks like that: nobody is found
        (".ban", Target()),
        ("@Ｈａｌ✨", Target()),
        ("@ana_b.c-d", Target(name="ana_b.c-d")),
    ],
)
def test_who_a_moderator_names(args: str, target: Target | None) -> None:
    assert parse_target(args) == target


def test_topics_split_into_title_and_unique_keywords() -> None:
    assert parse_topic("Filters | cutoff, , Cutoff, resonance", max_keywords=10) == Topic(
        "Filters", ["cutoff", "resonance"]
    )
    assert parse_topic("Just a title", max_keywords=10) == Topic("Just a title", None)
    assert parse_topic("T | a, b, c", max_keywords=2) == Topic(
        "T", ["a", "b"], ("1 keyword past the 2 allowed",)
    )


def test_the_window_never_allows_more_than_the_limit_in_any_stretch() -> None:
    window = SlidingWindow(20, 30.0)
    sent = [t / 4 for t in range(400) if window.try_take(t / 4)]  # someone asks 4 times a second
    for start in sent:
        assert sum(start <= t < start + 30 for t in sent) <= 20
    assert len(sent) >= 60  # and it does let 20 through every 30 s


def test_a_cooldown_is_not_extended_by_uses_during_it() -> None:
    cooldowns = Cooldowns(10)
    cooldowns.start("ana", 0)
    assert cooldowns.remaining("ana", 4) == 6
    assert cooldowns.remaining("ana", 10) == 0
    assert Cooldowns(0).remaining("ana", 0) == 0


def test_slash_specs_fit_the_discord_adapter() -> None:
    from stagehand.adapters.discord.slash import as_specs

    specs = as_specs(slash_command_specs())
    names = [spec.name for spec in specs]
    assert names == ["ask", "hand", "lower", "topic", "optout", "optin", "forget", "help"]
    assert all(len(spec.description) <= 100 for spec in specs)
    assert {spec.name for spec in as_specs(slash_command_specs(moderators=True))} >= {
        "stage",
        "unstage",
        "segment",
    }


def test_budgets_are_read_from_the_config_file(tmp_path) -> None:
    config = tmp_path / "stagehand.toml"
    config.write_text(
        '[commands]\nprefix = "?"\n[commands.send_budgets.twitch]\nmessages = 90\nper_seconds = 30\n'
    )
    commands = load_settings(config).commands
    assert commands.prefix == "?" and commands.budget_for("twitch").messages == 90
    assert commands.budget_for("youtube").messages == 20


def test_a_wrong_budget_names_the_key(tmp_path) -> None:
    config = tmp_path / "stagehand.toml"
    config.write_text("[commands.send_budgets.twitch]\nmessages = -1\nper_seconds = 30\n")
    with pytest.raises(ConfigError, match=r"commands\.send_budgets\.twitch\.messages"):
        load_settings(config)


@pytest.mark.parametrize("prefix", ["a", "@", " ", ".", "#", "!a"])
def test_a_prefix_that_starts_ordinary_words_or_mentions_is_refused_at_start(
    tmp_path, prefix: str
) -> None:
    """prefix "a" swallowed every line starting with "a", "@" every mention, " " never worked."""
    config = tmp_path / "stagehand.toml"
    config.write_text(f'[commands]\nprefix = "{prefix}"\n', encoding="utf-8")
    transcript = tmp_path / "show.jsonl"
    transcript.write_text('{"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "x"}\n')
    replay = ["replay", str(transcript), "-c", str(config), "--headless", "--instant"]
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", *replay, "--db", str(tmp_path / "show.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "stagehand.toml" in done.stderr and "commands.prefix" in done.stderr
    assert "! ? ~ $ % & + = ^ -" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "show.db").exists()


@pytest.mark.parametrize("prefix", ["!", "?", "~", "$", "!!", "?!"])
def test_symbol_prefixes_load(tmp_path, prefix: str) -> None:
    config = tmp_path / "stagehand.toml"
    config.write_text(f'[commands]\nprefix = "{prefix}"\n', encoding="utf-8")
    assert load_settings(config).commands.prefix == prefix
