"""Replaying vignettes through the engine, as the contract's evaluation section defines.

With all answers given: top-1 is a hit when the first condition is the gold one or
one of ``also_acceptable``; top-3 needs the gold one in the first three; triage exact
compares levels; under-triage is a gold emergency or urgent case answered at a lower
level (over-triage: answered more urgently than gold).

Adaptive replay: start from the case's ``loc.*`` answers that are true, then answer
each next question from the case (or put it in ``not_sure`` when the case is silent)
until the next question is None or 40 questions; report the questions asked and the
same measures at the end.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from stride.core.assessment.engine import assess
from stride.core.assessment.model import KnowledgeBase, Result, urgency

MAX_QUESTIONS = 40


@dataclass(frozen=True)
class Case:
    id: str
    age: int
    sex: str
    answers: Mapping[str, bool]
    condition: str
    also_acceptable: tuple[str, ...]
    triage: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Case:
        expect = data["expect"]
        return cls(
            id=str(data["id"]),
            age=int(data["age"]),
            sex=str(data.get("sex", "unspecified")),
            answers=dict(data.get("answers") or {}),
            condition=expect["condition"],
            also_acceptable=tuple(expect.get("also_acceptable") or ()),
            triage=expect["triage"],
        )


@dataclass(frozen=True)
class Outcome:
    case: str
    top: tuple[str, ...]
    level: str
    top1: bool
    top3: bool
    triage_exact: bool
    under: bool
    over: bool
    questions: int | None = None
    asked: tuple[str, ...] = ()


def judge(case: Case, result: Result, questions: int | None = None,
          asked: tuple[str, ...] = ()) -> Outcome:  # fmt: skip
    top = tuple(c.slug for c in result.conditions)
    gold = urgency(case.triage)
    got = urgency(result.triage.level)
    return Outcome(
        case=case.id,
        top=top[:3],
        level=result.triage.level,
        top1=bool(top) and (top[0] == case.condition or top[0] in case.also_acceptable),
        top3=case.condition in top[:3],
        triage_exact=got == gold,
        under=gold <= 1 and got > gold,
        over=got < gold,
        questions=questions,
        asked=asked,
    )


def replay(kb: KnowledgeBase, case: Case) -> tuple[Result, tuple[str, ...]]:
    """The adaptive questionnaire, answered from the case."""
    answers = {f: True for f, v in case.answers.items() if f.startswith("loc.") and v is True}
    not_sure: list[str] = []
    asked: list[str] = []
    result = assess(kb, age=case.age, sex=case.sex, answers=answers, not_sure=not_sure)
    while result.next_question is not None and len(asked) < MAX_QUESTIONS:
        finding = result.next_question
        if finding in asked:
            raise AssertionError(f"{case.id}: {finding} asked twice")
        asked.append(finding)
        if finding in case.answers:
            answers[finding] = bool(case.answers[finding])
        else:
            not_sure.append(finding)
        result = assess(kb, age=case.age, sex=case.sex, answers=answers, not_sure=not_sure)
    return result, tuple(asked)


@dataclass
class Summary:
    cases: int
    top1: float
    top3: float
    triage_exact: float
    under_triage: int
    over_triage: int
    adaptive_top1: float
    adaptive_top3: float
    adaptive_triage_exact: float
    adaptive_under_triage: int
    questions_median: float
    questions_p90: float
    failures: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rate(flags: Iterable[bool]) -> float:
    values = list(flags)
    return round(sum(values) / len(values), 4) if values else 0.0


def percentile(values: list[int], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return float(ordered[int(rank) - 1])


def evaluate(kb: KnowledgeBase, cases: list[Case]) -> Summary:
    full = [judge(c, assess(kb, age=c.age, sex=c.sex, answers=c.answers)) for c in cases]
    adaptive = []
    for case in cases:
        result, asked = replay(kb, case)
        adaptive.append(judge(case, result, len(asked), asked))
    counts = [o.questions or 0 for o in adaptive]
    failures = [
        {"case": f.case, "expected": c.condition, "triage_expected": c.triage, "top": list(f.top),
         "triage": f.level, "mode": "full"}
        for f, c in zip(full, cases, strict=True)
        if not (f.top1 and f.triage_exact)
    ]  # fmt: skip
    return Summary(
        cases=len(cases),
        top1=_rate(o.top1 for o in full),
        top3=_rate(o.top3 for o in full),
        triage_exact=_rate(o.triage_exact for o in full),
        under_triage=sum(o.under for o in full),
        over_triage=sum(o.over for o in full),
        adaptive_top1=_rate(o.top1 for o in adaptive),
        adaptive_top3=_rate(o.top3 for o in adaptive),
        adaptive_triage_exact=_rate(o.triage_exact for o in adaptive),
        adaptive_under_triage=sum(o.under for o in adaptive),
        questions_median=float(statistics.median(counts)) if counts else 0.0,
        questions_p90=percentile(counts, 90),
        failures=failures,
    )
