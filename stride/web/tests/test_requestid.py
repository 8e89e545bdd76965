"""One ID per request: on the response, and on every log line the request causes."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from stride.web import logs, requestid

NEW_ID = re.compile(r"^[0-9a-f]{32}$")


def test_a_request_without_an_id_gets_a_new_one(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert NEW_ID.match(first) and NEW_ID.match(second) and first != second


def test_a_sane_incoming_id_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="6f1c2a9be0d44c21a7f3d2b1c0e9f8a7")
    assert response["X-Request-ID"] == "6f1c2a9be0d44c21a7f3d2b1c0e9f8a7"


@pytest.mark.parametrize(
    "incoming", ["short", "a" * 129, "spaces are not allowed", "new\nline-injected", "ünïcode-id-1"]
)
def test_an_insane_incoming_id_is_replaced(client, incoming):
    assert NEW_ID.match(client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"])


@pytest.fixture
def json_log():
    """Stride's JSON log format on the root logger, as LOG_FORMAT=json sets it up."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(requestid.RequestIdFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def test_every_log_line_of_a_request_carries_its_id(client, db, settings, json_log):
    settings.TASK_WORKER = True  # no heartbeat: /readyz logs why it is not ready
    response = client.get("/readyz", HTTP_X_REQUEST_ID="nginx-0123456789abcdef")
    assert response.status_code == 503
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert lines, "the request logged nothing"
    assert {line["request_id"] for line in lines} == {"nginx-0123456789abcdef"}
    assert [line["message"][:17] for line in lines] == ["not ready: worker"]  # not an error
    logging.getLogger("stride.test").warning("after the request")
    assert json.loads(json_log.getvalue().splitlines()[-1])["request_id"] == "-"


def test_the_wsgi_wrapper_gives_every_response_the_id_even_a_cached_one():
    seen = {}

    def app(environ, start_response):  # stands for the page cache answering a hit
        seen["inside"] = requestid.current.get()
        start_response("200 OK", [("X-Request-ID", "stale-id-from-the-cache"), ("A", "b")])
        return [b"page"]

    headers = {}

    def start_response(status, response_headers, exc_info=None):
        headers.update(response_headers)

    wrapped = requestid.wsgi(app)
    body = wrapped({"HTTP_X_REQUEST_ID": "edge-request-42"}, start_response)
    assert list(body) == [b"page"]
    assert headers["X-Request-ID"] == "edge-request-42"
    assert seen["inside"] == "edge-request-42"


def test_the_text_format_names_the_request():
    record = logging.LogRecord("stride", logging.WARNING, __file__, 1, "hello %s", ("x",), None)
    record.request_id = "abc12345"
    line = logging.Formatter(logs.TEXT).format(record)
    assert line.endswith("WARNING stride [abc12345] hello x")
