"""What is read from a clip's file once and kept while the file stays as it is."""

from __future__ import annotations

import functools
import os
from typing import Callable, TypeVar

T = TypeVar("T")


def read_once_per_file(read: Callable[[str], T | None]) -> Callable[[str | os.PathLike], T | None]:
    """``read(path)`` kept for the file's path, size and modification time (the last 32 files), so that the
    same file is read once however many steps ask, and read again once it changes. None, without reading,
    when the file cannot be looked at."""
    kept = functools.lru_cache(maxsize=32)(lambda path, size, modified_ns: read(path))

    @functools.wraps(read)
    def once(path: str | os.PathLike) -> T | None:
        path = str(path)
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return kept(path, stat.st_size, stat.st_mtime_ns)

    return once
