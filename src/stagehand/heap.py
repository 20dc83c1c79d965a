"""A long show's processes and their memory: the C allocator gives a freed large block back to
the system, and Python's garbage collector runs rarely enough not to cost the show its speed.

A show's memories are bounded (docs/architecture.md, "Under load"), but a bounded dict still
grows a new table now and then: every deletion leaves a hole, and once its entries run out the
dict copies itself into a table of the same size. For the big ones (the ranker's text caches)
that table is a few megabytes. glibc's malloc maps a block that large on its own, but once such
a block is freed it raises that threshold to the block's size, so every later copy comes from
the heap instead; small allocations made in between then pin the freed tables there. Over the second half of a 1M-comment replay that grew the ranker's worker by
about 5 MB and the show's process by about 4 MB while neither held more (tracemalloc's traced
total stayed flat in the worker; the count of live blocks in both).

`return_large_blocks` fixes the threshold where glibc starts it, which also stops it moving: a
large block is always mapped on its own, and unmapped when freed. A threshold the user chose
(`MALLOC_MMAP_THRESHOLD_` in the environment) is left as it is.
"""

from __future__ import annotations

import gc
import os
import sys

#: glibc's `mallopt` parameter for the size from which a block is mapped on its own.
_M_MMAP_THRESHOLD = -3
#: That size: glibc's own starting value (128 KiB).
LARGE_BLOCK = 128 * 1024

#: Garbage collection thresholds for a show's processes (Python's default is 700, 10, 10). A
#: young pass waits for 50,000 more objects than were freed: in a steady show that count hardly
#: grows (the bounded memories free as much as they take), so the passes, which walked the
#: comments in flight over and over, all but stop (docs/architecture.md, "Under load").
GC_THRESHOLDS = (50_000, 20, 100)

_done = False
_calmed = False


def return_large_blocks() -> bool:
    """Keep large blocks mapped on their own, for the rest of this process (glibc only; once
    per process). Whether the C library took the setting."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux") or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt  # the C library this interpreter already uses
    except (ImportError, OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # musl has `mallopt` too, but it does nothing there and answers 0.
    _done = mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK) == 1
    return _done


def calm_garbage_collection() -> None:
    """Run Python's cyclic garbage collector rarely in a show's process (once per process).

    A comment leaves objects that live a while (in the writer's batch, the console's recent
    comments, the ranker's memories), so at Python's default thresholds the collector ran a
    young pass every 80 comments, and the full pass every 16,000, each walking the show's whole
    heap. Over a 300,000-comment replay that was 6.4 µs of the show's process's time a comment
    and 3.3 µs of the ranker's worker's (about 7% of all the CPU a comment costs), and in the
    console a full pass stopped the screen for 100-150 ms every couple of seconds of a flood.
    What exists when the show starts is never garbage: it is frozen out of every pass; and young
    objects are collected less often (most die by reference count anyway: the thresholds only
    decide how often the survivors are walked). docs/architecture.md, "Under load".
    """
    global _calmed
    if _calmed:
        return
    _calmed = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
