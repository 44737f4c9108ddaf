"""Provider tests run the real clients against a local HTTP server (pytest-httpserver)
on 127.0.0.1 that replays real recorded bodies copied into tests/fixtures/."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture_text(relative: str) -> str:
    return (FIXTURES / relative).read_text(encoding="utf-8")


def fixture_json(relative: str):
    return json.loads(fixture_text(relative))


class Replay:
    """Serve recorded bodies on the local server and point provider settings at it."""

    def __init__(self, httpserver):
        self.server = httpserver

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def serve(
        self,
        path: str,
        fixture: str | None = None,
        *,
        body: str | bytes | None = None,
        status: int = 200,
        method: str = "GET",
        query: dict | None = None,
        content_type: str | None = None,
        headers: dict | None = None,
        times: int | None = None,
    ):
        """Answer method path (and query, if given) with the fixture's bytes."""
        if fixture is not None:
            body = (FIXTURES / fixture).read_bytes()
        if content_type is None:
            content_type = "application/xml" if (fixture or "").endswith(".xml") else "application/json"
        kwargs = {"method": method}
        if query is not None:
            kwargs["query_string"] = query
        if times == 1:
            expectation = self.server.expect_oneshot_request(path, **kwargs)
        else:
            expectation = self.server.expect_request(path, **kwargs)
        expectation.respond_with_data(body or b"", status=status, content_type=content_type, headers=headers or {})
        return expectation

    def requests(self):
        """Return the requests the server received, in order."""
        return [request for request, _response in self.server.log]
