"""Choosing the next question.

In this order:

1. **Safety nets.** A red flag the person was not sure about, in a person who may be at
   high risk (a safety-net rule's condition is still plausible): first the questions
   that tell whether they are at risk (the rule's ``when``), then the red flag asked a
   second, more concrete way (the rule's ``unsure`` groups), since a finding in
   ``not_sure`` is never asked again.
2. **Screening**: the few questions asked of everyone, in order.
3. **Pathways**: the questions a clinician asks first for this complaint (where it
   hurts, age, what has been said so far), in order.
4. **The search**, over every finding not yet answered or in ``not_sure``:

   - a red-flag question that could raise the triage, while a dangerous condition it
     points to is plausible, or that would complete a rule already half met;
   - then a question that could bring an emergency or urgent condition still at or
     above its exclusion threshold below it: the session never ends while such a danger
     could still be ruled out;
   - then the question with the largest expected fall in summed binary entropy over
     the conditions in contention, among those with at least a ``stop_below`` chance
     (plus ``stop_step`` for each answer given; "not sure" adds nothing) of changing the
     outcome: the leading condition, which dangerous conditions are in the top three,
     or the triage.

   When no question qualifies, the answer is None.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from stride.core.assessment.model import KnowledgeBase, Rule, urgency
from stride.core.assessment.rules import plausible
from stride.core.assessment.scoring import Compiled, State, entropy, order, sigmoid

STRONG_LOG_LR = math.log(2)


def _first_open(group: frozenset[str], asked: set[str], later: set[str]) -> str | None:
    """The first finding of a group not yet asked; a second asking comes last."""
    return next((f for f in sorted(group, key=lambda f: (f in later, f)) if f not in asked), None)


def safety_net_question(
    kb: KnowledgeBase,
    probability: Mapping[str, float],
    age: int,
    answers: Mapping[str, bool],
    not_sure: set[str],
) -> str | None:
    """The next question a safety-net rule needs before it can fire, if any."""
    true = {f for f, v in answers.items() if v is True}
    asked = set(answers) | not_sure
    for rule in kb.rules:
        if not (rule.safety_net and rule.applies_to(age) and rule.unsure):
            continue
        if not rule.unsure[0] & not_sure or not plausible(kb, rule, probability):
            continue
        question = _open_question(rule, true, asked, not_sure, set(kb.rechecks.values()))
        if question is not None:
            return question
    return None


def _open_question(
    rule: Rule, true: set[str], asked: set[str], not_sure: set[str], later: set[str]
) -> str | None:
    for group in rule.when:
        if group & true:
            continue
        if group & not_sure:
            return None  # the person is not sure of the risk itself: this rule cannot fire
        question = _first_open(group - later, asked, later)
        if question is None:
            return None  # this rule can no longer fire
        return question
    for group in rule.unsure[1:]:
        if group & not_sure:
            continue
        question = _first_open(group, asked, later)
        if question is None:
            return None
        return question
    return None


def _red_flag_questions(
    kb: KnowledgeBase, comp: Compiled, probs: list[float], true: set[str], age: int
) -> frozenset[str]:
    """Red-flag findings worth asking now: those that point to a dangerous condition
    that is plausible, and those that would complete a rule already half met."""
    wanted: set[str] = set()
    for i in comp.dangerous:
        if probs[i] >= kb.plausible:
            wanted.update(
                f for f, pairs in comp.yes.items() if f in comp.rule_findings
                for j, lr in pairs if j == i and lr >= STRONG_LOG_LR
            )  # fmt: skip
    for rule in kb.rules:
        if rule.safety_net or not rule.applies_to(age):
            continue
        missing = [g for g in rule.when if not g & true]
        if len(missing) == 1 and len(rule.when) > 1:
            wanted.update(missing[0])
    return frozenset(wanted)


def _exclusion(kb: KnowledgeBase, level: int) -> float:
    name = ("emergency", "urgent")[level]
    return kb.exclude_below.get(name, kb.thresholds[name])


def next_question(
    kb: KnowledgeBase,
    comp: Compiled,
    state: State,
    log_odds: list[float],
    age: int,
    answers: Mapping[str, bool],
    not_sure: set[str],
    rules: list[Rule],
) -> str | None:
    probs = [sigmoid(x) for x in log_odds]
    question = scripted_question(kb, comp, probs, age, answers, not_sure)
    if question is not None:
        return question
    true = {f for f, v in answers.items() if v is True}
    return _search(kb, comp, state, log_odds, probs, age, answers, not_sure, rules, true)


def scripted_question(
    kb: KnowledgeBase,
    comp: Compiled,
    probs: list[float],
    age: int,
    answers: Mapping[str, bool],
    not_sure: set[str],
) -> str | None:
    """The next question set by knowledge (safety nets, screening, pathways), if any:
    None means the search chooses."""
    probability = dict(zip(comp.slugs, probs, strict=True))
    question = safety_net_question(kb, probability, age, answers, not_sure)
    if question is not None:
        return question
    asked = set(answers) | not_sure
    for finding in kb.screening:
        if finding not in asked:
            return finding
    for pathway in kb.pathways:
        if pathway.applies(age, answers):
            for finding in pathway.ask:
                if finding not in asked:
                    return finding
    return None


class _Now:
    """The present outcome, and what an answer would make of it, computed from the few
    conditions the answer changes (the search asks this of every open finding)."""

    def __init__(
        self, kb: KnowledgeBase, comp: Compiled, probs: list[float], rule_level: int
    ) -> None:
        self.kb, self.comp, self.probs, self.rule_level = kb, comp, probs, rule_level
        self.order = order(probs, comp.slugs)
        self.thresholds = [
            kb.thresholds[("emergency", "urgent")[comp.urgency[i]]] if comp.urgency[i] <= 1 else 2.0
            for i in range(len(probs))
        ]
        self.over = frozenset(i for i in comp.dangerous if probs[i] >= self.thresholds[i])
        self.outcome = self.with_changes({}, rule_level, None)

    def with_changes(
        self, changed: Mapping[int, float], rule_level: int, leader: int | None
    ) -> tuple[int, frozenset[int], int]:
        probs, comp = self.probs, self.comp
        new = dict(changed)
        top: list[int] = []
        for i in self.order:
            if i not in new:
                top.append(i)
                if len(top) == 3:
                    break
        floor = probs[top[-1]] if len(top) == 3 else 0.0
        ranked = sorted(
            [*top, *(i for i, v in new.items() if v >= floor)],
            key=lambda i: (-new.get(i, probs[i]), comp.slugs[i]),
        )
        lead = ranked[0]
        if leader is not None and new.get(leader, probs[leader]) * self.kb.leader_margin >= new.get(
            lead, probs[lead]
        ):
            lead = leader
        level = min(rule_level, comp.urgency[lead])
        for i in self.over:
            if i not in new:
                level = min(level, comp.urgency[i])
        thresholds = self.thresholds
        for i, value in new.items():
            if value >= thresholds[i]:
                level = min(level, comp.urgency[i])
        material = frozenset(
            i
            for i in ranked[:3]
            if comp.urgency[i] <= 1 and new.get(i, probs[i]) >= self.kb.material
        )
        return lead, material, level


def _search(
    kb: KnowledgeBase,
    comp: Compiled,
    state: State,
    log_odds: list[float],
    probs: list[float],
    age: int,
    answers: Mapping[str, bool],
    not_sure: set[str],
    rules: list[Rule],
    true: set[str],
) -> str | None:
    # Only the conditions still in contention steer the questions: those at least a
    # fraction of the leader's probability (red flags have their own priority).
    cutoff = max(kb.contention_floor, kb.contention_ratio * max(probs))
    contenders = [i for i, p in enumerate(probs) if p >= cutoff]
    total = sum(probs[i] for i in contenders) or 1.0
    weight = {i: probs[i] / total for i in contenders}
    entropy_of = {i: entropy(probs[i]) for i in contenders}
    rule_level = min((urgency(r.level) for r in rules), default=3)
    now = _Now(kb, comp, probs, rule_level)
    outcome_now = now.outcome
    urgent_questions = _red_flag_questions(kb, comp, probs, true, age)
    # Dangers not yet excluded: the session goes on while a question could exclude one.
    # A danger a red-flag rule already covers (a rule at its level or more urgent) needs
    # no excluding: no answer can take that advice back.
    dangers = {i: _exclusion(kb, comp.urgency[i]) for i in comp.dangerous
               if comp.urgency[i] < rule_level
               and probs[i] >= _exclusion(kb, comp.urgency[i])}  # fmt: skip

    # Each question costs the person time: the more they have answered, the more a
    # further question must be likely to change the outcome to be worth asking.
    # "Not sure" never raises the bar: it must not make a session shorter.
    bar = kb.stop_below + kb.stop_step * len(answers)
    best: tuple[float, float, float, str] | None = None  # highest wins
    # The person said where it hurts on the first screen: other places are not asked.
    located = any(f.startswith("loc.") and v for f, v in answers.items())
    # A second asking of a red flag is for a person not sure of the first, and only
    # through its safety net.
    rechecks = set(kb.rechecks.values())
    # A finding no condition that matters lists (one in contention, or a plausible
    # danger) and no rule names cannot change the outcome enough to be asked.
    steering = frozenset(contenders) | {i for i in comp.dangerous if probs[i] >= kb.plausible}
    for finding in kb.findings:
        if finding in answers or finding in not_sure or finding in rechecks:
            continue
        if located and finding.startswith("loc."):
            continue
        in_rule = finding in comp.rule_findings
        if not in_rule and (finding not in comp.yes or not comp.listed_by[finding] & steering):
            continue
        given = comp.p_yes_given[finding]
        p_yes = min(0.99, max(0.01, sum(w * given[i] for i, w in weight.items())))
        yes = {i: sigmoid(x) for i, x in state.changes_if(log_odds, finding, True).items()}
        no = {i: sigmoid(x) for i, x in state.changes_if(log_odds, finding, False).items()}
        yes_rule_level = rule_level
        if in_rule:
            with_it = true | {finding}
            yes_rule_level = min(
                [rule_level]
                + [urgency(r.level) for r in comp.rules_with.get(finding, ())
                   if r.applies_to(age) and all(g & with_it for g in r.when)]
            )  # fmt: skip
        outcome_yes = now.with_changes(yes, yes_rule_level, outcome_now[0])
        outcome_no = now.with_changes(no, rule_level, outcome_now[0])
        change = p_yes * (outcome_yes != outcome_now) + (1 - p_yes) * (outcome_no != outcome_now)
        gain = -(
            p_yes * sum(entropy(v) - entropy_of[i] for i, v in yes.items() if i in entropy_of)
            + (1 - p_yes)
            * sum(entropy(v) - entropy_of[i] for i, v in no.items() if i in entropy_of)
        )
        excludes = 0.0
        for i, below in dangers.items():
            if no.get(i, 1.0) < below:
                excludes = max(excludes, 1 - p_yes)
            if yes.get(i, 1.0) < below:
                excludes = max(excludes, p_yes)
        raises_triage = outcome_yes[2] < outcome_now[2]
        if finding in urgent_questions and raises_triage and p_yes >= kb.red_flag_bar:
            key = (2.0, 0.0, gain, finding)
        elif excludes > 0:
            key = (1.5, excludes, gain, finding)
        elif change >= bar:
            key = (1.0, 0.0, gain, finding)
        else:
            continue
        if best is None or key[:3] > best[:3]:
            best = key
    return best[3] if best else None
