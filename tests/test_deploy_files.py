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
    scheduled, own = set(), set()
    for timer in timers:
        job = re.search(r"^Unit=stride-job@(.+)\.service$", timer.read_text(), re.M)
        if job:
            scheduled.add(job.group(1))
        else:  # a timer without Unit= starts the service of its own name
            assert (DEPLOY / "systemd" / f"{timer.stem}.service").exists(), timer.name
            own.add(timer.stem)
    assert scheduled == PERIODIC
    assert own == {"stride-backup"}
    text = (DEPLOY / "cron" / "stride").read_text()
    cron = re.findall(r"\.venv/bin/stride (\S+) >/dev/null$", text, re.M)
    assert set(cron) == PERIODIC and len(cron) == len(PERIODIC)
    assert re.search(r"^\S+ \S+ \* \* \* +stride .*deploy/backup\.sh", text, re.M)
    assert PERIODIC | {"worker", "doctor", "backup", "restore"} <= set(get_commands())


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
