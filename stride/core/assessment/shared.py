"""The symptom check's answers as a person shares them with the practitioner: data.

When someone books from the results and ticks "share", the booking keeps, beside the
summary in words, a record: the knowledge version that worded the questions, the area
they started from, the advice shown, and a row per question asked (the places chosen
first): the finding, the answer (``yes``, ``no`` or ``not_sure``) and whether it is a
warning sign. The practitioner reads the rows warning signs first (yes, then not
sure), then the other yes answers, then the rest, each group in the order asked.

The record crosses the browser in a signed field and is stored as JSON, so reading
one back (``from_data``) checks its shape and refuses anything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ANSWERS = ("yes", "no", "not_sure")
MAX_ROWS = 200  # far more than a session asks (40 questions and the places)
MAX_TEXT = 80


@dataclass(frozen=True)
class Row:
    finding: str
    answer: str  # yes | no | not_sure
    red_flag: bool = False


@dataclass(frozen=True)
class Record:
    knowledge_version: str
    answered_on: str  # ISO date
    region: str
    advice: str  # the level of the advice shown
    rows: tuple[Row, ...]

    def as_data(self) -> dict[str, Any]:
        return {
            "knowledge_version": self.knowledge_version, "answered_on": self.answered_on,
            "region": self.region, "advice": self.advice,
            "answers": [{"finding": r.finding, "answer": r.answer, "red_flag": r.red_flag}
                        for r in self.rows],
        }  # fmt: skip


def rows(
    *,
    places: Sequence[str],
    history: Sequence[str],
    answers: Mapping[str, bool],
    not_sure: Iterable[str],
    warning_signs: Iterable[str],
) -> tuple[Row, ...]:
    """A row per place chosen, then per question answered, in the order asked."""
    unsure = set(not_sure)
    warning = set(warning_signs)
    out = [Row(p, "yes", p in warning) for p in places]
    for finding in history:
        if finding in unsure:
            answer = "not_sure"
        elif finding in answers:
            answer = "yes" if answers[finding] else "no"
        else:
            continue
        out.append(Row(finding, answer, finding in warning))
    return tuple(out)


def _group(row: Row) -> int:
    if row.red_flag and row.answer == "yes":
        return 0
    if row.red_flag and row.answer == "not_sure":
        return 1
    return 2 if row.answer == "yes" else 3


def for_practitioner(rows: Iterable[Row]) -> list[Row]:
    """Warning signs first (yes, then not sure), then yes answers, then the rest."""
    return sorted(rows, key=_group)  # stable: the order asked within each group


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) <= MAX_TEXT else None


def from_data(data: Any) -> Record | None:
    """A record read back from JSON, or None if it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("answers"), list):
        return None
    fields = [_text(data.get(k)) for k in ("knowledge_version", "answered_on", "region",
                                           "advice")]  # fmt: skip
    if any(f is None for f in fields) or len(data["answers"]) > MAX_ROWS:
        return None
    out = []
    for item in data["answers"]:
        if not isinstance(item, dict):
            return None
        finding, answer = _text(item.get("finding")), item.get("answer")
        if not finding or answer not in ANSWERS or not isinstance(item.get("red_flag"), bool):
            return None
        out.append(Row(finding, answer, item["red_flag"]))
    version, answered_on, region, advice = (f or "" for f in fields)
    return Record(version, answered_on, region, advice, tuple(out))
