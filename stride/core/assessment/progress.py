"""How far through the symptom check a person is: an estimate for a progress bar.

The engine promises no number of questions. It asks what the knowledge queues first
(the screening questions, then the questions of each complaint pathway that applies,
passing over those whose answer can no longer matter),
then searches while some question is likely enough to change the outcome; that bar
rises with every answer given (``stop_below`` plus ``stop_step`` an answer; "not sure"
does not raise it). So the questions still needed are estimated as those the
knowledge still queues, plus those the search may ask before the bar passes the chance
of change a question typically still has late in a session (``TYPICAL_CHANGE``,
checked against the vignettes' adaptive replays), and never fewer than a couple while
a question is on screen.

The fraction shown is ``asked / (asked + still needed)``. Answers can open new
pathways, so the estimate can move either way; the bar must not: the page carries the
highest fraction shown so far and never shows less, nor more than ``CAP`` before the
results.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

from stride.core.assessment.model import KnowledgeBase
from stride.core.assessment.questions import moot_test

TYPICAL_CHANGE = 0.15  # a late question's chance of changing the outcome
MIN_SEARCH = 2  # while a question is on screen: it, and probably one more
CAP = 0.95  # the bar is full only on the results

# (below this fraction, the words for it), in order
WORDS = (
    (0.15, "Just started"),
    (0.4, "About a quarter of the way"),
    (0.6, "About halfway"),
    (0.8, "More than halfway"),
    (math.inf, "Nearly there"),
)


def queued(
    kb: KnowledgeBase,
    *,
    age: int,
    answers: Mapping[str, bool],
    not_sure: Iterable[str] = (),
    moot: Callable[[str], bool] | None = None,
) -> tuple[str, ...]:
    """The questions the knowledge still queues for these answers: the screening
    questions not yet asked, then those of every pathway that applies now, less the
    pathway questions ``moot`` says can no longer matter (they are passed over)."""
    asked = set(answers) | set(not_sure)
    out = [f for f in kb.screening if f not in asked]
    for pathway in kb.pathways:
        if pathway.applies(age, answers):
            out += [f for f in pathway.ask if f not in asked and f not in out
                    and not (moot is not None and moot(f))]  # fmt: skip
    return tuple(out)


def still_needed(
    kb: KnowledgeBase,
    *,
    age: int,
    answers: Mapping[str, bool],
    not_sure: Iterable[str] = (),
    sex: str = "unspecified",
) -> int:
    """An estimate of the questions still to come while one is on screen (at least
    ``MIN_SEARCH``): what the knowledge queues, then what the stopping rule allows."""
    not_sure = tuple(not_sure)
    moot = moot_test(kb, age=age, sex=sex, answers=answers, not_sure=not_sure)
    scripted = len(queued(kb, age=age, answers=answers, not_sure=not_sure, moot=moot))
    if kb.stop_step <= 0:
        return scripted + MIN_SEARCH
    bar = kb.stop_below + kb.stop_step * (len(answers) + scripted)
    search = math.ceil(round((TYPICAL_CHANGE - bar) / kb.stop_step, 6))
    return scripted + max(MIN_SEARCH, search)


def fraction(asked: int, needed: int, *, shown: float = 0.0) -> float:
    """The fraction to show: the estimate, never below what was shown before, never
    above ``CAP`` (the results show no bar)."""
    estimate = asked / (asked + needed) if asked + needed > 0 else 0.0
    return round(min(CAP, max(shown, estimate)), 4)


def words(value: float) -> str:
    """The fraction in words: a bar promises no exact count."""
    return next(text for below, text in WORDS if value < below)
