"""The shipped units, timers and crontab agree: every periodic command is scheduled both
ways, each names a real command, and the web service runs the preflight first."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
PERIODIC = {
    "send-reminders",
    "waitlist-offers",
    "send-error-digest",
    "apply-retention",
    "prune_db_task_results",
}


def test_every_periodic_command_has_a_timer_and_a_cron_line():
    timers = sorted((DEPLOY / "systemd").glob("stride-*.timer"))
    scheduled = {
        re.search(r"^Unit=stride-job@(.+)\.service$", t.read_text(), re.M).group(1)  # type: ignore[union-attr]
        for t in timers
    }
    assert scheduled == PERIODIC
    cron = re.findall(
        r"\.venv/bin/stride (\S+) >/dev/null$", (DEPLOY / "cron" / "stride").read_text(), re.M
    )
    assert set(cron) == PERIODIC and len(cron) == len(PERIODIC)
    assert PERIODIC | {"worker", "doctor"} <= set(get_commands())


def test_the_web_service_runs_the_preflight_and_does_not_retry_a_configuration_mistake():
    unit = (DEPLOY / "systemd" / "stride.service").read_text()
    assert "ExecStartPre=/srv/stride/app/.venv/bin/stride doctor --quiet" in unit
    assert "RestartPreventExitStatus=2" in unit
    worker = (DEPLOY / "systemd" / "stride-worker.service").read_text()
    assert "ExecStart=/srv/stride/app/.venv/bin/stride worker" in worker


def test_nginx_passes_its_request_id_and_logs_it():
    proxy = (DEPLOY / "nginx" / "stride-proxy.conf").read_text()
    assert "proxy_set_header X-Request-ID $request_id;" in proxy
    assert "add_header X-Request-ID $request_id always;" in proxy
    assert "$request_id" in (DEPLOY / "nginx" / "stride.conf").read_text()
