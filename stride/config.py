"""Read Stride's configuration from the environment.

Kept apart from ``settings.py`` so the rules (what is unsafe in production, how a
URL becomes a cache or database setting) can be tested without reloading Django.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

MODES = ("production", "demo", "test")
BASE_DIR = Path(__file__).resolve().parent.parent
INSECURE_KEY_PREFIX = "stride-insecure-"
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_DISTINCT = 20
MIN_SECRET_KEY_BITS_PER_CHAR = 4.0
DATABASE_SCHEMES = {"sqlite": "sqlite3", "postgres": "postgresql", "postgresql": "postgresql",
                    "pgsql": "postgresql"}  # fmt: skip
LOG_FORMATS = ("text", "json")
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


@contextmanager
def plain_errors() -> Iterator[None]:
    """A configuration mistake ends the program with its message, not a traceback."""
    try:
        yield
    except ImproperlyConfigured as error:
        sys.stderr.write(f"stride: {error}\n")
        raise SystemExit(2) from None


def redacted(url: str) -> str:
    """The URL with any password replaced, for messages."""
    return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(env: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, Any]:
    """Turn ``DATABASE_URL`` into a Django database setting, or say plainly what is wrong."""
    shown = redacted(url)
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL {shown!r} is not understood: use "
            "postgres://USER:PASSWORD@HOST:5432/NAME or sqlite:////ABSOLUTE/PATH.sqlite3."
        )
    try:
        parsed: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
        urlsplit(url).port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        raise ImproperlyConfigured(
            f"DATABASE_URL {shown!r} cannot be read: check the port is a number and "
            "that a password with @, : or / in it is percent-encoded (%40, %3A, %2F)."
        ) from None
    if not parsed.get("NAME") or parsed["NAME"] == ":memory:":
        raise ImproperlyConfigured(
            f"DATABASE_URL {shown!r} names no database: add it after the last slash "
            "(postgres://.../stride, sqlite:////srv/stride/var/stride.sqlite3)."
        )
    return parsed


def cache_from_url(url: str) -> dict[str, object]:
    """Turn ``CACHE_URL`` into a Django cache setting.

    ``locmem://``, ``db://table_name``, ``redis://host:port/db`` (also ``rediss://``)
    and ``dummy://`` are understood.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"CACHE_URL {redacted(url)!r} cannot be read ({error})."
        ) from None
    scheme = parts.scheme
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": parts.netloc or "stride",
        }
    if scheme == "db":
        table = parts.netloc or parts.path.strip("/") or "stride_cache"
        if not TABLE_NAME.match(table):
            raise ImproperlyConfigured(
                f"CACHE_URL {url!r} names the table {table!r}: use letters, digits and _."
            )
        # Rate-limit counters and error counts live here: far more entries than the
        # default 300 before culling, so an attacker cannot wash them out.
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": table,
            "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 10},
        }
    if scheme in {"redis", "rediss"}:
        if importlib.util.find_spec("redis") is None:
            raise ImproperlyConfigured(
                "CACHE_URL names Redis but the redis package is not installed: "
                "run `uv sync` (or `pip install redis`)."
            )
        database = parts.path.strip("/")
        if not parts.hostname or (database and not database.isdigit()):
            raise ImproperlyConfigured(
                f"CACHE_URL {redacted(url)!r} is not understood: use redis://HOST:6379/NUMBER."
            )
        # Seconds before a call to an unreachable Redis fails, instead of hanging a request.
        timeouts = {"socket_connect_timeout": 3, "socket_timeout": 3}
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": timeouts,
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL {url!r} is not understood: use locmem://, db://TABLE, redis://HOST:PORT/DB "
        "or dummy://."
    )


@dataclass(frozen=True)
class Config:
    mode: str
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    site_url: str
    database_url: str
    cache_url: str
    data_dir: Path
    clock: str | None
    log_format: str = "text"
    task_worker: bool = False
    problems: list[str] = field(default_factory=list)


def load(env: Mapping[str, str] | None = None) -> Config:
    """Read and check the configuration; refuse an unsafe production setting."""
    env = os.environ if env is None else env
    mode = env.get("STRIDE_ENV", "production").strip() or "production"
    if mode not in MODES:
        raise ImproperlyConfigured(f"STRIDE_ENV must be one of {', '.join(MODES)}, not {mode!r}.")
    production = mode == "production"
    data_dir = Path(env.get("STRIDE_DATA_DIR") or BASE_DIR / "var")
    default_db = f"sqlite:///{data_dir / ('demo.sqlite3' if mode == 'demo' else 'stride.sqlite3')}"
    config = Config(
        mode=mode,
        debug=env_bool(env, "DEBUG", False),
        secret_key=env.get("SECRET_KEY", "")
        or ("" if production else f"{INSECURE_KEY_PREFIX}{mode}-key-not-for-production-use-0123"),
        allowed_hosts=env_list(
            env, "ALLOWED_HOSTS", [] if production else ["127.0.0.1", "localhost", "testserver"]
        ),
        site_url=(env.get("SITE_URL") or ("" if production else "http://127.0.0.1:8000")).rstrip(
            "/"
        ),
        database_url=env.get("DATABASE_URL") or default_db,
        cache_url=env.get("CACHE_URL") or ("db://stride_cache" if production else "locmem://"),
        data_dir=data_dir,
        clock=env.get("STRIDE_CLOCK") or None,
        log_format=(env.get("LOG_FORMAT") or "text").strip().lower(),
        task_worker=env_bool(env, "TASK_WORKER", False),
    )
    if config.log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {config.log_format!r}.")
    # Read both URLs now, so a mistake is one plain line naming the variable.
    database_from_url(config.database_url)
    cache_from_url(config.cache_url)
    if production:
        problems = production_problems(config)
        if problems:
            raise ImproperlyConfigured(
                "Stride will not start in production with an unsafe configuration:\n- "
                + "\n- ".join(problems)
                + "\nSet STRIDE_ENV=demo to try Stride locally."
            )
    return config


def weak_secret_key(key: str) -> bool:
    """Too short, the demo's prefix, too few different characters, too little entropy
    per character (a random key has about 5 bits; a word or a pattern far less), or a
    short pattern repeated."""
    if key.startswith(INSECURE_KEY_PREFIX) or len(key) < MIN_SECRET_KEY_LENGTH:
        return True
    counts = Counter(key)
    bits = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    if len(counts) < MIN_SECRET_KEY_DISTINCT or bits < MIN_SECRET_KEY_BITS_PER_CHAR:
        return True
    return any(key == (key[:size] * (len(key) // size + 1))[: len(key)]
               for size in range(1, len(key) // 2 + 1))  # fmt: skip


def production_problems(config: Config) -> list[str]:
    """Every reason this configuration is unsafe for production, each naming its variable."""
    problems = []
    key = config.secret_key
    if not key:
        problems.append("SECRET_KEY is not set.")
    elif weak_secret_key(key):
        problems.append(
            f"SECRET_KEY is too weak: use at least {MIN_SECRET_KEY_LENGTH} random characters "
            "(for example from `python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    if config.debug:
        problems.append("DEBUG is on: it shows patients' data in error pages.")
    if not config.allowed_hosts:
        problems.append("ALLOWED_HOSTS is not set: list the host names the site answers to.")
    elif "*" in config.allowed_hosts:
        problems.append("ALLOWED_HOSTS contains '*': list the host names the site answers to.")
    if not config.site_url:
        problems.append(
            "SITE_URL is not set: give the public address, e.g. https://clinic.example."
        )
    elif urlsplit(config.site_url).scheme != "https":
        problems.append("SITE_URL must start with https:// in production.")
    if config.clock:
        problems.append("STRIDE_CLOCK pins the clock: it is for tests and the demo only.")
    return problems


def site_url_host_problem(site_url: str, allowed_hosts: list[str]) -> str | None:
    """Why SITE_URL's host would be refused by ALLOWED_HOSTS (links in emails, feeds and
    canonical addresses would answer 400), or None."""
    from django.http.request import validate_host

    host = urlsplit(site_url).hostname if site_url else None
    if not host:
        return None
    if validate_host(host, allowed_hosts):
        return None
    return (
        f"SITE_URL's host {host!r} is not in ALLOWED_HOSTS "
        f"({', '.join(allowed_hosts) or 'empty'}): every link Stride sends (emails, feeds, "
        "canonical addresses) would be refused."
    )
