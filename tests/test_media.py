"""The annotated videos streamed from disk (gait_app.media): the URL a page gets is one its server answers,
with or without a base URL path (``server.baseUrlPath``, set where a proxy passes on only that path)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

import pytest
from starlette.applications import Starlette

from gait_app import media


def _get(app: Starlette, path: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> tuple[int, bytes]:
    """GET ``path`` (as in a URL, quoted) from ``app``: the status and the body."""
    scope = {"type": "http", "method": "GET", "path": unquote(path), "raw_path": path.encode(), "root_path": "",
             "query_string": b"", "headers": list(headers), "scheme": "http", "server": ("127.0.0.1", 8501),
             "client": ("127.0.0.1", 5000), "http_version": "1.1", "asgi": {"version": "3.0"}}
    status, body = [], []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    asyncio.run(app(scope, receive, send))
    return status[0], b"".join(body)


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "annotated video.mp4"
    path.write_bytes(bytes(range(256)) * 40)
    return path


@pytest.mark.parametrize("base", ["", "clinic", "/gait/analyzer/"])
def test_the_url_given_to_a_page_is_served_under_the_base_path(video, base, monkeypatch):
    monkeypatch.setattr(media._files, "prefix", media._files.prefix)  # restored after the test
    page = f"http://127.0.0.1:8501/{base.strip('/')}/results".replace("//results", "/results")
    monkeypatch.setattr(media, "st", SimpleNamespace(  # a page's run at that address, a server with that base
        context=SimpleNamespace(url=page), get_option=lambda key: base if key == "server.baseUrlPath" else None))
    app = Starlette(routes=media.routes())
    url = media.url_of(video)
    assert url is not None
    path = urlsplit(url).path
    expected = "/" + "/".join(part for part in (base.strip("/"), "gait-media") if part) + "/"
    assert path.startswith(expected), (path, expected)
    assert _get(app, path) == (200, video.read_bytes())
    status, body = _get(app, path, ((b"range", b"bytes=10-19"),))  # the player seeks
    assert (status, body) == (206, video.read_bytes()[10:20])
    assert media.url_of(video) == url  # one token a file
    assert _get(app, path.replace(video.name.replace(" ", "%20"), "other.mp4"))[0] == 404
    if base:  # the same file is not served outside the base path
        assert _get(app, "/gait-media/" + path.split("/gait-media/")[1])[0] == 404


def test_no_url_without_the_servers_route_or_a_browser_address(video, monkeypatch):
    monkeypatch.setattr(media._files, "prefix", None)  # pages run by AppTest: st.video gets the file
    monkeypatch.setattr(media, "st", SimpleNamespace(context=SimpleNamespace(url="http://127.0.0.1:8501/")))
    assert media.url_of(video) is None
    monkeypatch.setattr(media._files, "prefix", "/gait-media")
    monkeypatch.setattr(media, "st", SimpleNamespace(context=SimpleNamespace(url=None)))
    assert media.url_of(video) is None


class _Drawing:
    """A video being drawn, as the app's VideoJob: how far, and whether finished."""

    def __init__(self) -> None:
        self.done, self.finished = 0, False

    def progress(self) -> tuple[float, str]:
        return self.done / 40, f"Drawing the annotated video: frame {self.done} of 40"


def test_a_drawings_progress_is_answered_while_it_is_held(monkeypatch):
    """The bar on the page asks the server how far the video is (gait_app.videos): the answer follows the
    drawing, the same drawing keeps its URL, and once its session has let go of it the URL answers 404."""
    import gc
    import json

    monkeypatch.setattr(media._files, "prefix", media._files.prefix)
    monkeypatch.setattr(media, "st", SimpleNamespace(
        context=SimpleNamespace(url="http://127.0.0.1:8501/results"), get_option=lambda key: None))
    app = Starlette(routes=media.routes())
    drawing = _Drawing()
    url = media.progress_url_of(drawing)
    assert url is not None and media.progress_url_of(drawing) == url
    path = urlsplit(url).path
    assert path.startswith("/gait-media/progress/")
    status, body = _get(app, path)
    assert (status, json.loads(body)) == (200, {"fraction": 0.0, "text": "Drawing the annotated video: frame 0 of 40",
                                                "finished": False})
    drawing.done, drawing.finished = 40, True
    assert json.loads(_get(app, path)[1]) == {"fraction": 1.0, "text": "Drawing the annotated video: frame 40 of 40",
                                              "finished": True}
    assert _get(app, path.replace(path.rsplit("/", 1)[1], "x" * 22))[0] == 404
    del drawing
    gc.collect()
    assert _get(app, path)[0] == 404  # not kept alive for its progress
    monkeypatch.setattr(media._files, "prefix", None)  # pages run by AppTest: the bar as it stands
    assert media.progress_url_of(_Drawing()) is None
