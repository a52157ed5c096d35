"""Memory a long document's parse frees goes back to the system, or to the UI thread (glibc only).

Opening or re-checking a 1M-word draft allocates ~150 MB for a moment on a worker thread: the text in three
forms, the parser's tokens, the word index. glibc gives each thread its own arena and keeps large freed
blocks for reuse, so that peak stayed in the process (peak RSS 390 MB at 1M words, 45 MB of it after
the first save alone). Two standard ``mallopt`` settings, the same as ``MALLOC_ARENA_MAX=1`` and
``MALLOC_MMAP_THRESHOLD_=131072`` in the environment: one arena, so the UI thread reuses what a worker freed;
blocks over 128 KiB mapped on their own, so they are returned when freed (a fixed threshold also stops
glibc from raising it after the first large free). Elsewhere (macOS, Windows, musl) nothing is changed.
"""

from __future__ import annotations

import sys

_M_MMAP_THRESHOLD, _M_ARENA_MAX = -3, -8  # glibc's malloc.h
_MMAP_THRESHOLD = 128 * 1024
_done = False


def return_freed_memory() -> bool:
    """Set the allocator up once, before worker threads allocate; True when glibc took the settings."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return False
    _done = True
    try:
        import ctypes  # here: 2 ms that the window's start need not pay

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_ARENA_MAX, 1)) and bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD))
