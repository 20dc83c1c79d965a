"""`stagehand doctor`: what is set up, what is missing or expired, and how to fix each.

Every line is `ok` or `FIX`; any FIX means `stagehand run` would not go live as configured,
and the command exits 1. Doctor only looks: it opens an existing database read-only and never
creates one (nor its folder).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from stagehand.config import ConfigError, Settings, load_settings
from stagehand.platform import DoctorCheck
from stagehand.store import StoreError
from stagehand.store.database import open_read_only, store_errors
from stagehand.tokens import TokenStore


def run_checks(
    config_path: Path | None,
    *,
    online: bool = True,
    server: Sequence[DoctorCheck] = (),
    studio: Callable[[Settings, bool], Sequence[DoctorCheck]] | None = None,
) -> list[DoctorCheck]:
    """Every check in the order a user would fix things: config, database, tokens (`server`:
    the show server's lines, made beside this layer), platforms, and what the show drives
    besides (`studio`: OBS, from the settings and whether to ask it, made beside this layer)."""
    try:
        settings = load_settings(config_path, required=False)
    except ConfigError as exc:
        return [DoctorCheck("config", False, str(exc), exc.fix)]
    checks = [_config_check(config_path), _database_check(settings, config_path)]
    tokens = TokenStore()
    checks.append(_token_file_check(tokens))
    checks.extend(server)
    checks.extend(_pseudonym_key_check(settings))
    checks.extend(_platform_checks(settings, tokens, online=online))
    if studio is not None:
        checks.extend(studio(settings, online))
    return checks


def _config_check(config_path: Path | None) -> DoctorCheck:
    from stagehand.config import candidate_paths

    found = next((p for p in candidate_paths(config_path) if p.is_file()), None)
    if found is None:
        return DoctorCheck(
            "config",
            False,
            "no config file: `stagehand run` needs one (demo and replay work without)",
            "`stagehand config-example > stagehand.toml`, then enable a platform in it",
        )
    return DoctorCheck("config", True, f"{found} is valid")


def _database_key(settings: Settings, config_path: Path | None) -> str:
    """Where the database's path comes from, as the user would change it."""
    if os.environ.get("STAGEHAND_DATABASE_PATH"):
        return "STAGEHAND_DATABASE_PATH"
    from stagehand.config import candidate_paths

    found = next((p for p in candidate_paths(config_path) if p.is_file()), None)
    return f"[database] path in {found}" if found is not None else "[database] path"


def _database_check(settings: Settings, config_path: Path | None = None) -> DoctorCheck:
    path = settings.db_path().expanduser()
    fix = (
        "set [database] path (or STAGEHAND_DATABASE_PATH) to a stagehand database, or fix this one"
    )
    if not path.exists():
        folder = next((p for p in path.parents if p.exists()), Path("/"))
        if not os.access(folder, os.W_OK):
            return DoctorCheck(
                "database", False, f"cannot create {path}: {folder} is read-only", fix
            )
        return DoctorCheck(
            "database", True, f"{path} does not exist yet; the first show creates it"
        )
    try:
        shows = _count_shows(path)
    except StoreError as exc:
        # Doctor has no --db: the store's "use another file" advice names the setting instead.
        problem = exc.worded_for(_database_key(settings, config_path))
        return DoctorCheck("database", False, problem, fix)
    if not os.access(path, os.W_OK):
        return DoctorCheck("database", False, f"{path} is not writable", "check its permissions")
    return DoctorCheck("database", True, f"{path} ({shows} show{'' if shows == 1 else 's'})")


def _count_shows(path: Path) -> int:
    """How many shows the database holds, after the checks a show makes before it opens it,
    worded as every command words them; read-only: no migrations, nothing created."""
    db = open_read_only(path, verify=True)
    try:
        with store_errors(path):
            if not db["shows"].exists():
                return 0  # an empty file: the first show fills it, as it would a new one
            return int(db.execute("SELECT count(*) FROM shows").fetchone()[0])
    finally:
        db.conn.close()


def _pseudonym_key_check(settings: Settings) -> list[DoctorCheck]:
    """Whether viewers who opted out will be recognised when they come back (if any did)."""
    from stagehand.pseudonyms import KeyFile
    from stagehand.store.pseudonymize import pseudonym_key_problem

    key_file = KeyFile()
    path = settings.db_path().expanduser()
    problem, opted_out = None, 0
    if path.exists():
        try:
            conn = open_read_only(path).conn
            try:
                problem = pseudonym_key_problem(conn, key_file)
                opted_out = conn.execute(
                    "SELECT count(*) FROM authors WHERE platform_user_id LIKE 'pseudonym:%'"
                ).fetchone()[0]
            finally:
                conn.close()
        except (StoreError, sqlite3.Error):
            return []  # the database line already says what is wrong with it
    if problem:
        return [
            DoctorCheck(
                "pseudonym key",
                False,
                f"{problem}: {_viewers(opted_out)} who opted out will not be recognised when "
                "they come back (their new comments would be kept under their names)",
                f"restore {key_file.path} from a backup of the machine that made the database; "
                "without it they must type !optout again",
            )
        ]
    if not key_file.path.exists():
        return []  # nobody has opted out yet: no key is needed
    if not key_file.permissions_ok():
        return [
            DoctorCheck(
                "pseudonym key",
                False,
                f"{key_file.path} can be read by other users (with it, pseudonyms can be reversed)",
                f"chmod 600 {key_file.path}",
            )
        ]
    return [
        DoctorCheck(
            "pseudonym key",
            True,
            f"{key_file.path} (owner-only; recognises {_viewers(opted_out)} who opted out)",
        )
    ]


def _viewers(n: int) -> str:
    return f"{n} viewer" if n == 1 else f"{n} viewers"


def _token_file_check(tokens: TokenStore) -> DoctorCheck:
    if not tokens.path.exists():
        return DoctorCheck("token store", True, f"{tokens.path} (empty)")
    if not tokens.permissions_ok():
        return DoctorCheck(
            "token store",
            False,
            f"{tokens.path} can be read by other users",
            f"chmod 600 {tokens.path}",
        )
    return DoctorCheck("token store", True, f"{tokens.path} (owner-only)")


def _platform_checks(settings: Settings, tokens: TokenStore, *, online: bool) -> list[DoctorCheck]:
    checks: list[DoctorCheck] = []
    guest_link = settings.show.guest_link  # what pulling a viewer on stage sends them
    if settings.twitch.enabled:
        from stagehand.adapters.twitch.doctor import doctor_checks as twitch_checks

        checks.extend(twitch_checks(settings.twitch, tokens, guest_link=guest_link, online=online))
    if settings.discord.enabled:
        from stagehand.adapters.discord.doctor import doctor_checks as discord_checks

        checks.extend(
            discord_checks(settings.discord, tokens, guest_link=guest_link, online=online)
        )
    if settings.youtube.enabled:
        from stagehand.adapters.youtube.doctor import doctor_checks as youtube_checks

        checks.extend(youtube_checks(settings.youtube, tokens, online=online))
        checks.append(_youtube_quota_check(settings))
    if not checks:
        checks.append(
            DoctorCheck(
                "platforms",
                False,
                "none enabled: `stagehand run` would have nothing to connect to",
                "set enabled = true under [twitch], [discord] or [youtube] (docs/twitch.md, "
                "docs/discord.md, docs/youtube.md)",
            )
        )
    return checks


def _youtube_quota_check(settings: Settings) -> DoctorCheck:
    """Today's YouTube quota spend, as stagehand counted it (every show in the database)."""
    from stagehand.adapters.youtube.quota import quota_day, spoken_duration, until_reset
    from stagehand.domain import utcnow
    from stagehand.store.queries import quota_spent

    now = utcnow()
    day, limit = quota_day(now), settings.youtube.daily_quota
    path = settings.db_path().expanduser()
    spent = 0
    if path.exists():
        try:
            db = open_read_only(path)
            try:
                if db["quota_calls"].exists():
                    spent = quota_spent(db, "youtube", day)
            finally:
                db.conn.close()
        except (StoreError, sqlite3.Error):
            pass  # the database line already says what is wrong with it
    left = max(0, limit - spent)
    reset = spoken_duration(until_reset(now))
    detail = (
        f"{spent:,} of {limit:,} units spent today ({day}, Pacific), {left:,} left; resets in "
        f"{reset} (stagehand's own calls: the Cloud console counts the whole project's)"
    )
    ok = left > settings.youtube.reserve_units
    fix = "" if ok else "wait for the reset, or ask Google for more quota and raise daily_quota"
    return DoctorCheck("youtube quota", ok, detail, fix)


def format_check(check: DoctorCheck) -> str:
    mark = "ok  " if check.ok else "FIX "
    line = f"{mark} {check.name}: {check.detail}"
    if not check.ok and check.fix:
        line += f"\n      -> {check.fix}"
    return line
