"""Red-flag rules and the triage.

Triage is the most urgent of (a) every red-flag rule that fires, (b) the usual triage
of the leading condition, (c) the usual triage of any emergency or urgent condition at
or above its level's threshold. A rule fires on answers given as yes; a safety-net rule
also needs answers the person was not sure about (and, where it names a condition, that
condition still plausible), so a danger that could not be ruled out is still covered.
A safety-net rule only ever raises the triage: it is one more candidate for "most urgent".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from stride.core.assessment.model import (
    DESTINATIONS,
    KnowledgeBase,
    Reason,
    Rule,
    Triage,
    urgency,
)
from stride.core.assessment.scoring import Compiled, State

EXPLAIN_MAX = 4
LEVEL_TEXT = {
    "emergency": "needs emergency care now",
    "urgent": "needs to be seen today",
    "appointment": "is worth booking an appointment for",
    "self_care": "can usually be looked after at home first",
}


def plausible(kb: KnowledgeBase, rule: Rule, probability: Mapping[str, float] | None) -> bool:
    """Whether the condition a safety-net rule guards against is still plausible."""
    if rule.if_plausible is None:
        return True
    if probability is None:
        return False
    at = kb.plausible if rule.plausible_at is None else rule.plausible_at
    return probability.get(rule.if_plausible, 0.0) >= at


def fired_rules(
    kb: KnowledgeBase,
    age: int,
    answers: Mapping[str, bool],
    not_sure: Collection[str] = (),
    probability: Mapping[str, float] | None = None,
) -> list[Rule]:
    """Rules whose every group has a finding answered true (unknown never fires); a
    safety-net rule also needs a finding in ``not_sure`` in every ``unsure`` group."""
    true = {f for f, v in answers.items() if v is True}
    unsure = set(not_sure) - set(answers)
    fired = []
    for rule in kb.rules:
        if not rule.applies_to(age) or not all(group & true for group in rule.when):
            continue
        if rule.safety_net and not (
            all(group & unsure for group in rule.unsure) and plausible(kb, rule, probability)
        ):
            continue
        fired.append(rule)
    return fired


def condition_level(kb: KnowledgeBase, comp: Compiled, probs: list[float], lead: int) -> int:
    level = comp.urgency[lead]
    for i in comp.dangerous:
        u = comp.urgency[i]
        if u < level and probs[i] >= kb.thresholds[("emergency", "urgent")[u]]:
            level = u
    return level


def supporting(state: State, answers: Mapping[str, bool], i: int, floor: float) -> tuple[str, ...]:
    """The yes answers that most raised condition ``i``: never a "no"."""
    items = sorted(state.contrib[i].items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(f for f, v in items if v > floor and answers.get(f) is True)[:EXPLAIN_MAX]


def against(state: State, i: int, floor: float) -> tuple[str, ...]:
    items = sorted(state.contrib[i].items(), key=lambda kv: (kv[1], kv[0]))
    return tuple(f for f, v in items if v < -floor)[:EXPLAIN_MAX]


def triage(
    kb: KnowledgeBase,
    comp: Compiled,
    probs: list[float],
    ranked: list[int],
    rules: list[Rule],
    answers: Mapping[str, bool],
    not_sure: Collection[str],
    state: State,
    floor: float,
) -> Triage:
    candidates: list[tuple[int, int, str, Reason]] = []  # (urgency, destination rank, dest, reason)
    for rule in rules:
        found = sorted(f for f in rule.findings if answers.get(f) is True)
        if rule.safety_net:
            found += sorted(f for f in rule.unsure_findings if f in not_sure)
        reason = Reason(rule=rule.id, condition=None, findings=tuple(found), text=rule.reason)
        candidates.append((urgency(rule.level), DESTINATIONS.index(rule.destination),
                           rule.destination, reason))  # fmt: skip
    lead = ranked[0]
    for i in ranked:
        condition = kb.conditions[i]
        u = comp.urgency[i]
        is_lead = i == lead
        over = u <= 1 and probs[i] >= kb.thresholds[("emergency", "urgent")[u]]
        if not (is_lead or over):
            continue
        if is_lead:
            text = (
                f"Your answers fit {condition.name} best, "
                f"which {LEVEL_TEXT[condition.usual_triage]}."
            )
        else:
            text = (
                f"{condition.name} is possible (about {round(probs[i] * 100)} in 100), "
                f"and it {LEVEL_TEXT[condition.usual_triage]}."
            )
        why = supporting(state, answers, i, floor)
        reason = Reason(rule=None, condition=condition.slug, findings=why, text=text)
        candidates.append(
            (u, DESTINATIONS.index(condition.destination), condition.destination, reason)
        )
    level_rank = min(c[0] for c in candidates)
    at_level = sorted((c for c in candidates if c[0] == level_rank), key=lambda c: c[1])
    destination = at_level[0][2]
    first_rule = next((r for r in rules if urgency(r.level) == level_rank
                       and r.destination == destination), None)  # fmt: skip
    advice = first_rule.advice if first_rule else kb.advice.get(destination, "")
    return Triage(
        level=("emergency", "urgent", "appointment", "self_care")[level_rank],
        destination=destination,
        reasons=tuple(c[3] for c in at_level),
        advice=advice,
    )
