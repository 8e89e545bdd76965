"""Configuration from the environment, and production's refusal to start unsafely."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from stride import config

SAFE = {
    "STRIDE_ENV": "production",
    "SECRET_KEY": "Zq8v-Hn2LwX7pT4yRk9cJb3sMf6gDe1uQa5WzNo0iVxEtYhGlP_rKj",
    "ALLOWED_HOSTS": "clinic.example",
    "SITE_URL": "https://clinic.example",
}


def test_production_is_the_default_mode():
    cfg = config.load(SAFE | {"STRIDE_ENV": ""})
    assert cfg.mode == "production"
    assert cfg.cache_url == "db://stride_cache"


def test_a_safe_production_configuration_loads():
    cfg = config.load(SAFE)
    assert cfg.allowed_hosts == ["clinic.example"]
    assert cfg.site_url == "https://clinic.example"
    assert cfg.debug is False


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        (
            {"SECRET_KEY": "k" * 30 + "-not-a-real-secret-but-long-enough-1234567890"},
            "SECRET_KEY is too weak",
        ),  # long, but mostly one letter: little entropy
        ({"SECRET_KEY": "correct-horse-battery-staple-" * 3}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "abcdefghijklmnopqrstuvwxyz" * 2}, "SECRET_KEY is too weak"),
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is not set"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS contains '*'"),
        ({"SITE_URL": ""}, "SITE_URL is not set"),
        ({"SITE_URL": "http://clinic.example"}, "SITE_URL must start with https://"),
        ({"STRIDE_CLOCK": "2026-01-01T00:00:00+00:00"}, "STRIDE_CLOCK pins the clock"),
    ],
)
def test_production_refuses_an_unsafe_setting_naming_the_variable(change, variable):
    with pytest.raises(ImproperlyConfigured, match=variable):
        config.load(SAFE | change)


def test_it_lists_every_problem_at_once():
    with pytest.raises(ImproperlyConfigured) as info:
        config.load({"STRIDE_ENV": "production"})
    message = str(info.value)
    for variable in ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"):
        assert variable in message


def test_demo_mode_works_with_no_configuration():
    cfg = config.load({"STRIDE_ENV": "demo"})
    assert cfg.site_url == "http://127.0.0.1:8000"
    assert cfg.database_url.startswith("sqlite:///")
    assert cfg.database_url.endswith("demo.sqlite3")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STRIDE_ENV": "staging"}, "STRIDE_ENV must be one of"),
        ({"STRIDE_ENV": "demo", "DEBUG": "maybe"}, "DEBUG must be true or false"),
    ],
)
def test_it_rejects_a_malformed_value_with_a_clear_message(env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        config.load(env)


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("locmem://", "locmem.LocMemCache"),
        ("db://my_cache", "db.DatabaseCache"),
        ("redis://127.0.0.1:6379/1", "redis.RedisCache"),
        ("dummy://", "dummy.DummyCache"),
    ],
)
def test_cache_url_selects_the_backend(url, backend):
    assert str(config.cache_from_url(url)["BACKEND"]).endswith(backend)


def test_db_cache_url_names_the_table():
    assert config.cache_from_url("db://my_cache")["LOCATION"] == "my_cache"


def test_an_unknown_cache_url_is_refused():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        config.cache_from_url("memcached://127.0.0.1")


def _stride(args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STRIDE_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "stride.manage", *args],
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_stride_command_refuses_to_start_in_unsafe_production():
    result = _stride(["check"], {"STRIDE_ENV": "production", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = SAFE | {
        "CACHE_URL": "db://stride_cache",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "STRIDE_DATA_DIR": str(tmp_path),
    }
    # The documented order: migrate (which makes the cache table), then check.
    assert _stride(["migrate", "--verbosity", "0"], env).returncode == 0
    result = _stride(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
