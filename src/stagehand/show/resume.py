"""A stored show picked up where it stopped: its state and its ranking's memory, from the database."""

from __future__ import annotations

from stagehand.domain import Segment
from stagehand.ranking.link import RankingLink
from stagehand.show.pipeline import UNSCORED_KINDS
from stagehand.show.state import ShowState
from stagehand.store.queries import ResumedState

#: A resumed show scores its latest stored comments again (storing nothing) so the ranking
#: remembers recent texts, threads and who is flooding, as if it had never stopped.
WARM_UP_COMMENTS = 2_000


def restore(state: ShowState, ranker: RankingLink, resumed: ResumedState) -> None:
    """Segments, stage, hands and recent chat as stored; the ranking warmed up on them."""
    for row in resumed.segments:
        state.segments.append(Segment(row.position, row.title, row.keywords, row.started_at))
    if state.segments:
        ranker.set_segment(state.segments[-1])
    for author, started_at, comment_id in resumed.on_stage:
        state.start_stage(author, started_at, comment_id)
        ranker.set_on_stage(author.key, True, names=(author.name, author.display_name))
    for author in resumed.raised_hands:
        state.hands[author.key] = author
        ranker.set_hand(author.key, True)
    for comment, _ in resumed.recent_comments:
        state.recent.add(comment)
    for key, count in resumed.author_comments:
        ranker.recall_author(key, count)
    scored = [c for c, kind in resumed.recent_comments if kind not in UNSCORED_KINDS]
    for comment in scored[-WARM_UP_COMMENTS:]:
        ranker.warm(comment)
