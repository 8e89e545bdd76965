"""The record of each self-assessment knowledge release (``assessment/releases.yaml``).

A release is the knowledge as one ``version`` of ``model.yaml`` has it: when it was made,
what changed, and whether a named clinician has signed it off. The file is checked as it
is read, so a release marked signed off without a reviewer or a date never loads.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from stride.knowledge import _yaml

FILE = "assessment/releases.yaml"
DRAFT = "draft"
SIGNED_OFF = "signed_off"
STATUSES = (DRAFT, SIGNED_OFF)
VERSION = re.compile(r"\d{4}\.\d{1,2}\.\d+")


@dataclass(frozen=True)
class Reviewer:
    name: str
    role: str


@dataclass(frozen=True)
class Release:
    version: str
    date: dt.date
    status: str
    reviewer: Reviewer | None
    signed_off: dt.date | None
    changes: tuple[str, ...]

    @property
    def is_signed_off(self) -> bool:
        return self.status == SIGNED_OFF


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _reviewer_problems(where: str, reviewer: Any) -> list[str]:
    if reviewer is None:
        return []
    if not isinstance(reviewer, dict):
        return [f"{where}: reviewer is a name and a role, or null"]
    return [
        f"{where}: the reviewer has no {key}"
        for key in ("name", "role")
        if not _text(reviewer.get(key))
    ]


def _entry_problems(where: str, entry: dict[str, Any]) -> list[str]:
    problems = []
    if not isinstance(entry.get("date"), dt.date):
        problems.append(f"{where}: date is not a date (YYYY-MM-DD)")
    status = entry.get("status")
    if status not in STATUSES:
        problems.append(f"{where}: status is {status!r}, not one of {', '.join(STATUSES)}")
    reviewer = entry.get("reviewer")
    problems += _reviewer_problems(where, reviewer)
    signed_off = entry.get("signed_off")
    if signed_off is not None and not isinstance(signed_off, dt.date):
        problems.append(f"{where}: signed_off is not a date (YYYY-MM-DD) or null")
    if status == SIGNED_OFF:
        if reviewer is None:
            problems.append(f"{where}: signed off, but no reviewer is named")
        if signed_off is None:
            problems.append(f"{where}: signed off, but the sign-off date is missing")
    elif signed_off is not None:
        problems.append(f"{where}: a draft has no sign-off date")
    changes = entry.get("changes")
    if not isinstance(changes, list) or not changes or not all(_text(c) for c in changes):
        problems.append(f"{where}: changes is a list of one or more short texts")
    return problems


def problems(data: Any) -> list[str]:
    """What is wrong with the contents of a releases file (empty when nothing is)."""
    entries = data.get("releases") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        return ["releases is a list of one or more releases"]
    found = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            found.append(f"release {number}: not a mapping")
            continue
        version = entry.get("version")
        where = f"release {version!r}" if isinstance(version, str) else f"release {number}"
        if not isinstance(version, str) or not VERSION.fullmatch(version):
            found.append(f"{where}: version is a quoted YYYY.MM.N")
        elif version in seen:
            found.append(f"{where}: the version is listed twice")
        else:
            seen.add(version)
        found += _entry_problems(where, entry)
    return found


def _reviewer(reviewer: dict[str, Any] | None) -> Reviewer | None:
    return Reviewer(_text(reviewer["name"]), _text(reviewer["role"])) if reviewer else None


def parse(data: Any) -> tuple[Release, ...]:
    """The releases in a file's contents, in file order; ValueError names every problem."""
    if found := problems(data):
        raise ValueError(f"{FILE}: " + "; ".join(found))
    return tuple(
        Release(
            version=entry["version"],
            date=entry["date"],
            status=entry["status"],
            reviewer=_reviewer(entry.get("reviewer")),
            signed_off=entry.get("signed_off"),
            changes=tuple(_text(c) for c in entry["changes"]),
        )
        for entry in data["releases"]
    )


@cache
def releases() -> tuple[Release, ...]:
    return parse(_yaml(FILE))


def release(version: str) -> Release | None:
    """The record of one knowledge version, or None when it has none."""
    return next((r for r in releases() if r.version == version), None)
