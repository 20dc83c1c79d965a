"""Search past comments of this show (FTS), on a worker thread with its own read connection.

The writer thread owns the only write connection; searching opens a separate read-only
connection per query (WAL lets readers run beside the writer), so typing never waits for
storage and storage never waits for typing.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from stagehand.console.text import plain, platform_tag
from stagehand.store.database import connect
from stagehand.store.queries import SearchHit, search_comments

RESULTS = 50


def find(db_path: Path, show_id: int, query: str) -> list[SearchHit]:
    """One search on a fresh connection (closed after), safe to run on any thread."""
    db = connect(db_path)
    try:
        return search_comments(db, show_id, query, limit=RESULTS)
    finally:
        db.conn.close()


class SearchScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, db_path: Path, show_id: int) -> None:
        super().__init__()
        self.db_path = db_path
        self.show_id = show_id
        self.searches = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(
                Content.styled("Search this show's comments", "bold"), classes="dialog-title"
            )
            yield Input(placeholder="words to find (Enter searches, Escape closes)", id="query")
            yield Static(
                Content.styled("Words match as prefixes: 'oscil' finds oscillator.", "$text-muted"),
                id="search-status",
            )
            yield OptionList(id="hits")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if query:
            self.query_one("#search-status", Static).update(
                Content.styled("Searching…", "$text-muted")
            )
            self.run_search(query)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        try:
            hits = find(self.db_path, self.show_id, query)
        except Exception as exc:  # a locked or damaged file: say so, keep the console up
            self.app.call_from_thread(self.show_failure, f"{type(exc).__name__}: {exc}")
            return
        self.app.call_from_thread(self.show_hits, query, hits)

    def show_failure(self, reason: str) -> None:
        self.query_one("#search-status", Static).update(
            plain(f"Search failed: {reason}", style="$text-error")
        )

    def show_hits(self, query: str, hits: list[SearchHit]) -> None:
        self.searches += 1
        status = f"{len(hits)} comment{'s' if len(hits) != 1 else ''} found"
        if len(hits) == RESULTS:
            status += f" (the newest {RESULTS})"
        self.query_one("#search-status", Static).update(
            Content.assemble(
                plain(status), ("  for ", "$text-muted"), plain(query, max_chars=80, style="italic")
            )
        )
        options = self.query_one("#hits", OptionList)
        options.clear_options()
        options.add_options(
            Option(
                Content.assemble(
                    (f"{hit.ts:%H:%M:%S} ", "$text-muted"),
                    platform_tag(hit.platform),
                    " ",
                    plain(hit.author, max_chars=30, style="bold"),
                    ": ",
                    plain(hit.text, max_chars=500),
                )
            )
            for hit in hits
        )

    def action_close(self) -> None:
        self.dismiss(None)
