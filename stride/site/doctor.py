"""``stride doctor``'s checks: each finding says what is wrong and how to fix it.

A finding is fatal (Stride cannot serve safely: no database, an unsafe setting) or a
warning (something will not work as it should). ``stride doctor`` exits 1 on a fatal
finding only, so the shipped unit runs it before every start (``ExecStartPre``)
without a warning ever blocking a boot. The rules it shares with ``/readyz`` and
``check --deploy`` live in ``stride.web.health`` and ``stride.config``.
"""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import checks as django_checks
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from stride import config
from stride.site import checks as stride_checks
from stride.web import health

OK, WARNING, FATAL = "ok", "warning", "fatal"


@dataclass(frozen=True)
class Finding:
    level: str
    topic: str
    message: str
    fix: str = ""


Check = Callable[[], Iterator[Finding]]


def unsafe_settings() -> Iterator[Finding]:
    if settings.STRIDE_ENV != "production":
        fix = "Leave STRIDE_ENV unset on a production server."
        yield Finding(
            WARNING, "settings", f"STRIDE_ENV={settings.STRIDE_ENV}: not production.", fix
        )
        return
    found = [
        Finding(FATAL, "settings", problem, "Set it in /etc/stride/stride.env.")
        for problem in config.production_problems(settings.CONFIG)
    ]
    for issue in django_checks.run_checks(include_deployment_checks=True):
        if issue.id in stride_checks.DOCTOR_OWN or issue.level < django_checks.WARNING:
            continue
        level = FATAL if issue.level >= django_checks.ERROR else WARNING
        found.append(Finding(level, "settings", f"{issue.id}: {issue.msg}", str(issue.hint or "")))
    yield from found or [Finding(OK, "settings", "production settings are safe.")]


def database() -> Iterator[Finding]:
    problem = health.database_problem()
    if problem:
        yield Finding(
            FATAL,
            "database",
            f"cannot connect: {problem}",
            "Check DATABASE_URL (host, port, name, user, password) and that the "
            "server runs (`pg_isready -h HOST -p PORT`).",
        )
        return
    yield Finding(
        OK, "database", f"{connection.vendor} answers ({connection.settings_dict['NAME']})."
    )
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        yield Finding(
            WARNING,
            "migrations",
            f"{len(pending)} migration(s) not applied.",
            "Run `stride migrate` (upgrade step 3 in docs/deploy.md).",
        )
    else:
        yield Finding(OK, "migrations", "all applied.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT extract(epoch FROM now())")
            drift = abs(float(cursor.fetchone()[0]) - time.time())
        if drift > 30:
            message = f"this server and the database differ by {drift:.0f} s."
            fix = "Run time synchronisation on both (systemd-timesyncd or chrony)."
            yield Finding(WARNING, "clock", message, fix)


def cache() -> Iterator[Finding]:
    backend = str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]
    problem = health.cache_problem()
    if problem:
        yield Finding(
            WARNING,
            "cache",
            f"{backend} does not work: {problem}",
            "Check CACHE_URL and that the server runs (`redis-cli -u URL ping`); "
            "for db:// run `stride migrate`, which makes the table.",
        )
    elif backend in {"LocMemCache", "DummyCache"} and settings.STRIDE_ENV == "production":
        yield Finding(
            WARNING,
            "cache",
            f"{backend} is not shared between processes: rate limits,"
            " locks, the error digest and the worker heartbeat do not work across them.",
            "Set CACHE_URL=db://stride_cache or redis://127.0.0.1:6379/0.",
        )
    else:
        yield Finding(OK, "cache", f"{backend} answers.")


def email() -> Iterator[Finding]:
    kind = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]  # smtp, console, locmem, ...
    production = settings.STRIDE_ENV == "production"
    found = []
    if production and kind != "smtp":
        found.append(
            Finding(
                WARNING,
                "email",
                f"EMAIL_BACKEND is {kind}: no email leaves the server.",
                "Unset EMAIL_BACKEND to send by SMTP.",
            )
        )
    if kind == "smtp" and settings.EMAIL_HOST in {"", "localhost", "127.0.0.1"}:
        found.append(
            Finding(
                WARNING,
                "email",
                "EMAIL_HOST is this server: confirmations and "
                "reminders need a mail server listening here.",
                "Set EMAIL_HOST, "
                "EMAIL_PORT, EMAIL_HOST_USER and EMAIL_HOST_PASSWORD to your SMTP "
                "provider's.",
            )
        )
    if production and settings.DEFAULT_FROM_EMAIL.rstrip(">").endswith("@localhost"):
        found.append(
            Finding(
                WARNING,
                "email",
                "DEFAULT_FROM_EMAIL is at localhost: mail will be refused or marked as spam.",
                'Set DEFAULT_FROM_EMAIL="Clinic <no-reply@DOMAIN>".',
            )
        )
    if production and not settings.ADMINS:
        found.append(
            Finding(
                WARNING,
                "email",
                "ADMINS is not set: the error digest is printed, not sent.",
                "Set ADMINS=it@DOMAIN.",
            )
        )
    yield from found or [Finding(OK, "email", f"{kind} ({settings.EMAIL_HOST}).")]


def site_url() -> Iterator[Finding]:
    problem = config.site_url_host_problem(settings.SITE_URL, settings.ALLOWED_HOSTS)
    if problem:
        yield Finding(WARNING, "site url", problem, "Add SITE_URL's host to ALLOWED_HOSTS.")
    else:
        yield Finding(OK, "site url", f"{settings.SITE_URL} is an allowed host.")


def static_files() -> Iterator[Finding]:
    root = Path(settings.STATIC_ROOT)
    manifest = "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
    needed = root / "staticfiles.json" if manifest else root
    if not needed.exists():
        yield Finding(
            WARNING,
            "static files",
            f"{needed} is missing: pages would have no style.",
            "Run `stride collectstatic --noinput` (a deployment step).",
        )
    else:
        yield Finding(OK, "static files", f"collected in {root}.")


def worker() -> Iterator[Finding]:
    if not settings.TASK_WORKER:
        yield Finding(OK, "worker", "TASK_WORKER is off: timers or cron run the periodic commands.")
        return
    problem = health.worker_problem()
    if problem:
        yield Finding(
            WARNING,
            "worker",
            problem,
            "Start it: `systemctl enable --now stride-worker`; or set "
            "TASK_WORKER=false if timers or cron do the work.",
        )
    else:
        yield Finding(OK, "worker", "the worker's heartbeat is recent.")


def time_zone() -> Iterator[Finding]:
    from stride.site.models import Clinic

    try:
        zoneinfo.ZoneInfo(settings.TIME_ZONE)
        zone = Clinic.objects.values_list("time_zone", flat=True).first() or settings.TIME_ZONE
        zoneinfo.ZoneInfo(zone)
    except zoneinfo.ZoneInfoNotFoundError as error:
        yield Finding(
            WARNING,
            "time zone",
            f"unknown time zone: {error}",
            "Choose a zone like Europe/London in the admin (Clinic); "
            "keep the tzdata package installed.",
        )
        return
    yield Finding(OK, "time zone", f"the clinic's zone is {zone}.")


def run() -> list[Finding]:
    """Every finding, in order; checks that need the database are left out without it."""
    findings = list(database())
    reachable = findings[0].level != FATAL
    checks: list[Check] = [unsafe_settings, cache, email, site_url, static_files, worker]
    if reachable:
        checks.append(time_zone)
    elif settings.STRIDE_ENV == "production":
        checks.remove(unsafe_settings)  # its deploy checks need the database
    for check in checks:
        findings += check()
    return findings
