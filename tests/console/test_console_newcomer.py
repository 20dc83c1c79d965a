"""What a newcomer met in the demo, on a laptop-sized terminal: queue rows cut to a few words
(and still cut with the chat hidden), `n` starting a made-up "Segment 3" with no keywords, and
a replay that ended without a word while the Selected pane kept a stale sentence cut in half.

The real console under Pilot on a show replayed into a real SQLite file, at the sizes in
question; what is asserted is the screen's text, as the host reads it, and the database.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys

from rich.cells import cell_len
from textual import events
from textual.keys import _character_to_key

from conftest import actions_done, comment_record, open_console, played, screen_text
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings, default_db_path
from stagehand.console.over import over_words
from stagehand.demo import demo_transcript_path
from stagehand.session import open_show

FIN = "is a ladder filter better than a state variable filter for cutoff sweeps?"
BEN = "which waveform makes the fattest bass, saw or square?"
DEV = "how do you stop the resonance from screaming?"


def queue_text(app, width: int) -> str:
    """The queue's rows (between its title and the Selected pane's), the queue's columns only,
    as one line of words: a comment continued on a row's second line reads whole."""
    lines = screen_text(app).splitlines()
    start = next(i for i, line in enumerate(lines) if "Queue (" in line)
    end = next(i for i, line in enumerate(lines) if "Selected" in line)
    return " ".join(" ".join(line[:width].split()) for line in lines[start + 1 : end])


def selected_pane(app) -> str:
    """The Selected pane's words (its column only), as one line."""
    lines = screen_text(app).splitlines()
    start = next(i for i, line in enumerate(lines) if "Selected" in line)
    title = lines[start]
    width = title.index("Selected") + len("Selected")
    while width < len(title) and title[width] == "▔":
        width += 1
    pane = []
    for line in lines[start + 1 : -2]:  # above the notices line and the footer
        pane.append(" ".join(line[:width].split()))
    return " ".join(pane)


def cell_of(lines: list[str], title: str) -> int:
    """The terminal cell where `title` starts, on the first line showing it."""
    line = next(line for line in lines if title in line)
    return cell_len(line[: line.index(title)])


async def test_at_80x24_and_100x30_the_queue_shows_what_viewers_wrote(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        # Beside the chat each row takes two lines (the rows read `is the audio supe…`).
        rows = queue_text(console.app, 52)
        assert BEN in rows and DEV in rows
        assert FIN[:55] in rows

        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        rows = queue_text(console.app, 68)
        assert FIN in rows and BEN in rows and DEV in rows


async def test_with_the_chat_hidden_the_queue_takes_its_room(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        # Chat hidden (`c`): the queue takes the whole width (a blank column stayed beside it),
        # one line a comment, the stage and the raised hands under it.
        await pilot.press("c")
        await pilot.pause()
        lines = screen_text(console.app).splitlines()
        assert any(FIN[:48] in line for line in lines), "\n".join(lines)
        assert any(line.rstrip().endswith(DEV) for line in lines), "\n".join(lines)
        queue_at = next(i for i, line in enumerate(lines) if "Queue (" in line)
        stage_at = next(i for i, line in enumerate(lines) if "On stage" in line)
        assert stage_at > queue_at and lines[stage_at].lstrip("▔").startswith("On stage")
        assert "Chat" not in screen_text(console.app)

        # Shown again: beside the queue as before.
        await pilot.press("c")
        await pilot.pause()
        assert "Chat" in screen_text(console.app)
        assert BEN in queue_text(console.app, 52)


async def test_n_with_no_planned_segment_asks_the_new_segments_name_first(tmp_path, show_file):
    """The transcript's own segments are not planned ones: `n` started "Segment 3" with no
    keywords (the ranking judged chat against an empty topic). It asks first; Escape starts
    nothing; the named segment is the one the ranking follows, and `u` takes it back."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        await pilot.press("n")
        await pilot.pause()
        text = screen_text(console.app)
        assert "Next segment: none is planned" in text
        assert "#2 Filters" in text.splitlines()[0]  # nothing started yet
        await pilot.press("escape")
        await pilot.pause()
        assert "No segment was started" in screen_text(console.app)
        assert console.db().execute("SELECT count(*) FROM segments").fetchone() == (2,)

        await pilot.press("n", *"Envelopes", "tab", *"ADSR, attack", "enter")
        await actions_done(pilot)
        assert "#3 Envelopes" in screen_text(console.app).splitlines()[0]
        assert console.db().execute(
            "SELECT position, title, keywords FROM segments ORDER BY position DESC LIMIT 1"
        ).fetchone() == (3, "Envelopes", '["ADSR", "attack"]')

        await pilot.press("u")
        await actions_done(pilot)
        assert "#2 Filters" in screen_text(console.app).splitlines()[0]


async def test_n_with_a_planned_segment_starts_it_at_once(tmp_path, show_file):
    settings = Settings.model_validate(
        {
            "show": {
                "segments": [
                    {"title": "Intro"},
                    {"title": "Filters"},
                    {"title": "Envelopes", "keywords": ["ADSR"]},
                ]
            }
        }
    )
    console = open_console(tmp_path / "show.db", show_file, settings=settings)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        await pilot.press("n")
        await actions_done(pilot)
        text = screen_text(console.app)
        assert "none is planned" not in text
        assert "#3 Envelopes" in text.splitlines()[0]


async def test_a_finished_replay_says_the_show_is_over_and_what_next(
    tmp_path, show_file, monkeypatch
):
    """In the default database the line holds the command that reports on this show, by its
    name (shell-quoted: a host pastes it), and says it once."""
    monkeypatch.setenv("STAGEHAND_DATABASE_PATH", str(tmp_path / "show.db"))
    console = open_console(tmp_path / "show.db", show_file, show_name="synth night")
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        over = "The replay is over. q quits, then `stagehand report 'synth night'`"
        assert screen_text(console.app).splitlines()[-2].strip() == f"✓ {over}"
        assert [n.text for n in console.app.state.notices].count(over) == 1
        assert not [n for n in console.app.state.notices if "--db" in n.text]


async def test_the_demo_s_moderator_starts_its_segments_without_a_warning(tmp_path):
    """`stagehand demo` answers chat commands: its moderator's `!segment` is what moves the
    show on (the notice says the segment started), never a "topic unchanged" warning at every
    segment change for a line that named the segment the hosts had just started; each segment
    keeps the keywords the show planned for it."""
    console = open_console(tmp_path / "show.db", demo_transcript_path(), commands=True)
    async with console.app.run_test(size=(100, 30)) as pilot:
        await played(console, pilot)
        said = [n.text for n in console.app.state.notices]
        assert not [text for text in said if "unchanged" in text.casefold()], said
        started = [text for text in said if text.startswith("!segment: ")]
        assert started == [
            "!segment: ok: segment 2 started: The oscillator: a sawtooth VCO",
            "!segment: ok: segment 3 started: The filter: a transistor ladder",
            "!segment: ok: segment 4 started: Envelope, MIDI and your questions",
        ], said
        db = console.db()
        segments = db.execute("SELECT title, keywords FROM segments ORDER BY position").fetchall()
        assert [title for title, _ in segments][1:] == [s.split(": ", 3)[-1] for s in started]
        assert all(len(json.loads(keywords)) >= 9 for _, keywords in segments), segments
        # Each segment change is the moderator's, at their line (one step for `l` or u each).
        changes = db.execute("SELECT ts FROM host_actions WHERE action = 'segment'").fetchall()
        lines = db.execute("SELECT ts FROM comments WHERE text LIKE '!segment %'").fetchall()
        assert changes == lines and len(lines) == 3


def test_the_demo_s_show_name_fits_the_line_with_its_command() -> None:
    """`stagehand demo` names each show `demo-<time>`, in the default database: the line at 80
    columns holds its command whole (the newcomer needs no `i`)."""
    words, in_history = over_words("demo-20261207-143512", default_db_path())
    assert words == "The replay is over. q quits, then `stagehand report demo-20261207-143512`"
    assert in_history is None and cell_len(f"✓ {words}") <= 78


async def test_a_replay_in_another_database_is_reported_with_that_database(tmp_path, show_file):
    """`--db` elsewhere, with a newer show in it: `stagehand report` alone would read the
    default database (or that newer show). The line says where the command is (it does not fit
    at 80 columns), `i` shows it whole, and run as shown it reports on the replayed show."""
    db = tmp_path / "season two" / "shows.db"
    db.parent.mkdir()
    newer = [
        {"kind": "show", "ts": "2026-12-01T19:00:00Z", "title": "Later Night"},
        comment_record("z1", "2026-12-01T19:00:05Z", "zed", "201", "first!"),
    ]
    later = tmp_path / "later.jsonl"
    later.write_text("".join(json.dumps(r) + "\n" for r in newer), "utf-8")
    live = open_show(
        Settings(),
        db_path=db,
        show_name="later",
        title="Later Night",
        adapters=[ReplayAdapter(later, instant=True)],
        commands=False,
    )
    await live.run_adapters()
    assert await live.close()

    console = open_console(db, show_file)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        line = screen_text(console.app).splitlines()[-2].strip()
        assert line == "✓ The replay is over. q quits; i shows the command for its report"
        command = f"stagehand report synth --db '{db}'"
        said = [n.text for n in console.app.state.notices]
        assert said.count(f"The replay's report: `{command}`") == 1, said
        await pilot.press("i")
        await pilot.pause()
        history = " ".join(screen_text(console.app).split())
        assert "The replay's report: `stagehand report synth --db" in history
        assert console.live.flush()
        argv = shlex.split(command)
        assert argv[:2] == ["stagehand", "report"]
        done = subprocess.run(
            [sys.executable, "-m", "stagehand", *argv[1:]],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "Synth Night" in done.stdout and "Later Night" not in done.stdout, done.stdout


async def test_the_selected_pane_says_whole_that_nothing_is_selected_at_80x24(tmp_path, show_file):
    """It read `fin's comment left the queue (answered): is a ladder … Nothing is selected
    now: j/↓ selects the` (cut mid-sentence in its four lines)."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        # The Selected pane says what is selected now, whole, in its width at 80x24.
        await pilot.press("j", "a")
        await actions_done(pilot)
        pane = selected_pane(console.app)
        assert (
            "Nothing is selected now: j/↓ selects the comment in its row, k/↑ the one above."
            in pane
        ), pane
        assert re.search(r"\w+'s comment left the queue \(answered\)\.", pane), pane


async def test_two_line_rows_hold_hostile_names_and_emoji_in_their_column(tmp_path) -> None:
    """A long name, a 10,000-character comment, joined emoji and a wide-character name in
    two-line rows: every line is the terminal's width, the side column starts where it did,
    and each row's second line starts under the name (no row spills into the next)."""
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # drawn apart, as Textual counts it
    path = tmp_path / "emoji.jsonl"
    records = [
        comment_record(
            "e1", "2026-11-20T19:00:10Z", "名前がとても長い視聴者さん" * 3, "801", family * 40
        ),
        comment_record("e2", "2026-11-20T19:00:20Z", "x" * 200, "802", "long " + "B" * 10_000),
        comment_record("e3", "2026-11-20T19:00:30Z", "ok", "803", "❤️ " * 60),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    for size in ((80, 24), (100, 30)):
        console = open_console(tmp_path / f"{size[0]}.db", path)
        async with console.app.run_test(size=size) as pilot:
            await played(console, pilot)
            lines = screen_text(console.app).splitlines()
            assert len(lines) == size[1]
            assert all(cell_len(line) == size[0] for line in lines), lines
            queue_at = next(i for i, line in enumerate(lines) if "Queue (3)" in line)
            rows = lines[queue_at + 1 : queue_at + 7]
            for first, second in zip(rows[::2], rows[1::2], strict=True):
                # (a cell of padding first) the markers start a row; its text goes on under the name
                assert first[0] == " " and first[1:5].strip("?HNS·") == "", first
                assert second.startswith(" " * 6) and second[6] != " ", second

            # The side column's panels start in the cell the stage's does, under those rows too.
            assert (
                cell_of(lines, "Raised hands")
                == cell_of(lines, "Chat")
                == cell_of(lines, "On stage")
            )


def test_the_report_command_of_any_show_name_runs_as_shown(tmp_path) -> None:
    """A show is named after its transcript's file: `-x.jsonl` makes a show "-x", which the
    command must pass after `--` (`stagehand report -x` is an unknown option); a name the screen
    cleans ("my  show" reads "my show") gets no command that would name another show."""

    def stagehand(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "stagehand", *args],
            capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL,
        )  # fmt: skip

    db = tmp_path / "shows.db"
    dash = tmp_path / "-x.jsonl"
    records = [
        {"kind": "show", "ts": "2026-12-01T19:00:00Z", "title": "Dash"},
        comment_record("d1", "2026-12-01T19:00:05Z", "dee", "301", "hi all"),
    ]
    dash.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    played = stagehand("replay", str(dash), "--db", str(db), "--instant", "--headless")
    assert played.returncode == 0, played.stderr
    words, in_history = over_words("-x", db)
    command = (in_history or words).split("`")[1]
    argv = shlex.split(command)
    assert argv[:2] == ["stagehand", "report"] and argv[-2:] == ["--", "-x"]
    report = stagehand(*argv[1:])
    assert report.returncode == 0, report.stderr
    assert "Dash" in report.stdout

    words, in_history = over_words("my  show", None)
    assert in_history is None and "`stagehand shows`" in words and "my" not in words


async def test_a_wider_terminal_shows_the_report_command_that_fits_it(tmp_path, show_file):
    """At 160 columns the command with its `--db` fits the notices line: the line says it whole
    rather than "i shows the command" (the line was measured as 80 columns whatever the
    terminal: at 100x30 an 81-column command went to the history)."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(160, 40)) as pilot:
        await played(console, pilot)
        command = f"stagehand report synth --db {tmp_path / 'show.db'}"
        line = screen_text(console.app).splitlines()[-2].strip()
        assert line == f"✓ The replay is over. q quits, then `{command}`"


async def test_keys_typed_at_once_after_tab_in_the_segment_dialog_go_to_the_keywords(
    tmp_path, show_file
):
    """A paste or a fast typist: the title, Tab, the keywords and Enter reach the console
    together, before the dialog has moved its focus. What follows Tab goes to the keywords.
    Before, it landed in the title ("#3 Sound [red]ALSA[/]alsa, sound, audio", no keywords)."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        await pilot.press("n")
        await pilot.pause()
        driver = console.app._driver
        assert driver is not None
        for key, char in [
            *((k, k) for k in "Sound [red]ALSA[/]"),
            ("tab", "\t"),
            *((k, k) for k in "alsa, sound, audio"),
            ("enter", "\r"),
        ]:
            event = events.Key(_key_name(key), char)
            event.set_sender(console.app)
            driver.send_message(event)  # no pause between keys: as fast as a paste
        await pilot.pause(0.3)
        await actions_done(pilot)
        assert "#3 Sound [red]ALSA[/]" in screen_text(console.app).splitlines()[0]
        assert console.db().execute(
            "SELECT title, keywords FROM segments ORDER BY position DESC LIMIT 1"
        ).fetchone() == ("Sound [red]ALSA[/]", '["alsa", "sound", "audio"]')


def _key_name(char: str) -> str:
    """Textual's name for a typed character's key (`[` is left_square_bracket)."""
    if len(char) == 1 and not char.isalnum():
        return _character_to_key(char)
    return char
