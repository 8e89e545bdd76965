"""One assessment: scoring, triage, the ranked list and the next question.

Scoring is in ``scoring`` (each condition one-vs-rest, as log-odds), the red-flag
rules and triage in ``rules``, the choice of the next question in ``questions``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from stride.core.assessment.model import KnowledgeBase, Ranked, Result
from stride.core.assessment.questions import next_question
from stride.core.assessment.rules import against, fired_rules, supporting, triage
from stride.core.assessment.scoring import Compiled, State, compile_kb, order, sigmoid

MAX_LISTED = 8
MIN_LISTED = 5
EXPLAIN_LOG_LR = math.log(1.25)

# Kept under their old names for callers of the engine.
_order = order
_sigmoid = sigmoid

__all__ = [
    "Compiled",
    "State",
    "assess",
    "compile_kb",
    "fired_rules",
    "next_question",
]


def assess(
    kb: KnowledgeBase,
    *,
    age: int,
    sex: str = "unspecified",
    answers: Mapping[str, bool],
    not_sure: Iterable[str] = (),
) -> Result:
    comp = compile_kb(kb)
    state = State(kb, comp, age, sex)
    for finding in sorted(answers):
        state.answer(finding, answers[finding])
    unsure = set(not_sure) - set(answers)
    log_odds = state.log_odds()
    probs = [sigmoid(x) for x in log_odds]
    ranked = order(probs, comp.slugs)
    probability = dict(zip(comp.slugs, probs, strict=True))
    rules = fired_rules(kb, age, answers, unsure, probability)
    result_triage = triage(kb, comp, probs, ranked, rules, answers, unsure, state, EXPLAIN_LOG_LR)
    listed = tuple(
        _ranked(kb, state, answers, probs, i)
        for i in ranked[: max(MIN_LISTED, _listed(probs, ranked))]
    )
    question = next_question(kb, comp, state, log_odds, age, answers, unsure, rules)
    return Result(triage=result_triage, conditions=listed, next_question=question,
                  knowledge_version=kb.version)  # fmt: skip


def _listed(probs: list[float], ranked: list[int]) -> int:
    return min(MAX_LISTED, sum(1 for i in ranked if probs[i] >= 0.01))


def _ranked(
    kb: KnowledgeBase, state: State, answers: Mapping[str, bool], probs: list[float], i: int
) -> Ranked:
    condition = kb.conditions[i]
    return Ranked(
        slug=condition.slug,
        name=condition.name,
        probability=round(probs[i], 4),
        supporting=supporting(state, answers, i, EXPLAIN_LOG_LR),
        against=against(state, i, EXPLAIN_LOG_LR),
        usual_triage=condition.usual_triage,
    )
