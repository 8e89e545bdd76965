"""Which knowledge release the assessment uses, in the API and on the symptom check."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from stride.assessment.tests.helpers import VOCABULARY_URL
from stride.knowledge import assessment_kb, releases

SIGNED = releases.Release(
    version="2026.11.0",
    date=dt.date(2026, 11, 27),
    status=releases.SIGNED_OFF,
    reviewer=releases.Reviewer(name="Dr Ada Example", role="Consultant podiatrist"),
    signed_off=dt.date(2026, 12, 3),
    changes=("Reviewed every red-flag rule.",),
)
DRAFT = releases.Release(
    version="2026.11.0",
    date=dt.date(2026, 11, 27),
    status=releases.DRAFT,
    reviewer=None,
    signed_off=None,
    changes=("First release.",),
)


@pytest.fixture
def recorded(monkeypatch):
    """Make the knowledge in use carry a given release record (or none)."""

    def use(release: releases.Release | None) -> None:
        version = assessment_kb.knowledge_base().version
        record = release and dataclasses.replace(release, version=version)
        monkeypatch.setattr(releases, "release", lambda v: record if v == version else None)

    return use


def _vocabulary(client) -> dict[str, Any]:
    response = client.get(VOCABULARY_URL)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_the_vocabulary_returns_the_release_of_its_knowledge_version(client, db):
    body = _vocabulary(client)
    expected = releases.release(body["knowledge_version"])

    release = body["knowledge_release"]

    assert expected is not None
    assert release["version"] == body["knowledge_version"]
    assert release["date"] == expected.date.isoformat()
    assert release["status"] == expected.status
    assert release["changes"] == list(expected.changes)
    assert release["signed_off"] == (expected.signed_off and expected.signed_off.isoformat())
    assert set(release) == {"version", "date", "status", "reviewer", "signed_off", "changes"}


def test_the_vocabulary_names_the_reviewer_and_date_of_a_signed_off_release(client, db, recorded):
    recorded(SIGNED)

    release = _vocabulary(client)["knowledge_release"]

    assert release["status"] == "signed_off"
    assert release["reviewer"] == {"name": "Dr Ada Example", "role": "Consultant podiatrist"}
    assert release["signed_off"] == "2026-12-03"
    assert release["date"] == "2026-11-27"


def test_the_vocabulary_gives_a_draft_with_no_sign_off(client, db, recorded):
    recorded(DRAFT)

    release = _vocabulary(client)["knowledge_release"]

    assert release["status"] == "draft"
    assert release["reviewer"] is None
    assert release["signed_off"] is None


def test_the_vocabulary_gives_null_for_a_version_with_no_record(client, db, recorded):
    recorded(None)

    body = _vocabulary(client)

    assert body["knowledge_version"] == assessment_kb.knowledge_base().version
    assert body["knowledge_release"] is None


def test_openapi_declares_the_knowledge_release(client, db):
    spec = client.get("/api/openapi.json").json()
    schemas = spec["components"]["schemas"]

    assert "knowledge_release" in schemas["VocabularyOut"]["properties"]
    assert "knowledge_release" not in schemas["VocabularyOut"].get("required", [])
    assert set(schemas["ReleaseOut"]["properties"]) == {
        "version", "date", "status", "reviewer", "signed_off", "changes"
    }  # fmt: skip


@pytest.mark.usefixtures("demo_clinic")
def test_the_symptom_check_says_who_reviewed_its_knowledge_and_when(client, recorded):
    recorded(SIGNED)
    version = assessment_kb.knowledge_base().version

    html = client.get("/assessment/").content.decode()

    assert "About this check" in html
    assert (
        f"Knowledge version {version}, reviewed by Dr Ada Example (Consultant podiatrist) "
        "on 3 December 2026." in html
    )
    assert "awaiting clinical sign-off" not in html


@pytest.mark.usefixtures("demo_clinic")
@pytest.mark.parametrize("release", [DRAFT, None], ids=["draft", "no-record"])
def test_the_symptom_check_says_when_its_knowledge_awaits_sign_off(client, recorded, release):
    recorded(release)
    version = assessment_kb.knowledge_base().version

    html = client.get("/assessment/").content.decode()

    assert f"Knowledge version {version}" in html
    assert "awaiting clinical sign-off." in html
    assert "reviewed by" not in html


@pytest.mark.usefixtures("demo_clinic", "now")
def test_the_results_say_which_knowledge_version_gave_them(client, recorded):
    from stride.assessment.tests.test_questionnaire import DANCER, _answer_all, _begin

    recorded(DRAFT)
    response, _ = _answer_all(client, _begin(client), DANCER)

    html = response.content.decode()
    assert "Your results" in html
    assert f"Knowledge version {assessment_kb.knowledge_base().version}" in html
