"""/healthz answers any Host without touching the database; /readyz says what is down."""

from __future__ import annotations

import json
import time
from unittest import mock

import pytest
from django.db import connection

from stride import config
from stride.web import heartbeat

PROBE_HOSTS = ["10.0.0.5", "10.0.0.5:8000", "[2001:db8::5]:8000", "evil.example", "localhost"]


@pytest.fixture
def production_hosts(settings):
    """The real host only, and the HTTPS redirect on, as in production."""
    settings.ALLOWED_HOSTS = ["clinic.example"]
    settings.SECURE_SSL_REDIRECT = True


@pytest.mark.parametrize("host", PROBE_HOSTS)
def test_healthz_answers_200_to_any_host_without_the_database(client, production_hosts, host):
    response = client.get("/healthz", HTTP_HOST=host)  # no `db` fixture: no query allowed
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


def test_healthz_answers_head_and_refuses_other_methods(client):
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_other_paths_still_refuse_a_host_not_allowed(client, production_hosts, db):
    assert client.get("/", HTTP_HOST="evil.example", secure=True).status_code == 400
    assert client.get("/healthz/", HTTP_HOST="evil.example", secure=True).status_code == 400


@pytest.mark.parametrize("host", ["10.0.0.5:8000", "clinic.example"])
def test_readyz_answers_200_when_the_database_and_cache_answer(client, production_hosts, db, host):
    response = client.get("/readyz", HTTP_HOST=host)
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ready"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readyz_answers_503_naming_the_database_when_it_is_unreachable(client):
    broken = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        broken["NAME"] = "/nonexistent-directory/stride.sqlite3"
    else:
        broken["PORT"] = "1"
    connection.close()
    with mock.patch.object(connection, "settings_dict", broken):
        response = client.get("/readyz")
        assert client.get("/healthz").status_code == 200  # alive, though not ready
        connection.close()
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "reason": "database"}


def test_readyz_answers_503_naming_the_cache_when_it_is_unreachable(client, db, settings):
    settings.CACHES = {"default": config.cache_from_url("redis://127.0.0.1:1/0")}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "reason": "cache"}


def test_readyz_answers_503_when_the_database_cache_has_no_table(client, db, settings):
    settings.CACHES = {"default": config.cache_from_url("db://no_such_table")}
    response = client.get("/readyz")
    assert json.loads(response.content)["reason"] == "cache"


def test_without_the_worker_mode_readyz_needs_no_heartbeat(client, db, settings):
    settings.TASK_WORKER = False
    assert heartbeat.age() is None
    assert client.get("/readyz").status_code == 200


def test_in_worker_mode_readyz_needs_a_recent_heartbeat(client, db, settings):
    settings.TASK_WORKER = True
    settings.WORKER_HEARTBEAT_MAX_AGE = 120
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["reason"] == "worker"
    heartbeat.beat()
    assert client.get("/readyz").status_code == 200
    with mock.patch("stride.web.heartbeat.time.time", return_value=time.time() + 121):
        assert client.get("/readyz").status_code == 503
