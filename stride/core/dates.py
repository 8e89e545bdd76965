"""A date typed as day, month and year boxes (the GOV.UK and NHS pattern), read the way
people type it, with the error messages those design systems use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip


@dataclass(frozen=True)
class DateAnswer:
    """The date, or the message and which boxes to mark (``day``, ``month``, ``year``)."""

    value: dt.date | None = None
    message: str = ""
    boxes: tuple[str, ...] = ()


def _number(text: str, *, months: bool = False) -> int | None:
    text = text.strip().lower().rstrip(".")
    if months and text in MONTHS:
        return MONTHS[text]
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None


def date_of_birth(day: str, month: str, year: str, *, today: dt.date,
                  label: str = "Date of birth") -> DateAnswer:  # fmt: skip
    """Read a date of birth: a real date, in the past, after 1900."""
    typed = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    missing = tuple(k for k, v in typed.items() if not v)
    if len(missing) == 3:
        return DateAnswer(message=f"Enter your {label.lower()}", boxes=missing)
    if missing:
        names = " and a ".join(missing)
        return DateAnswer(message=f"{label} must include a {names}", boxes=missing)
    d, m, y = _number(typed["day"]), _number(typed["month"], months=True), _number(typed["year"])
    if y is not None and len(typed["year"]) != 4:
        return DateAnswer(message="Year must include 4 numbers", boxes=("year",))
    try:
        value = dt.date(y, m, d) if None not in (d, m, y) else None  # type: ignore[arg-type]
    except ValueError:
        value = None
    if value is None:
        return DateAnswer(message=f"{label} must be a real date", boxes=("day", "month", "year"))
    if value > today:
        return DateAnswer(message=f"{label} must be in the past", boxes=("day", "month", "year"))
    if value < dt.date(1900, 1, 1):
        return DateAnswer(message=f"{label} must be after 1900", boxes=("year",))
    return DateAnswer(value=value)
