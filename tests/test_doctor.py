"""``stride doctor``, the deploy checks it shares, and plain messages for a bad URL."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from stride import config
from stride.manage import version
from stride.site import checks
from tests.test_config import SAFE


def _doctor(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("doctor", *args, stdout=out)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_a_healthy_installation_passes_with_its_version(db, tmp_path, settings):
    settings.STATIC_ROOT = str(tmp_path)
    code, out = _doctor()
    assert code == 0, out
    assert out.startswith(f"stride {version()} doctor (test)")
    assert "ok       database:" in out and "ok       migrations: all applied." in out
    assert "ok       cache: LocMemCache answers." in out
    assert "0 fatal problem(s)" in out


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_database_is_fatal_and_says_how_to_fix_it():
    broken = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        broken["NAME"] = "/nonexistent-directory/stride.sqlite3"
    else:
        broken["PORT"] = "1"
    connection.close()
    with mock.patch.object(connection, "settings_dict", broken):
        code, out = _doctor()
        connection.close()
    assert code == 1
    assert "FATAL    database: cannot connect: OperationalError" in out
    assert "fix: Check DATABASE_URL" in out
    assert "Traceback" not in out


def test_a_warning_never_fails_the_start_but_fails_strict_mode(db, settings):
    settings.SITE_URL = "https://www.clinic.example"
    settings.ALLOWED_HOSTS = ["clinic.example"]
    code, out = _doctor()
    assert code == 0
    assert "WARNING  site url: SITE_URL's host 'www.clinic.example' is not in ALLOWED_HOSTS" in out
    assert "fix: Add SITE_URL's host to ALLOWED_HOSTS." in out
    assert _doctor("--strict")[0] == 1


def test_an_unreachable_cache_and_a_silent_worker_are_warnings(db, settings):
    settings.CACHES = {"default": config.cache_from_url("redis://127.0.0.1:1/0")}
    settings.TASK_WORKER = True
    code, out = _doctor("--quiet")
    assert code == 0
    assert "WARNING  cache: RedisCache does not work: ConnectionError" in out
    assert "WARNING  worker: the heartbeat could not be read" in out
    assert "ok " not in out  # --quiet prints problems only


def test_unsafe_production_settings_are_fatal(db, settings, monkeypatch):
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)  # set by browser tests
    settings.STRIDE_ENV = "production"
    settings.CONFIG = config.load(SAFE)
    code, out = _doctor("--quiet")
    # The test settings lack production's HTTPS settings: Django's deploy warnings are
    # warnings, never a failed start.
    assert code == 0, out
    assert "WARNING  settings: security.W004" in out
    get_user_model().objects.create_user(checks.DEMO_USERNAME, password=checks.DEMO_PASSWORD)
    code, out = _doctor("--quiet")
    assert code == 1
    assert "FATAL    settings: stride.E001: The demo admin account" in out


def test_check_deploy_reports_an_unreachable_cache_and_a_site_url_not_allowed(db, settings):
    settings.SITE_URL = "https://other.example"
    settings.CACHES = {"default": config.cache_from_url("redis://127.0.0.1:1/0")}
    assert [e.id for e in checks.cache_usable(None)] == ["stride.E011"]
    assert [w.id for w in checks.site_url_allowed(None)] == ["stride.W010"]
    assert checks.database_reachable(None) == []


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://u@h/db", "DATABASE_URL 'mysql://u@h/db' is not understood"),
        (
            "postgres://u:hunter2@h:port/db",
            "DATABASE_URL 'postgres://u:***@h:port/db' cannot be read",
        ),
        ("postgres://u:p@h:5432", "names no database"),
        ("nonsense", "is not understood: use postgres://"),
    ],
)
def test_a_bad_database_url_is_named_plainly_without_its_password(url, words):
    with pytest.raises(ImproperlyConfigured) as info:
        config.database_from_url(url)
    assert words in str(info.value)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("redis://127.0.0.1:6379/x", "use redis://HOST:6379/NUMBER"),
        ("redis://127.0.0.1:port/0", "cannot be read"),
        ("db://bad-table;drop", "use letters, digits and _"),
    ],
)
def test_a_bad_cache_url_is_named_plainly(url, words):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL") as info:
        config.cache_from_url(url)
    assert words in str(info.value)


def test_a_redis_cache_url_needs_the_redis_package():
    with (
        mock.patch("stride.config.importlib.util.find_spec", return_value=None),
        pytest.raises(ImproperlyConfigured, match="redis package is not installed"),
    ):
        config.cache_from_url("redis://127.0.0.1:6379/1")


def _stride(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STRIDE_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "stride.manage", *args],
        env=clean | {"STRIDE_ENV": "demo"} | env,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DATABASE_URL", "postgres://stride:secret@db:five/stride"), ("CACHE_URL", "redis://h/x")],
)
def test_a_malformed_url_stops_any_command_with_one_plain_line(variable, value):
    result = _stride(["doctor"], {variable: value})
    assert result.returncode == 2
    assert result.stderr.startswith(f"stride: {variable} ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and "secret" not in result.stderr


def test_stride_version_prints_the_release():
    result = _stride(["--version"], {})
    assert result.stdout.startswith(f"stride {version()} (Django 5.2")
    assert version() != "unknown"
