"""Uploads written to disk as they arrive, not held in the server's memory.

Streamlit's upload route (``PUT /_stcore/upload_file/<session>/<file>``, Streamlit 1.60) reads the whole
file into memory and keeps it there while the uploader shows it: the server held 370-495 MB at the peak of
a 130 MB upload against 243 idle (docs/speed.md, the app), and a clip of 1 GB would have cost 2 GB.
:class:`UploadsToDisk`, a middleware of ``app.py``'s server, reads such a request as it arrives, writes each
file in it to this process's upload folder (hashing it on the way), and hands Streamlit's route the same
form with each file's content replaced by a short reference (:data:`MARK` and a random token), so that
Streamlit's own checks (its session, its XSRF token, its size limit) still decide. When the route refuses,
the files are removed. The Analyze page gets the file back with :func:`claim`; pages run another way
(``AppTest``) have Streamlit's in-memory upload, as before.
"""

from __future__ import annotations

import atexit
import hashlib
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from streamlit import config
from streamlit.web.server.starlette.starlette_routes import BASE_ROUTE_UPLOAD_FILE

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MARK = b"gait-upload-on-disk:"  # then the token: what Streamlit holds instead of the file
TOKEN_BYTES = 16  # random bytes of a token, written in hex
REFERENCE_BYTES = len(MARK) + 2 * TOKEN_BYTES  # an upload of this size or less may be a reference
# Streamlit's upload route, /_stcore/upload_file/<session>/<file>, after the server's base URL path if any
UPLOAD_PATH = re.compile(rf"/{re.escape(BASE_ROUTE_UPLOAD_FILE)}/[^/]+/[^/]+$")
MAX_FIELD_BYTES = 64 * 1024  # a form's parts other than files (Streamlit's uploader sends none)
UNCLAIMED_S = 3600.0  # a file nobody claimed within this is removed at the next upload


@dataclass(frozen=True)
class OnDisk:
    """An uploaded file as written to disk: its path, size and SHA-256 (hex)."""

    path: Path
    size: int
    sha256: str
    arrived_s: float = field(default_factory=time.monotonic)


class _Folder:
    """This process's upload folder (made when first needed, removed at exit) and its files by token."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.path: Path | None = None
        self.by_token: dict[str, OnDisk] = {}

    def new_file(self) -> tuple[str, Path]:
        with self.lock:
            if self.path is None:
                self.path = Path(tempfile.mkdtemp(prefix="gait-uploads-"))
                atexit.register(shutil.rmtree, self.path, True)
            now = time.monotonic()
            for token, old in list(self.by_token.items()):
                if now - old.arrived_s > UNCLAIMED_S:
                    del self.by_token[token]
                    old.path.unlink(missing_ok=True)
            token = secrets.token_hex(TOKEN_BYTES)
            return token, self.path / f"{token}.part"

    def add(self, token: str, on_disk: OnDisk) -> None:
        with self.lock:
            self.by_token[token] = on_disk

    def pop(self, token: str) -> OnDisk | None:
        with self.lock:
            return self.by_token.pop(token, None)


_folder = _Folder()


def claim(content: bytes) -> OnDisk | None:
    """The file written to disk for an upload whose content Streamlit holds is ``content`` (a reference made
    by :class:`UploadsToDisk`), now the caller's to move or remove; None for any other content."""
    if not content.startswith(MARK):
        return None
    return _folder.pop(content[len(MARK):].decode("ascii", "replace"))


@dataclass
class _Part:
    headers: list[bytes] = field(default_factory=list)  # each "name: value" as received
    data: bytearray = field(default_factory=bytearray)  # a field's value
    token: str | None = None  # a file's, written to `path`
    path: Path | None = None
    out: BinaryIO | None = None
    size: int = 0
    digest: Any = None


class _Form:
    """A multipart form parsed as it arrives: files written to disk, other parts kept (small)."""

    def __init__(self, boundary: bytes) -> None:
        self.boundary = boundary
        self.parts: list[_Part] = []
        self.pending: list[tuple[_Part, bytes]] = []  # file data to write (in a worker thread)
        self.header_name = self.header_value = b""
        self.complete = False  # the closing boundary seen
        self.parser = MultipartParser(boundary, {
            "on_part_begin": lambda: self.parts.append(_Part()),
            "on_header_field": self._header_name,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_end": self._end,
        })

    def _header_name(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def _header_end(self) -> None:
        self.parts[-1].headers.append(self.header_name + b": " + self.header_value)
        self.header_name = self.header_value = b""

    def _headers_finished(self) -> None:
        part = self.parts[-1]
        disposition = next((h.split(b":", 1)[1].strip() for h in part.headers
                            if h.split(b":", 1)[0].strip().lower() == b"content-disposition"), b"")
        if b"filename" in parse_options_header(disposition)[1]:
            part.token, part.path = _folder.new_file()
            part.out, part.digest = open(part.path, "wb"), hashlib.sha256()

    def _data(self, data: bytes, start: int, end: int) -> None:
        part = self.parts[-1]
        if part.out is None:
            part.data += data[start:end]
            if len(part.data) > MAX_FIELD_BYTES:
                raise ValueError("a form field too large")
        else:
            part.size += end - start
            self.pending.append((part, data[start:end]))

    def _end(self) -> None:
        self.complete = True

    def write_pending(self) -> None:
        """Write (and hash) the file data parsed so far."""
        for part, chunk in self.pending:
            assert part.out is not None
            part.digest.update(chunk)
            part.out.write(chunk)
        self.pending.clear()

    def received(self) -> int:
        return sum(part.size for part in self.parts)

    def close(self) -> None:
        for part in self.parts:
            if part.out is not None:
                part.out.close()

    def discard(self) -> None:
        """Remove the files written (a refused or broken upload)."""
        self.close()
        for part in self.parts:
            if part.token is not None:
                _folder.pop(part.token)
            if part.path is not None:
                part.path.unlink(missing_ok=True)

    def register(self) -> None:
        """Make the files claimable by their references."""
        self.close()
        for part in self.parts:
            if part.token is not None and part.path is not None:
                _folder.add(part.token, OnDisk(part.path, part.size, part.digest.hexdigest()))

    def body(self) -> bytes:
        """The same form, each file's content replaced by its reference."""
        out = bytearray()
        for part in self.parts:
            out += b"--" + self.boundary + b"\r\n" + b"".join(h + b"\r\n" for h in part.headers) + b"\r\n"
            out += (MARK + part.token.encode()) if part.token is not None else part.data
            out += b"\r\n"
        return bytes(out + b"--" + self.boundary + b"--\r\n")


async def _answer(send: Send, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": text.encode()})


class UploadsToDisk:
    """ASGI middleware: Streamlit's uploads written to disk as they arrive (the module's text)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "PUT" or not UPLOAD_PATH.search(scope["path"]):
            await self.app(scope, receive, send)  # every other request, untouched
            return
        headers = dict(scope["headers"])
        kind, options = parse_options_header(headers.get(b"content-type", b""))
        max_bytes = int(config.get_option("server.maxUploadSize")) * 1024 * 1024
        length = headers.get(b"content-length", b"")
        if (kind != b"multipart/form-data" or b"boundary" not in options
                or (length.isdigit() and int(length) > max_bytes)):  # Streamlit's route answers these itself
            await self.app(scope, receive, send)
            return
        form = _Form(options[b"boundary"])
        try:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    form.discard()
                    return
                form.parser.write(message.get("body", b""))
                await run_in_threadpool(form.write_pending)
                if form.received() > max_bytes:
                    form.discard()
                    await _answer(send, 413, "File too large")
                    return
                if not message.get("more_body", False):
                    break
            form.parser.finalize()
            if not form.complete:
                raise ValueError("the form ended before its closing boundary")
        except (ValueError, OSError) as exc:  # a broken form (python-multipart's errors are ValueErrors), a full disk
            form.discard()
            await _answer(send, 400 if isinstance(exc, ValueError) else 507, f"Upload not saved: {exc}")
            return
        except BaseException:
            form.discard()
            raise
        form.register()
        body = form.body()
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        status = [0]

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        new_headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        try:
            await self.app({**scope, "headers": [*new_headers, (b"content-length", str(len(body)).encode())]},
                           replay, watch)
        finally:
            if not 200 <= status[0] < 300:  # refused by Streamlit's route: nobody will claim the files
                form.discard()
