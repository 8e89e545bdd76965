"""The patient's details as a web form posts them, and its errors as a page shows them.

One reading for every form that asks for a patient (online booking, the waitlist, staff
booking for a caller): name, email, phone, and the date of birth typed as day, month and
year boxes (the GOV.UK and NHS pattern, read by ``stride.core.dates``). A client that
posts the date as one ``date_of_birth`` field (YYYY-MM-DD) is read as before.

The error summary lists every problem in the order of the fields on the page, each a
link to the field it is about (GOV.UK's error summary)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from stride.core import dates
from stride.web.errors import Problem

BOXES = ("day", "month", "year")
DOB = "date_of_birth"


@dataclass
class PatientForm:
    """What the form gave: ``fields`` for the schema (``date_of_birth`` as YYYY-MM-DD or
    empty), the three boxes as typed (to show again), and the date's own problem, if
    the boxes were given and do not make a date of birth."""

    fields: dict[str, str]
    boxes: dict[str, str]
    problem: Problem | None = None
    marked: tuple[str, ...] = field(default=())

    def checked(self, problems: list[Problem], *, prefix: str = "patient.") -> list[Problem]:
        """``problems`` with the date's own words for it: the boxes' message replaces
        whatever the schema said about the empty or odd date it was given."""
        if self.problem is None:
            return problems
        return [p for p in problems if p[0] != prefix + DOB] + [self.problem]


def read(source: Mapping[str, Any], *, today: dt.date, prefix: str = "patient.") -> PatientForm:
    fields = {k: str(source.get(k, "") or "") for k in ("name", "email", "phone")}
    typed = {box: source.get(f"{DOB}-{box}") for box in BOXES}
    if all(value is None for value in typed.values()):  # one field, YYYY-MM-DD
        given = str(source.get(DOB, "") or "")
        fields[DOB] = given
        return PatientForm(fields=fields, boxes=_split(given))
    boxes = {box: str(value or "").strip()[:10] for box, value in typed.items()}
    answer = dates.date_of_birth(boxes["day"], boxes["month"], boxes["year"], today=today)
    fields[DOB] = answer.value.isoformat() if answer.value else ""
    if answer.value is not None:
        return PatientForm(fields=fields, boxes=boxes)
    return PatientForm(fields=fields, boxes=boxes, marked=answer.boxes,
                       problem=(prefix + DOB, "invalid_date", answer.message))  # fmt: skip


def _split(iso: str) -> dict[str, str]:
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return dict.fromkeys(BOXES, "")
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def for_someone_else(problems: Iterable[Problem]) -> list[Problem]:
    """The messages as staff booking for a caller read them ("Enter the patient's full
    name", not "Enter your full name")."""
    return [
        (
            f,
            c,
            m.replace("Enter your ", "Enter the patient's ").replace(
                "Date of birth must", "The patient's date of birth must"
            ),
        )
        for f, c, m in problems
    ]


def by_field(problems: Iterable[Problem], *, prefix: str = "patient.") -> dict[str | None, str]:
    """Each field's first message, keyed by its name on the form; None for the page."""
    out: dict[str | None, str] = {}
    for name, _code, message in problems:
        key = (name or "").removeprefix(prefix) or None
        out.setdefault(key, message)
    return out


def summary(errors: Mapping[str | None, str], order: Iterable[str],
            marked: tuple[str, ...] = ()) -> list[tuple[str, str]]:  # fmt: skip
    """The error summary: (anchor, message) for each field in error, in the page's order
    ``order``; the date of birth links to its first box in error."""
    items = []
    for name in order:
        if name in errors:
            anchor = f"{DOB}-{(marked or BOXES)[0]}" if name == DOB else name
            items.append((anchor, errors[name]))
    # A problem with a field that is not on the page (the time chosen): said, not linked.
    items += [("", message) for name, message in errors.items() if name and name not in order]
    return items


def page_context(form: PatientForm, errors: Mapping[str | None, str],
                 order: Iterable[str]) -> dict[str, Any]:  # fmt: skip
    """What a form's template needs: the errors by field, the summary's links, the date's
    boxes as typed and which of them to mark."""
    marked = form.marked or (BOXES if DOB in errors else ())
    return {"errors": dict(errors), "error_list": summary(errors, tuple(order), marked),
            "dob": form.boxes, "dob_marked": marked}  # fmt: skip
