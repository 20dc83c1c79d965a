"""The C allocator of a long show's processes: a large block that is freed goes back to the system.

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

import os
import sys

#: glibc's `mallopt` parameter for the size from which a block is mapped on its own.
_M_MMAP_THRESHOLD = -3
#: That size: glibc's own starting value (128 KiB).
LARGE_BLOCK = 128 * 1024

_done = False


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
