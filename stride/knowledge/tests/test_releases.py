"""The record of knowledge releases (assessment/releases.yaml) and the rules it keeps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from stride.knowledge import ROOT, _yaml, releases

RAW = yaml.safe_load((ROOT / releases.FILE).read_text(encoding="utf-8"))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _entry(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "version": "2027.1.0",
        "date": dt.date(2027, 1, 12),
        "status": "signed_off",
        "reviewer": {"name": "A. Clinician", "role": "Consultant podiatrist"},
        "signed_off": dt.date(2027, 1, 10),
        "changes": ["Corrected a likelihood."],
    }
    return {**entry, **overrides}


def test_the_release_file_loads_with_no_problems():
    assert releases.problems(RAW) == []
    assert releases.releases()


def test_every_version_is_listed_once_and_dated():
    versions = [r.version for r in releases.releases()]

    assert len(set(versions)) == len(versions), versions
    for release in releases.releases():
        assert isinstance(release.date, dt.date), release.version
        assert release.changes, release.version
        assert all(change.strip() for change in release.changes), release.version


def test_releases_are_listed_newest_first():
    listed = releases.releases()
    versions = [_version_key(r.version) for r in listed]

    assert versions == sorted(versions, reverse=True)
    assert [r.date for r in listed] == sorted((r.date for r in listed), reverse=True)


def test_the_current_model_version_has_a_release_record():
    version = _yaml("assessment/model.yaml")["version"]

    record = releases.release(version)

    assert record is not None, (
        f"model.yaml is at {version}, which has no entry in releases.yaml: record what "
        "changed and its review status before releasing it"
    )
    assert record.version == version


def test_every_signed_off_release_in_the_file_names_its_reviewer_and_date():
    for release in releases.releases():
        if release.is_signed_off:
            assert release.reviewer is not None, release.version
            assert release.reviewer.name and release.reviewer.role, release.version
            assert isinstance(release.signed_off, dt.date), release.version
        else:
            assert release.status == releases.DRAFT, release.version
            assert release.signed_off is None, release.version


def test_an_unrecorded_version_has_no_release():
    assert releases.release("1999.1.0") is None


def test_a_complete_signed_off_release_is_accepted():
    (release,) = releases.parse({"releases": [_entry()]})

    assert release.is_signed_off
    assert release.reviewer == releases.Reviewer("A. Clinician", "Consultant podiatrist")
    assert release.signed_off == dt.date(2027, 1, 10)


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"reviewer": None}, "signed off, but no reviewer is named"),
        ({"signed_off": None}, "signed off, but the sign-off date is missing"),
        ({"reviewer": {"name": "A. Clinician", "role": ""}}, "the reviewer has no role"),
        ({"reviewer": {"role": "Podiatrist"}}, "the reviewer has no name"),
        ({"reviewer": "A. Clinician"}, "reviewer is a name and a role"),
        ({"signed_off": "soon"}, "signed_off is not a date"),
    ],
)
def test_a_signed_off_release_must_name_a_reviewer_and_a_date(overrides, problem):
    data = {"releases": [_entry(**overrides)]}

    assert any(problem in p for p in releases.problems(data)), releases.problems(data)
    with pytest.raises(ValueError, match=problem):
        releases.parse(data)


def test_a_draft_may_not_carry_a_sign_off_date():
    data = {"releases": [_entry(status="draft")]}

    assert releases.problems(data) == ["release '2027.1.0': a draft has no sign-off date"]


def test_a_draft_needs_no_reviewer():
    (release,) = releases.parse(
        {"releases": [_entry(status="draft", reviewer=None, signed_off=None)]}
    )

    assert not release.is_signed_off
    assert release.reviewer is None


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"date": None}, "date is not a date"),
        ({"date": "7 December"}, "date is not a date"),
        ({"version": 2027.1}, "version is a quoted YYYY.MM.N"),
        ({"version": "v1"}, "version is a quoted YYYY.MM.N"),
        ({"status": "approved"}, "status is 'approved'"),
        ({"changes": []}, "changes is a list"),
        ({"changes": ["  "]}, "changes is a list"),
    ],
)
def test_an_incomplete_release_is_refused(overrides, problem):
    data = {"releases": [_entry(**overrides)]}

    assert any(problem in p for p in releases.problems(data)), releases.problems(data)


def test_a_version_listed_twice_is_refused():
    data = {"releases": [_entry(), _entry(date=dt.date(2027, 1, 1))]}

    assert releases.problems(data) == ["release '2027.1.0': the version is listed twice"]


def test_an_empty_file_is_refused():
    assert releases.problems(None) == ["releases is a list of one or more releases"]
    assert releases.problems({"releases": []}) == ["releases is a list of one or more releases"]
