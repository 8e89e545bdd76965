"""A request that fails sends no email: errors are grouped by cause in the shared cache
and mailed as one digest by `stride send-error-digest`, without patient data."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")


def _fail(client: Client, monkeypatch, patient: str = "Ada Lovelace, 1990-12-10") -> None:
    from stride.booking import selectors

    def broken(*args, **kwargs):
        raise RuntimeError(f"cannot read the diary for {patient}")

    monkeypatch.setattr(selectors, "services_online", broken)
    client.raise_request_exception = False
    assert (
        client.get("/api/slots", {"service": "follow-up", "from": "2026-06-02"}).status_code == 500
    )


def test_a_failing_request_sends_nothing_and_the_digest_groups_by_cause(client, monkeypatch,
                                                                        settings):  # fmt: skip
    settings.ADMINS = [("Developer", "dev@example.org")]
    for _ in range(3):
        _fail(client, monkeypatch)
    assert mail.outbox == []  # not one email from the failing requests
    out = io.StringIO()
    call_command("send-error-digest", stdout=out)
    assert "Sent a digest of 3 error(s) from 1 cause(s)." in out.getvalue()
    (digest,) = mail.outbox
    assert digest.to == ["dev@example.org"]
    assert "3 x RuntimeError at stride/" in digest.body
    assert "e.g. /api/slots" in digest.body
    assert "Ada" not in digest.body and "1990" not in digest.body  # never the message
    again = io.StringIO()
    call_command("send-error-digest", stdout=again)
    assert "No errors since the last digest." in again.getvalue()
    assert len(mail.outbox) == 1


def test_a_flood_of_new_causes_is_capped(monkeypatch) -> None:
    import logging

    from stride.web import alerts

    monkeypatch.setattr(alerts, "MAX_CAUSES", 3)
    for i in range(10):
        alerts.record_error(logging.LogRecord("django.request", logging.ERROR, __file__, i,
                                              f"failure {i}", None, None))  # fmt: skip
    causes = alerts.take()
    assert len(causes) == 4  # three causes and one for the rest
    assert {c.summary for c in causes if c.count == 7} == {alerts.OVERFLOW}
