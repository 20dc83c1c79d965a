"""Recency folded into a sort key, so a queue never needs re-sorting as time passes.

A comment's score decays as `value * 2 ** (-(now - ts) / half_life)`. For positive values,

    log2(decayed) = log2(value) + ts / half_life - now / half_life

and the last term is the same for every comment at any given `now`, so ordering by
`log2(value) + ts / half_life` is ordering by the current decayed score, at every later moment.
Sunk comments (value below 0) decay towards 0 from below; mirroring the key keeps them under every
positive comment, in the order of their own decayed scores. A value of exactly 0 keys to 0, between
the two. Keys use Unix seconds, so they compare across restarts of the same show.
"""

from __future__ import annotations

import math


def rank_key(value: float, ts_seconds: float, half_life: float) -> float:
    """The sort key: higher means higher in the queue now and at any later time."""
    if value == 0.0:
        return 0.0
    age_term = ts_seconds / half_life
    magnitude = math.log2(abs(value)) + age_term  # finite for every non-zero float
    return magnitude if value > 0 else -magnitude


def decayed_score(value: float, ts_seconds: float, now_seconds: float, half_life: float) -> float:
    """The score `value` given at `ts_seconds` has decayed to by `now_seconds`."""
    age = max(0.0, now_seconds - ts_seconds)
    return value * 0.5 ** (age / half_life)
