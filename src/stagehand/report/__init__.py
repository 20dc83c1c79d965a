"""Post-show reports: one `ShowMetrics`, rendered as term, md, html, json or csv.

    from stagehand.report import render_show
    text = render_show(show_metrics(db), "html")

Renderers never compute a metric; they only word and draw what `stagehand.metrics` says.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from stagehand.metrics import ShowMetrics, TrendRow

FORMATS = ("term", "md", "html", "json", "csv")


def _renderers() -> dict[str, tuple[Callable[[ShowMetrics], str], Callable[..., str]]]:
    from stagehand.report import data, html, markdown, term

    return {
        "term": (term.render_show, term.render_trend),
        "md": (markdown.render_show, markdown.render_trend),
        "html": (html.render_show, html.render_trend),
        "json": (data.render_json, data.render_trend_json),
        "csv": (data.render_csv, data.render_trend_csv),
    }


def render_show(report: ShowMetrics, fmt: str = "term") -> str:
    """One show's report in `fmt` (one of FORMATS)."""
    return _renderers()[fmt][0](report)


def render_trend(rows: Sequence[TrendRow], fmt: str = "term") -> str:
    """Every show compared on the headline metrics, in `fmt`."""
    return _renderers()[fmt][1](rows)
