"""The C library's allocator, set for the frames' threads (glibc; nothing elsewhere).

The pose pass and the annotated video decode and track frames in several threads. glibc's malloc gives
each thread an arena of its own, keeps what a thread freed there for that arena's reuse, and does not give
back the top of a thread's arena when asked (``malloc_trim``). On the benchmark's 65 s 1080x1920 clip,
with the pose pass in two threads, that left the process about 150 MB larger through the annotated video
(614 MB peak, against 463 with one arena) and the pass's plateau 450-476 MB against 443-452 (docs/speed.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any

M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)


@functools.cache
def _libc() -> Any:
    """The C library, looked up once (``find_library`` runs ``ldconfig`` in a subprocess on Linux)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def use_one_arena() -> None:
    """Have threads started from now on allocate from the arenas there are (``mallopt(M_ARENA_MAX, 1)``):
    what one thread frees, another reuses, and ``malloc_trim`` can give it back. Call before starting the
    frames' threads."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is not None:
        mallopt(M_ARENA_MAX, 1)


def release_freed_memory() -> None:
    """Give the memory freed in this process back to the system (glibc's ``malloc_trim``): its allocator
    keeps what a closed tracker freed, about 100 MB, for reuse, and what is loaded next would count on top
    of it."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)
