"""Uploads written to disk as they arrive (gait_app.uploads), in front of Streamlit's own upload route."""

from __future__ import annotations

import asyncio
import hashlib
import os

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from streamlit import config
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.web.server.starlette.starlette_routes import create_upload_routes

from gait_app import uploads

BOUNDARY = b"----gaitTestBoundary7MA4YWxkTrZu0gW"
PATH = "/_stcore/upload_file/session-1/file-1"


class _Runtime:
    """What Streamlit's upload route asks of its runtime: whether the session exists."""

    def is_active_session(self, session_id: str) -> bool:
        return session_id == "session-1"


def _server() -> tuple[Starlette, MemoryUploadedFileManager]:
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    routes = create_upload_routes(_Runtime(), manager, None)  # type: ignore[arg-type]
    return Starlette(routes=routes, middleware=[Middleware(uploads.UploadsToDisk)]), manager


def _form(content: bytes, name: str = "my run (1).mp4") -> bytes:
    return (b"--" + BOUNDARY + b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name.encode()
            + b"\"\r\nContent-Type: video/mp4\r\n\r\n" + content + b"\r\n--" + BOUNDARY + b"--\r\n")


def _put(app: Starlette, body: bytes, path: str = PATH, length: bool = True, chunk: int = 65536) -> int:
    """PUT ``body`` to ``app`` in chunks as a browser sends it; the response's status."""
    headers = [(b"content-type", b"multipart/form-data; boundary=" + BOUNDARY)]
    if length:
        headers.append((b"content-length", str(len(body)).encode()))
    scope = {"type": "http", "method": "PUT", "path": path, "raw_path": path.encode(), "root_path": "",
             "query_string": b"", "headers": headers, "scheme": "http", "server": ("127.0.0.1", 8501),
             "client": ("127.0.0.1", 5000), "http_version": "1.1", "asgi": {"version": "3.0"}}
    chunks = [body[i:i + chunk] for i in range(0, len(body), chunk)] or [b""]
    status = []

    async def receive() -> dict:
        if chunks:
            part = chunks.pop(0)
            return {"type": "http.request", "body": part, "more_body": bool(chunks)}
        await asyncio.Event().wait()  # the client waits for the answer
        raise AssertionError

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    asyncio.run(app(scope, receive, send))
    return status[0]


@pytest.fixture
def no_xsrf(monkeypatch):
    """Streamlit's route without its XSRF check (a browser sends the token; these requests have none)."""
    real = config.get_option
    monkeypatch.setattr(config, "get_option",
                        lambda key: False if key == "server.enableXsrfProtection" else real(key))


def _files_on_disk() -> set[str]:
    folder = uploads._folder.path
    return set() if folder is None else set(os.listdir(folder))


@pytest.mark.parametrize("name", ["my run (1).mp4", "Läufer 🏃 Lauf.MOV"])  # the name reaches Streamlit as sent
def test_an_upload_is_written_to_disk_and_streamlit_holds_a_reference(no_xsrf, name):
    content = os.urandom(3 * 1024 * 1024 + 17)
    app, manager = _server()
    assert _put(app, _form(content, name)) == 204
    [held] = manager.get_files("session-1", ["file-1"])
    assert held.name == name and held.type == "video/mp4"
    assert held.data.startswith(uploads.MARK) and len(held.data) <= uploads.REFERENCE_BYTES  # not the 3 MB
    on_disk = uploads.claim(held.data)
    assert on_disk is not None and on_disk.path.read_bytes() == content
    assert on_disk.size == len(content) and on_disk.sha256 == hashlib.sha256(content).hexdigest()
    assert uploads.claim(held.data) is None  # claimed once
    on_disk.path.unlink()


def test_a_refused_upload_leaves_no_file():
    """Streamlit's route still decides: here its XSRF check refuses the request (no token), and an unknown
    session is refused too; the files written for them are removed."""
    before = _files_on_disk()
    app, manager = _server()
    assert _put(app, _form(b"x" * 200_000)) == 403
    assert _put(app, _form(b"x" * 200_000), path="/_stcore/upload_file/no-such-session/file-1") in (400, 403)
    assert _files_on_disk() == before
    assert manager.get_files("session-1", ["file-1"]) == []


def test_an_upload_over_the_limit_is_refused_without_keeping_it(no_xsrf, monkeypatch):
    real = config.get_option
    monkeypatch.setattr(config, "get_option", lambda key: 1 if key == "server.maxUploadSize" else
                        (False if key == "server.enableXsrfProtection" else real(key)))
    before = _files_on_disk()
    app, manager = _server()
    too_big = _form(b"y" * (1024 * 1024 + 1))
    assert _put(app, too_big, length=False) == 413  # found while it arrives
    assert _put(app, too_big) == 413  # said by its length: Streamlit's route refuses it unread
    assert _files_on_disk() == before
    assert _put(app, _form(b"y" * 1000)) == 204


def test_a_broken_form_is_refused_without_keeping_it(no_xsrf):
    before = _files_on_disk()
    app, _ = _server()
    broken = _form(b"z" * 100_000)[:-40] + b"--not the boundary--\r\n"
    assert _put(app, broken) == 400
    assert _files_on_disk() == before


def test_other_requests_and_contents_pass_untouched():
    assert uploads.claim(b"\x00\x00\x00\x18ftypmp42") is None  # a real file's content
    assert uploads.claim(uploads.MARK + b"0" * 32) is None  # a reference nobody made


def test_a_file_nobody_claims_is_removed_at_a_later_upload(no_xsrf, monkeypatch):
    """An upload whose page never ran (a tab closed at once) is not kept until the server stops."""
    app, manager = _server()
    assert _put(app, _form(b"a" * 5000)) == 204
    [first] = manager.get_files("session-1", ["file-1"])
    monkeypatch.setattr(uploads, "UNCLAIMED_S", -1.0)  # every earlier upload is now too old
    assert _put(app, _form(b"b" * 5000), path="/_stcore/upload_file/session-1/file-2") == 204
    assert uploads.claim(first.data) is None
    [second] = manager.get_files("session-1", ["file-2"])
    on_disk = uploads.claim(second.data)
    assert on_disk is not None and on_disk.path.read_bytes() == b"b" * 5000
    assert _files_on_disk() == {on_disk.path.name}
    on_disk.path.unlink()
