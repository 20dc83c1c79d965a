"""`stagehand doctor` for YouTube as a user runs it: the CLI as a subprocess, the fake Google."""

from __future__ import annotations

from pathlib import Path

from adapters.youtube.show import start_show
from doctor_run import doctor, line
from fakes.youtube_server import CLIENT_SECRET, FakeYouTube, store_credentials


def youtube_config(path: Path, fake: FakeYouTube) -> Path:
    lines = [
        "[youtube]",
        "enabled = true",
        f'api_url = "{fake.api_url}"',
        f'oauth_url = "{fake.oauth_url}"',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_doctor_shows_the_days_spend_and_checks_the_authorization_online(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    db = tmp_path / "stagehand.db"
    show = await start_show(fake, tmp_path, db_path=db)
    fake.say("hello")
    await show.wait_for_comments(1)
    await show.stop()
    spent = fake.charged
    env = {"STAGEHAND_TOKEN_FILE": str(show.store.path), "STAGEHAND_DATABASE_PATH": str(db)}
    config = youtube_config(tmp_path / "stagehand.toml", fake)

    code, output = await doctor("-c", str(config), env=env)

    assert code == 0, output
    assert line(output, "youtube quota").startswith(
        f"ok   youtube quota: {spent:,} of 10,000 units spent today"
    )
    assert "Google confirms the authorization" in line(output, "youtube account")
    assert CLIENT_SECRET not in output
    assert fake.charged == spent  # doctor spends no quota


async def test_a_revoked_authorization_is_fix(fake: FakeYouTube, tmp_path: Path) -> None:
    store, token = store_credentials(fake, tmp_path / "tokens.json")
    fake.revoke(token.channel_id)
    env = {
        "STAGEHAND_TOKEN_FILE": str(store.path),
        "STAGEHAND_DATABASE_PATH": str(tmp_path / "none.db"),
    }
    config = youtube_config(tmp_path / "stagehand.toml", fake)
    code, output = await doctor("-c", str(config), env=env)
    assert code == 1
    account = line(output, "youtube account")
    assert account.startswith("FIX  youtube account: Google no longer accepts")
    assert "stagehand auth youtube" in output
    assert "0 of 10,000 units spent today" in line(output, "youtube quota")
    assert not (tmp_path / "none.db").exists()


async def test_google_failing_to_answer_is_not_blamed_on_the_authorization(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    store, _ = store_credentials(fake, tmp_path / "tokens.json")
    fake.fail_next_token(503)
    env = {
        "STAGEHAND_TOKEN_FILE": str(store.path),
        "STAGEHAND_DATABASE_PATH": str(tmp_path / "none.db"),
    }
    config = youtube_config(tmp_path / "stagehand.toml", fake)
    code, output = await doctor("-c", str(config), env=env)
    assert code == 1
    assert "answered 503" in line(output, "youtube account")
    assert "run `stagehand doctor` again in a minute" in output
    assert "stagehand auth youtube" not in output
