"""The annotated videos streamed from disk by the app's server, not held in its memory, and the progress of
those being drawn.

``st.video`` given a file reads it into the server's memory, keeps it there while a page shows it and
reads it again at every run of the page: 0.9 MB a second of clip at 1280 px, 58 MB for the benchmark's
65 s clip, several hundred for ten minutes (docs/speed.md, the app). ``streamlit run app.py`` starts the
server of ``app.py``'s ``App`` with one more route, :data:`PREFIX` ``/<token>/<name>`` (under the server's
``server.baseUrlPath``, as Streamlit's own routes are, so that a proxy passing on only that path passes it
on too), which streams a file the pages registered (:func:`url_of`) under a random token, with HTTP ranges
so that the player seeks; and :data:`PREFIX` ``/progress/<token>``, the progress of a video being drawn
(:func:`progress_url_of`), which the page's bar asks for while no run of the page is open.
Pages run another way (``AppTest``) get no URL and hand the file to ``st.video`` as before.
"""

from __future__ import annotations

import mimetypes
import secrets
import threading
import weakref
from pathlib import Path
from typing import Any, MutableMapping, Protocol
from urllib.parse import quote, urlsplit

import streamlit as st
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Route
from streamlit.url_util import make_url_path

PREFIX = "/gait-media"


class Drawing(Protocol):
    """A video being drawn, as :class:`gait_app.analysis.VideoJob` is."""

    @property
    def finished(self) -> bool: ...

    def progress(self) -> tuple[float, str]: ...


class _Registry:
    """The files the pages asked to be served and the drawings whose progress they show, by token."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_token: dict[str, Path] = {}
        self.by_path: dict[Path, str] = {}
        # a drawing is not kept alive for its progress: its session holds it, and the analyses it draws
        self.drawings: weakref.WeakValueDictionary[str, Drawing] = weakref.WeakValueDictionary()
        self.drawing_tokens: weakref.WeakKeyDictionary[Drawing, str] = weakref.WeakKeyDictionary()
        self.prefix: str | None = None  # the routes' path before the token, once the server has the routes


_files = _Registry()


def routes() -> list[Route]:
    """The server's routes for the registered files and drawings (``app.py``), under the server's base URL
    path; from then on :func:`url_of` and :func:`progress_url_of` give URLs."""
    _files.prefix = make_url_path(st.get_option("server.baseUrlPath") or "", PREFIX)
    return [Route(_files.prefix + "/progress/{token}", progress, methods=["GET"]),
            Route(_files.prefix + "/{token}/{name}", serve, methods=["GET"])]


def _routes_url() -> str | None:
    """The routes' URL at the app's address as the browser has it; None when the server has no such routes or
    the page's run has no browser address."""
    origin = urlsplit(st.context.url or "")
    if _files.prefix is None or not origin.scheme or not origin.netloc:
        return None
    return f"{origin.scheme}://{origin.netloc}{_files.prefix}"


def url_of(path: Path) -> str | None:
    """The URL at which this process's server streams ``path`` (None as :func:`_routes_url`)."""
    base = _routes_url()
    if base is None:
        return None
    path = path.resolve()
    return f"{base}/{_token(_files.by_path, _files.by_token, path)}/{quote(path.name)}"


def progress_url_of(drawing: Drawing) -> str | None:
    """The URL at which this process's server answers how far ``drawing`` is (:func:`progress`; None as
    :func:`_routes_url`)."""
    base = _routes_url()
    if base is None:
        return None
    return f"{base}/progress/{_token(_files.drawing_tokens, _files.drawings, drawing)}"


def _token(tokens: MutableMapping[Any, str], items: MutableMapping[str, Any], item: Any) -> str:
    """``item``'s random token in the registry, given on first use."""
    with _files.lock:
        token = tokens.get(item)
        if token is None:
            token = secrets.token_urlsafe(16)
            tokens[item], items[token] = token, item
        return token


async def serve(request: Request) -> FileResponse:
    """A registered file, whole or the byte ranges asked for; 404 for any other token or name, or a file
    since removed (its session's folder cleared)."""
    path = _files.by_token.get(request.path_params["token"])
    if path is None or path.name != request.path_params["name"] or not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(path, media_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream")


async def progress(request: Request) -> JSONResponse:
    """How far a registered drawing is: ``{"fraction": 0-1, "text": the bar's words, "finished": bool}``;
    404 for any other token, or a drawing since let go of (its session's results replaced)."""
    drawing = _files.drawings.get(request.path_params["token"])
    if drawing is None:
        raise HTTPException(status_code=404)
    fraction, text = drawing.progress()
    return JSONResponse({"fraction": fraction, "text": text, "finished": drawing.finished},
                        headers={"Cache-Control": "no-store"})
