"""Search past comments of this show (FTS), on a worker thread, through the show (`ShowAPI.search`).

A show in this process searches on a read connection of its own per query (the writer thread
owns the only write connection; WAL lets readers run beside it), so typing never waits for
storage and storage never waits for typing; an attached console asks the show server.

Results can be acted on: Enter in the query searches and moves to the results; there, Enter
selects the highlighted comment in the console (in the queue when it is there), and `a`, `p`,
`r` select it and answer it, bring its author on stage, or reply to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from stagehand.console.screens.docked import DockedScreen
from stagehand.console.text import plain, platform_tag
from stagehand.domain import AuthorKey, RankedComment
from stagehand.logs import log_file_path
from stagehand.show.search import SearchError
from stagehand.store.queries import SearchHit, has_words

log = logging.getLogger(__name__)

RESULTS = 50

#: One search (blocking; run on a worker thread): the show's own (`ShowAPI.search`).
Finder = Callable[[str, int], list[SearchHit]]


def author_of(hit: SearchHit) -> AuthorKey:
    return AuthorKey(hit.platform, hit.author_id)


@dataclass(frozen=True, slots=True)
class SearchChoice:
    """The comment the host picked, and the console action to run on it (None: select it)."""

    ranked: RankedComment
    action: str | None = None


class SearchScreen(DockedScreen[SearchChoice | None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("a", "pick('answer')", "Answer", show=False),
        Binding("p", "pick('pull_on_stage')", "Stage", show=False),
        Binding("r", "pick('reply')", "Reply", show=False),
        Binding("slash", "focus_query", "New search", show=False),
    ]

    def __init__(self, find: Finder) -> None:
        super().__init__()
        self.find = find
        self.searches = 0
        self.hits: list[SearchHit] = []
        self.searched = ""
        self.found = 0
        #: Who asked to be forgotten or opted out while this was open: never listed here.
        self.left: set[AuthorKey] = set()

    def compose_dock(self) -> ComposeResult:
        yield Static(Content.styled("Search this show's comments", "bold"), classes="dialog-title")
        yield Input(placeholder="words to find (Enter searches, Escape closes)", id="query")
        yield Static(
            Content.styled("Words match as prefixes: 'oscil' finds oscillator.", "$text-muted"),
            id="search-status",
        )
        yield OptionList(id="hits")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if query and not has_words(query):
            # Quotes, `*` or emoji alone: the index holds none of them, so nothing could be found.
            self.show_failure(
                Content.assemble(
                    "Nothing to search for in ",
                    plain(f"'{query}'", max_chars=40, style="italic"),
                    ": type a word or the start of one (letters or digits; 'oscil' finds "
                    "oscillator)",
                )
            )
        elif query:
            self.query_one("#search-status", Static).update(
                Content.styled("Searching…", "$text-muted")
            )
            self.run_search(query)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        try:
            hits = self.find(query, RESULTS)
        except SearchError as exc:  # a locked or moved file, a show away: its words say why
            self.app.call_from_thread(self.show_failure, plain(str(exc)))
            return
        except Exception:  # never a class name on screen: the traceback is logged
            log.exception("search for %r failed", query)
            self.app.call_from_thread(
                self.show_failure,
                Content(
                    f"Search failed unexpectedly (the details are in the log, {log_file_path()})"
                    ": search again"
                ),
            )
            return
        self.app.call_from_thread(self.show_hits, query, hits)

    def show_failure(self, reason: Content) -> None:
        self.query_one("#search-status", Static).update(reason.stylize("$text-error"))

    def show_hits(self, query: str, hits: list[SearchHit]) -> None:
        self.searches += 1
        self.searched = query
        self.found = len(hits)
        self.hits = [hit for hit in hits if author_of(hit) not in self.left]
        self._list(highlight=0, focus=True)

    def _list(self, *, highlight: int | None, focus: bool) -> None:
        """The hits as options, `highlight` highlighted (and focused with `focus`)."""
        hits = self.hits
        status = f"{len(hits)} comment{'s' if len(hits) != 1 else ''} found"
        if self.found == RESULTS:
            status += f" (the newest {RESULTS})"
        hint = "   Enter selects · a answer · p stage · r reply · / new search" if hits else ""
        self.query_one("#search-status", Static).update(
            Content.assemble(
                plain(status),
                ("  for ", "$text-muted"),
                plain(self.searched, max_chars=80, style="italic"),
                (hint, "$text-muted"),
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
        if hits and highlight is not None:
            options.highlighted = highlight
            if focus:
                options.focus()

    def let_go(self, left: Mapping[AuthorKey, str]) -> str | None:
        """Whoever asked to be forgotten or opted out leaves the results at once (and any
        search still running here finds nothing of theirs): their lines were found before
        the show deleted or anonymized them."""
        self.left.update(left)
        kept = [hit for hit in self.hits if author_of(hit) not in left]
        if len(kept) != len(self.hits):
            options = self.query_one("#hits", OptionList)
            index, focused = options.highlighted, options.has_focus
            was = self.hits[index] if index is not None else None
            self.hits = kept
            now = next((i for i, hit in enumerate(kept) if hit is was), 0 if kept else None)
            self._list(highlight=now, focus=focused)
        return None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(None)

    def action_pick(self, action: str | None) -> None:
        options = self.query_one("#hits", OptionList)
        index = options.highlighted
        if not options.has_focus or index is None or not 0 <= index < len(self.hits):
            return
        self.dismiss(SearchChoice(self.hits[index].ranked(), action))

    def action_focus_query(self) -> None:
        self.query_one("#query", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)
