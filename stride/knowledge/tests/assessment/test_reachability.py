"""Reachability: every emergency and urgent red-flag rule is reached by the questions
the engine chooses.

For every such rule and every region where it is plausible (where the condition it
points to is usual, or the regions the rule names), a person who has the rule's
findings (one of each group, every alternative in turn) and the usual signs of that
condition, and is not sure of everything else, starts from where it hurts and answers
each next question. The session must fire the rule (or give advice at least as
urgent) before it stops. A second asking of a red flag counts as the red flag itself;
a sign of a broken bone comes with an injury; a diabetic hot foot comes with diabetes;
a wound that is not healing, or with bone at its base, is an open wound; a person hurt
one way knows they were not hurt the other ways, and says no to those.
"""

from __future__ import annotations

import math

import pytest

from stride import knowledge
from stride.core.assessment.engine import assess, compile_kb
from stride.core.assessment.model import Rule, urgency
from stride.knowledge import assessment_kb

KB = assessment_kb.knowledge_base()
COMP = compile_kb(KB)
REGIONS = {r.slug: r.findings for r in knowledge.regions()}
RECHECK_OF = {v: k for k, v in KB.rechecks.items()}
INJURIES = {
    "onset.twisting_injury", "onset.fall_or_heavy_landing", "onset.direct_blow_to_toe",
    "onset.crush_injury", "onset.misstep", "onset.direct_blow", "onset.pop_or_kick_sensation",
}  # fmt: skip
USUAL = 0.25  # a place at least this usual for the condition makes the rule plausible there
TYPICAL = 0.7  # a sign at least this common in the condition is one the person has
IMPLIES = {
    "red.cannot_bear_weight": ("onset.any_injury",),
    "red.tender_malleolus_posterior": ("onset.any_injury",),
    "red.tender_navicular": ("onset.any_injury",),
    "red.tender_fifth_metatarsal_base": ("onset.any_injury",),
    "red.deformity": ("onset.any_injury",),
    "red.hot_swollen_foot_diabetes": ("hx.diabetes",),
    "red.wound_not_healing": ("sym.open_wound",),
    "red.ulcer_probes_to_bone": ("sym.open_wound", "red.wound_not_healing"),
}


def related(rule: Rule) -> list[int]:
    if rule.condition:
        return [COMP.index[rule.condition]]
    strong = math.log(2)
    return sorted({i for f in rule.findings for i, lr in COMP.yes.get(f, ())
                   if lr >= strong and COMP.urgency[i] <= urgency(rule.level)})  # fmt: skip


def places(rule: Rule) -> list[str]:
    """One place per region where the rule's condition is usual."""
    named = sorted({f for g in rule.when for f in g if f.startswith("loc.")})
    if named:
        return named
    out = []
    for slug, findings in REGIONS.items():
        if rule.regions and slug not in rule.regions:
            continue
        usual = [f for f in findings for i in related(rule)
                 if (lik := KB.conditions[i].findings.get(f)) and lik.given >= USUAL]  # fmt: skip
        if usual:
            out.append(usual[0])
    return out


def age_for(rule: Rule) -> int:
    low, high = rule.age_min, min(rule.age_max, 120)
    if high <= 15:
        return max(low, min(high, 8))
    if low >= 60:
        return max(low, 72)
    return min(max(low, 40), high)


def people(rule: Rule) -> list[frozenset[str]]:
    """One finding of each group, every alternative of every group in turn."""
    groups = [
        sorted(f for f in g if not f.startswith("loc.") and f not in RECHECK_OF) for g in rule.when
    ]
    groups = [g for g in groups if g]
    width = max((len(g) for g in groups), default=0)
    return sorted({frozenset(g[k % len(g)] for g in groups) for k in range(width)}, key=sorted)


CASES = [
    pytest.param(rule, place, has, id=f"{rule.id}@{place}:{'+'.join(sorted(has))}")
    for rule in KB.rules
    if not rule.safety_net and urgency(rule.level) <= 1
    for place in places(rule)
    for has in people(rule)
]


@pytest.mark.parametrize(("rule", "place", "has"), CASES)
def test_an_adaptive_session_reaches_every_red_flag_rule(
    rule: Rule, place: str, has: frozenset[str]
):
    truth = set(has) | {place}
    for i in related(rule)[:1]:
        truth |= {f for f, lik in KB.conditions[i].findings.items()
                  if lik.given >= TYPICAL and not f.startswith("loc.")}  # fmt: skip
    if truth & INJURIES:
        truth.add("onset.any_injury")
    for finding in list(truth):
        truth.update(IMPLIES.get(finding, ()))
    truth |= {KB.rechecks[f] for f in truth if f in KB.rechecks}
    age = age_for(rule)
    answers: dict[str, bool] = {place: True}
    not_sure: list[str] = []
    result = assess(KB, age=age, answers=answers, not_sure=not_sure)
    while result.next_question is not None and len(answers) + len(not_sure) < 41:
        finding = result.next_question
        if finding in truth:
            answers[finding] = True
        elif finding in INJURIES and truth & (INJURIES | {"onset.any_injury"}):
            answers[finding] = False
        else:
            not_sure.append(finding)
        result = assess(KB, age=age, answers=answers, not_sure=not_sure)
    assert urgency(result.triage.level) <= urgency(rule.level), (
        f"{rule.id} not reached from {place} at {age}: asked "
        f"{[f for f in [*answers, *not_sure] if f != place]}"
    )
