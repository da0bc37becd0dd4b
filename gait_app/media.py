"""The annotated videos streamed from disk by the app's server, not held in its memory.

``st.video`` given a file reads it into the server's memory, keeps it there while a page shows it and
reads it again at every run of the page: 0.9 MB a second of clip at 1280 px, 58 MB for the benchmark's
65 s clip, several hundred for ten minutes (docs/speed.md, the app). ``streamlit run app.py`` starts the
server of ``app.py``'s ``App`` with one more route, :data:`PREFIX` ``/<token>/<name>`` (under the server's
``server.baseUrlPath``, as Streamlit's own routes are, so that a proxy passing on only that path passes it
on too), which streams a file the pages registered (:func:`url_of`) under a random token, with HTTP ranges
so that the player seeks.
Pages run another way (``AppTest``) get no URL and hand the file to ``st.video`` as before.
"""

from __future__ import annotations

import mimetypes
import secrets
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

import streamlit as st
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.routing import Route
from streamlit.url_util import make_url_path

PREFIX = "/gait-media"


class _Registry:
    """The files the pages asked to be served, by token; ``serving`` once the server has the route."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_token: dict[str, Path] = {}
        self.by_path: dict[Path, str] = {}
        self.prefix: str | None = None  # the route's path before the token, once the server has the route


_files = _Registry()


def routes() -> list[Route]:
    """The server's route for the registered files (``app.py``), under the server's base URL path; from then on
    :func:`url_of` gives URLs."""
    _files.prefix = make_url_path(st.get_option("server.baseUrlPath") or "", PREFIX)
    return [Route(_files.prefix + "/{token}/{name}", serve, methods=["GET"])]


def url_of(path: Path) -> str | None:
    """The URL at which this process's server streams ``path``, at the app's address as the browser has it;
    None when the server has no such route or the page's run has no browser address."""
    origin = urlsplit(st.context.url or "")
    if _files.prefix is None or not origin.scheme or not origin.netloc:
        return None
    path = path.resolve()
    with _files.lock:
        token = _files.by_path.get(path)
        if token is None:
            token = secrets.token_urlsafe(16)
            _files.by_path[path], _files.by_token[token] = token, path
    return f"{origin.scheme}://{origin.netloc}{_files.prefix}/{token}/{quote(path.name)}"


async def serve(request: Request) -> FileResponse:
    """A registered file, whole or the byte ranges asked for; 404 for any other token or name, or a file
    since removed (its session's folder cleared)."""
    path = _files.by_token.get(request.path_params["token"])
    if path is None or path.name != request.path_params["name"] or not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(path, media_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream")
