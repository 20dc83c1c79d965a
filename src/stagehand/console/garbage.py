"""Garbage collection tuned for a console that holds a flood of chat in memory."""

from __future__ import annotations

import gc

#: Garbage collection thresholds while the console runs (Python's default is 700, 10, 10).
GC_THRESHOLDS = (5_000, 20, 100)


def calm_garbage_collection() -> None:
    """Keep full garbage collections from stopping the console for a tenth of a second.

    Under a flood every comment leaves objects that live long enough to reach the oldest
    generation (the 20,000 recent comments, the dedupe window), so Python ran a full collection
    every two seconds, each scanning Textual and every library too: 100-150 ms with the loop
    stopped, the longest waits a key had. What exists when the console starts is never garbage:
    freeze it; and collect young objects less often (they die by reference count anyway).
    Once per process.
    """
    if gc.get_freeze_count():
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
