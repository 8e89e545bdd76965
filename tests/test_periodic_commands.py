"""Every periodic command is safe to run twice at once: by its own design, or by a lock."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from stride import config
from stride.web import alerts, runlock


def _run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_a_second_run_is_refused_while_the_first_holds_the_lock(db):
    with (
        runlock.only_one("job", ttl=60),
        pytest.raises(runlock.AlreadyRunning),
        runlock.only_one("job", ttl=60),
    ):
        pass
    with runlock.only_one("job", ttl=60):  # released: the next run goes ahead
        pass


def test_a_lock_left_by_a_killed_run_expires(db, settings):
    cache.add(runlock.PREFIX + "job", "killed-run", 1)
    with pytest.raises(runlock.AlreadyRunning), runlock.only_one("job", ttl=60):
        pass
    cache.delete(runlock.PREFIX + "job")  # as the expiry would
    with runlock.only_one("job", ttl=60):
        pass


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_the_shared_database_cache_exactly_one_of_two_racing_runs_gets_the_lock(settings):
    settings.CACHES = {"default": config.cache_from_url("db://stride_lock_race")}
    call_command("createcachetable", verbosity=0)
    barrier = threading.Barrier(2)
    won: list[bool] = []

    def race() -> None:
        from django.db import connection

        barrier.wait()
        try:
            with runlock.only_one("race", ttl=60):
                won.append(True)
                barrier.wait(timeout=5)  # both have tried while the winner holds it
        except runlock.AlreadyRunning:
            won.append(False)
            barrier.wait(timeout=5)
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False, True]


def test_apply_retention_does_nothing_while_another_run_is_under_way(db):
    with runlock.only_one("apply-retention", ttl=60):
        out = _run("apply-retention")
    assert "Another apply-retention run is under way: this one did nothing." in out
    assert "Retention" not in out
    assert "Retention (adults" in _run("apply-retention")  # the lock was not left behind


def test_send_error_digest_does_nothing_while_another_run_is_under_way(db):
    alerts.record_error(_record())
    with runlock.only_one("send-error-digest", ttl=60):
        out = _run("send-error-digest")
    assert "this one did nothing" in out
    assert alerts.take(), "the counts were left for the run that holds the lock"


def _record():
    import logging

    return logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)


def test_send_reminders_and_waitlist_offers_need_no_lock_of_their_own(db):
    # Both are safe twice at once by design (claims in committed rows; the guarded
    # diary path), covered by their own race tests; two runs in a row both succeed.
    assert "Reminders:" in _run("send-reminders") and "Reminders:" in _run("send-reminders")
    assert "Waitlist:" in _run("waitlist-offers") and "Waitlist:" in _run("waitlist-offers")
