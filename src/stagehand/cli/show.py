"""`stagehand demo`, `replay` and `run`: a show played or run live, with the console or headless."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from stagehand.cli.errors import StagehandCommand, UserError
from stagehand.cli.options import (
    ServeOptions,
    config_option,
    db_option,
    server_options,
    speed_option,
)
from stagehand.cli.replay_progress import ReplayWatch, show_replay_progress
from stagehand.cli.terminal import need_a_terminal
from stagehand.cli.transcripts import database_not_transcript, why_no_events
from stagehand.config import Settings, load_settings
from stagehand.config.server import ListenAddress

#: A headless replay stops once writing has failed this long without a break: the writer has
#: tried five times (0.5, 1, 2 and 4 s apart), and the disk is still full (or read-only,
#: or locked by another program). The same command resumes it where the database stops.
STORAGE_PATIENCE = 10.0

if TYPE_CHECKING:  # imported where used: `stagehand --help` stays quick
    from stagehand.adapters.replay import ReplayAdapter
    from stagehand.server.app import ShowServer
    from stagehand.server.obs import ObsStage
    from stagehand.show.live import LiveShow
    from stagehand.transcript import TranscriptEvent


@click.command(cls=StagehandCommand)
@speed_option(default=2.0, most=1000)
@click.option(
    "--show",
    "show_name",
    default=None,
    help="Show name in the database (default: a new 'demo-<time>' show).",
)
@db_option
@config_option
@click.option(
    "--headless", is_flag=True, help="No console: play the show into the database and exit."
)
@server_options
def demo(
    speed: float,
    show_name: str | None,
    db_path: Path | None,
    config_path: Path | None,
    headless: bool,
    listen: ListenAddress | None,
    insecure_remote: bool,
) -> None:
    """The console on the bundled demo show (no accounts needed); its overlay URL is printed."""
    from stagehand.demo import demo_transcript_path

    name = show_name or "demo-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    _replay(
        demo_transcript_path(),
        db_path=db_path,
        config_path=config_path,
        show_name=name,
        speed=speed,
        instant=False,
        headless=headless,
        serve=ServeOptions(listen, insecure_remote),
        # Each demo is a new show: the same command again starts another; its name resumes it.
        resume_hint="run the same command again"
        if show_name
        else f"run the same command with --show {name}",
    )


@click.command(cls=StagehandCommand)
@click.argument("transcript", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@config_option
@click.option(
    "--show",
    "show_name",
    default=None,
    help="Show name in the database (default: the transcript's file name). "
    "An existing show is resumed, not duplicated.",
)
@speed_option(default=1.0, most=100000)
@click.option("--instant", is_flag=True, help="Play as fast as possible.")
@click.option("--headless", is_flag=True, help="No console: play into the database and exit.")
@server_options
def replay(
    transcript: Path,
    db_path: Path | None,
    config_path: Path | None,
    show_name: str | None,
    speed: float,
    instant: bool,
    headless: bool,
    listen: ListenAddress | None,
    insecure_remote: bool,
) -> None:
    """Play TRANSCRIPT (JSON Lines) through the full pipeline, with the console or headless."""
    _replay(
        transcript,
        db_path=db_path,
        config_path=config_path,
        show_name=show_name or transcript.stem,
        speed=speed,
        instant=instant,
        headless=headless,
        serve=ServeOptions(listen, insecure_remote),
    )


def _replay(
    transcript: Path,
    *,
    db_path: Path | None,
    config_path: Path | None,
    show_name: str,
    speed: float,
    instant: bool,
    headless: bool,
    serve: ServeOptions,
    resume_hint: str = "run the same command again",
) -> None:
    """Play `transcript` as the show `show_name`. `resume_hint`: the command that resumes it
    where it stopped, as the user is told when it stops short."""
    from stagehand.adapters.replay import ReplayAdapter, transcript_start
    from stagehand.session import open_show
    from stagehand.transcript import BadLines, ShowEvent

    settings = load_settings(config_path, required=False)
    serve = _check_serving(settings, serve)
    first = _first_event(transcript)
    title, description = "", ""
    if isinstance(first, ShowEvent):
        title, description = first.title, first.description

    def report_bad_line(text: str) -> None:  # called while the show plays (`live` is open)
        if headless:
            click.echo(text, err=True)
        else:  # the console owns the terminal: a notice there, and the line in the log
            logging.getLogger("stagehand.replay").warning("%s", text)
            live.say(text, "warning")

    if not headless:
        need_a_terminal(
            "add --headless to play it into the database without the console, or run it in a "
            "terminal (tmux or screen keep one open on a server)",
        )
    bad_lines = BadLines(report_bad_line)
    adapter = ReplayAdapter(transcript, speed=speed, instant=instant, on_bad_line=bad_lines)
    live = open_show(
        settings,
        db_path=db_path,
        show_name=show_name,
        title=title,
        description=description,
        source=str(transcript),
        # Another transcript under a stored show's name is refused, not merged into it.
        transcript=transcript,
        # A replayed show starts when its transcript does: all its times are on the show clock.
        started_at=transcript_start(transcript),
        adapters=[adapter],
    )
    if headless:
        _run_headless(live, settings, serve, adapter, resume_hint=resume_hint)
    else:
        _run_console(live, settings, serve, resume_hint=resume_hint)
    if not headless and (summary := bad_lines.summary()):  # (headless: the summary says it)
        click.echo(summary, err=True)
    if adapter.error:
        raise UserError(f"the replay stopped early: {adapter.error}")
    if adapter.nothing_playable:
        raise UserError(
            f"{transcript}: not one chat line of it could be played: {_bad_lines(adapter)}; "
            "fix them (docs/transcript-format.md) and run the same command again"
        )


def _bad_lines(replay: ReplayAdapter) -> str:
    """How many bad lines the replay skipped, and where they were named."""
    from stagehand.transcript import BAD_LINES_LISTED

    count = replay.skipped
    where = (
        "named above" if count <= BAD_LINES_LISTED else f"the first {BAD_LINES_LISTED} named above"
    )
    return f"{count:,} bad line{'' if count == 1 else 's'} skipped ({where})"


def _first_event(transcript: Path) -> TranscriptEvent:
    """The transcript's first event (the show's title may be in it); UserError if it has none.

    Bad lines before it are only counted here: the replay reports each one as it plays.
    """
    from stagehand.transcript import TranscriptError, read_transcript

    if database := database_not_transcript(transcript):  # `stagehand replay stagehand.db`
        raise UserError(database)
    skipped: list[TranscriptError] = []
    first = next(iter(read_transcript(transcript, on_error=skipped.append)), None)
    if first is None:
        why = f"; the first bad line: {skipped[0]}" if skipped else f": {why_no_events(transcript)}"
        raise UserError(
            f"{transcript}: no transcript events in it{why}; "
            "see docs/transcript-format.md for the format"
        )
    return first


def _check_serving(settings: Settings, serve: ServeOptions) -> ServeOptions:
    """Bind the show server's socket, or refuse one that could not start as configured (a
    taken port too), before the show opens: a refusal leaves no empty show behind."""
    from stagehand.server.app import ServerRefused, bind

    if not settings.server.enabled:
        return serve
    try:
        sock = bind(settings, listen=serve.listen, insecure_remote=serve.insecure_remote)
    except ServerRefused as exc:
        raise UserError(str(exc)) from None
    return dataclasses.replace(serve, sock=sock)


async def _serve(
    live: LiveShow, settings: Settings, serve: ServeOptions, *, announce: bool = True
) -> tuple[ShowServer | None, ObsStage | None]:
    """Start the show server (and OBS control) on the running loop, and say where it is
    (unless not `announce`: the caller says it, once the show is on air).

    A server that cannot start ends the show before it ran (closed and stored), with the reason.
    """
    from stagehand.server.app import ServerRefused, start_server
    from stagehand.server.obs import ObsStage

    obs = ObsStage.follow(live, settings.obs) if settings.obs.enabled else None
    if not settings.server.enabled:
        return None, obs
    try:
        server = await start_server(
            live,
            settings,
            listen=serve.listen,
            insecure_remote=serve.insecure_remote,
            sock=serve.sock,
        )
    except ServerRefused as exc:
        if obs is not None:
            await obs.close()
        await live.close()
        raise UserError(str(exc)) from None
    if announce:
        _announce(server)
    return server, obs


def _announce(server: ShowServer) -> None:
    click.echo(f"Show server: {server.url}  (overlay for OBS: {server.url}/overlay)")
    if server.elsewhere:
        # Listening on every interface: 127.0.0.1 reaches it only from this machine.
        click.echo(
            f"  from other machines: {server.elsewhere} (or this machine's address on your network)"
        )


async def _stop_serving(server: ShowServer | None, obs: ObsStage | None) -> None:
    if server is not None:
        await server.stop()
    if obs is not None:
        await obs.close()


def _run_headless(
    live: LiveShow,
    settings: Settings,
    serve: ServeOptions,
    replay: ReplayAdapter | None = None,
    *,
    resume_hint: str = "run the same command again",
) -> None:
    """Run the show with no console. `resume_hint`: how a replay stopped short resumes."""
    from stagehand.events import ConnectionChanged, CoreEvent, Notice
    from stagehand.logs import configure_logging, redact

    # The log file keeps everything, as with the console; the terminal gets the show's own
    # lines, and the warnings and errors it does not say itself.
    configure_logging(to_file=True, echo_warnings=True)
    #: The show server while it waits to be announced: a live show's, until it is on air.
    unannounced: list[ShowServer] = []

    def print_status(event: CoreEvent) -> None:
        # Headless, the terminal is the console: connection changes and problems only.
        if isinstance(event, Notice) and event.level == "error":
            click.echo(redact(event.text), err=True)
        elif isinstance(event, ConnectionChanged) and event.platform != "replay":
            if event.state == "failed" and _nothing_connected(live):
                return  # the last hope gone: the error the command ends with says it all
            detail = f" ({event.detail})" if event.detail else ""
            click.echo(f"{event.platform}: {event.state}{detail}", err=True)
            if event.state == "connected" and unannounced:
                _announce(unannounced.pop())

    live.add_listener(print_status)
    watch = ReplayWatch(replay) if replay is not None else None
    if watch is not None:
        live.add_listener(watch.hear)
    for notice in live.startup_notices:  # e.g. a missing pseudonym key: said before anything
        click.echo(notice.text, err=True)

    #: The signal that ended the show (SIGINT, SIGTERM), if one did.
    caught: list[int] = []

    async def play() -> tuple[bool, bool, str | None]:
        """Run the show; whether everything was written, whether a replay stopped before the end
        of its transcript, and the storage problem that stopped it, if one did."""
        # SIGINT / SIGTERM end the show cleanly: adapters close, everything queued is written.
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()

        def caught_signal(signum: int) -> None:
            caught.append(signum)
            stop.set()

        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, caught_signal, signum)
        # A live show's server is announced once a platform connects: a show that never goes
        # on air leaves no address behind for a server about to stop.
        server, obs = await _serve(live, settings, serve, announce=live.aired)
        if server is not None and not live.aired:
            unannounced.append(server)
        adapters = asyncio.ensure_future(live.run_adapters())
        stopping = asyncio.ensure_future(stop.wait())
        progress = asyncio.ensure_future(show_replay_progress(live, watch))
        stuck = asyncio.ensure_future(_storage_stuck(live, replay))
        stopped_short, gave_up = False, None
        try:
            await asyncio.wait({adapters, stopping, stuck}, return_when=asyncio.FIRST_COMPLETED)
            # A live show ends so; a replay stops short of its transcript's end.
            stopped_short = replay is not None and not adapters.done()
            gave_up = stuck.result() if stuck.done() else None
        finally:
            for helper in (progress, stuck):
                helper.cancel()
            await asyncio.gather(progress, stuck, return_exceptions=True)
            ok = await live.close()
            await _stop_serving(server, obs)
            for task in (adapters, stopping):
                task.cancel()
            await asyncio.gather(adapters, stopping, return_exceptions=True)
        return ok, stopped_short, gave_up

    ok, stopped_short, gave_up = asyncio.run(play())
    #: The stop came once every line was played, as the show was closing: it closed as usual.
    played_all = stopped_short and watch is not None and watch.played_to_the_end()
    stopped_short = stopped_short and not played_all
    nothing_played = replay is not None and replay.nothing_playable  # an error: `_replay`
    if (
        live.kept and not live.not_taken_back and not live.file_lost and not nothing_played
    ):  # (else the error below says where it is not)
        line = _summary(live, watch, interrupted=stopped_short, resume_hint=resume_hint)
        if played_all:
            line += "; the whole transcript was played before the stop"
        click.echo(line)
    if not ok or gave_up:
        # What still fails now; else what stopped the replay (its last writes went through).
        raise _not_written(
            live, resume_hint=resume_hint if replay else None, because=gave_up if ok else None
        )
    if stopped_short and caught:  # what was stored is kept: the status says it did not finish
        raise click.exceptions.Exit(128 + caught[0])
    _never_on_air(live)


def _nothing_connected(live: LiveShow) -> bool:
    """Every live platform gave up, none having connected: the show cannot go on air."""
    failed = live.failed_platforms()
    return bool(failed) and set(failed) == set(live.live_platforms()) and not live.aired


def _never_on_air(live: LiveShow, log_path: Path | None = None) -> None:
    """After a live show no platform connected to (it left nothing in the database): why, as
    the error the command ends with when every platform gave up, else as a line."""
    if _nothing_connected(live):
        # Every platform gave up for a reason waiting cannot fix (a refused token, a missing
        # scope or intent): a service manager must see the show did not run.
        failed = live.failed_platforms()
        raise UserError(
            "no platform could connect: " + "; ".join(f"{p}: {d}" for p, d in failed.items())
        )
    if live.not_taken_back:
        click.echo(
            f"No platform connected before the show was stopped: {live.not_taken_back}", err=True
        )
        return
    if live.kept:
        return
    where = f" (log: {log_path})" if log_path else ""
    click.echo(
        f"No platform connected before the show was stopped: no show {live.show.name!r} "
        f"was stored{where}",
        err=True,
    )


def _not_written(
    live: LiveShow, *, resume_hint: str | None, because: str | None = None
) -> UserError:
    """The show ended with writing failing (or `because` stopped it): what to fix, with no
    promise to keep chat (the process is going), and for a replay (`resume_hint`), how to
    resume it."""
    problem = because or live.storage_error_at_exit
    problem = problem or "not everything could be written to the database"
    if resume_hint:
        problem += f"; then {resume_hint}: the replay resumes where the database stops"
    return UserError(problem)


async def _storage_stuck(live: LiveShow, replay: ReplayAdapter | None) -> str:
    """Return once writing has failed for `STORAGE_PATIENCE` seconds on end (a full disk, say):
    what fails, worded for a command that stops now.

    Only a replay gives up: it resumes from its transcript, so it need not wait for room (it
    did, for ever, with no one there to stop it). A live show's chat is only in memory: it waits.
    """
    if replay is None:
        await asyncio.Event().wait()
    failing_since: float | None = None
    while True:
        await asyncio.sleep(0.2)
        if not live.storage_failing:
            failing_since = None
            continue
        now = time.monotonic()
        failing_since = failing_since or now
        if now - failing_since >= STORAGE_PATIENCE:
            return live.storage_error_at_exit or "cannot write the database"


def _summary(
    live: LiveShow,
    watch: ReplayWatch | None,
    *,
    interrupted: bool = False,
    resume_hint: str = "run the same command again",
) -> str:
    """What the database confirmed it stored in this session, not what was sent its way.

    Every chat line stored counts, commands and the hosts' own lines too: `stagehand shows` and
    the report count only the viewers' comments (docs/metrics.md), so the line says which.
    """
    stored = live.stored
    duplicates = live.duplicates + stored.comments_already_stored
    verb = "Resumed" if live.resumed else "Stored"
    # Below 0 only if this session undid a segment an earlier one stored.
    segments = max(stored.segments, 0)
    line = (
        f"{verb} show {live.show.name!r}: {stored.comments} chat line"
        f"{'' if stored.comments == 1 else 's'} (commands and the hosts' own included; "
        f"{duplicates} duplicates skipped), "
        f"{segments} segment{'' if segments == 1 else 's'} in {_where_stored(live)}"
    )
    if watch is not None and interrupted:
        return (
            f"Stopped before the end of the transcript{watch.where_stopped()}: "
            f"{line[0].lower()}{line[1:]}; {resume_hint} to resume where it stopped"
        )
    if watch is not None:
        replay = watch.replay
        if replay.resumed_after_line and not replay.played:
            line += "; it was already stored to the end of the transcript"
        elif replay.resumed_after_line:
            line += f"; picked up after line {replay.resumed_after_line} of the transcript"
        if replay.skipped:
            line += f"; {_bad_lines(replay)}"
        if replay.clamped:
            line += (
                f"; {replay.clamped} event(s) dated far off the show's clock were played "
                "at the show's time (see the warnings)"
            )
    return line


def _where_stored(live: LiveShow) -> str:
    """The database file the show is in now: its path, or where it was written back to when
    its file was deleted or moved while the show ran (the writer's `file_gone`)."""
    if live.moved_to is not None:
        return f"{live.moved_to} (moved there from {live.db_path} while the show ran)"
    if live.written_back_to is None:
        return str(live.db_path)
    return f"{live.written_back_to} (written back: its file was deleted while the show ran)"


def _run_console(
    live: LiveShow, settings: Settings, serve: ServeOptions, *, resume_hint: str | None = None
) -> None:
    """Run the show in the console. `resume_hint`: how a replay whose writes failed resumes."""
    from stagehand.console.app import StagehandApp, make_app
    from stagehand.logs import configure_logging

    log_path = configure_logging(to_file=True)

    async def run() -> StagehandApp:
        # The show server runs on the console's loop, beside the show, until the console quits.
        server, obs = await _serve(live, settings, serve)
        app = make_app(live, settings, server_url=server.url if server else None)
        # The system stops the show (SIGTERM), or its terminal closed (SIGHUP): the show closes
        # as `q` closes it (everything queued is written, the show's end is recorded), without
        # asking: there is no one to ask.
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, app.call_later, app.close_show_and_exit)

        async def hung_up() -> None:
            # With no terminal, Textual's own shutdown blocks writing to it (the process hung,
            # holding the show server's port): once the show is closed, leave at once.
            await app.close_show()
            logging.shutdown()
            os._exit(128 + signal.SIGHUP)

        loop.add_signal_handler(signal.SIGHUP, app.call_later, hung_up)
        try:
            await app.run_async()
        finally:
            await _stop_serving(server, obs)
        return app

    app = asyncio.run(run())
    if app.close_ok is False:
        raise _not_written(live, resume_hint=resume_hint)
    if live.kept and not live.not_taken_back:
        click.echo(f"Show {live.show.name!r} saved in {_where_stored(live)} (log: {log_path})")
    _never_on_air(live, log_path)


@click.command(cls=StagehandCommand)
@config_option
@db_option
@click.option(
    "--show", "show_name", default=None, help="Show name (default: [show] name from the config)."
)
@click.option("--headless", is_flag=True, help="No console: store chat and answer commands only.")
@server_options
def run(
    config_path: Path | None,
    db_path: Path | None,
    show_name: str | None,
    headless: bool,
    listen: ListenAddress | None,
    insecure_remote: bool,
) -> None:
    """The live show from a config file: connect the enabled platforms and open the console."""
    from stagehand.session import open_show

    settings = load_settings(config_path, required=True)
    serve = ServeOptions(listen, insecure_remote)
    serve = _check_serving(settings, serve)
    if not headless:
        need_a_terminal(
            "add --headless to store chat and answer commands without the console, or run it "
            "in a terminal (tmux or screen keep one open on a server)",
        )
    live = open_show(settings, db_path=db_path, show_name=show_name)
    if headless:
        _run_headless(live, settings, serve)
    else:
        _run_console(live, settings, serve)
