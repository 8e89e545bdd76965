"""Choosing the next question.

In this order:

1. **Safety nets.** A red flag the person was not sure about, in a person who may be at
   high risk (a safety-net rule's condition is still plausible): first the questions
   that tell whether they are at risk (the rule's ``when``), then the red flag asked a
   second, more concrete way (the rule's ``unsure`` groups), since a finding in
   ``not_sure`` is never asked again.
2. **Screening**: the few questions asked of everyone, in order.
3. **Pathways**: the questions a clinician asks first for this complaint (where it
   hurts, age, what has been said so far), in order, skipping a question whose answer
   can no longer matter (``_Moot``): neither answer would change the triage or the three
   leading conditions, no rule it is part of could still raise the triage, it is no
   strong sign of a dangerous condition that could, and no pathway waits on it. Once
   an emergency rule has fired nothing can raise the triage, so only a new leading
   condition counts.
4. **The search**, over every finding not yet answered or in ``not_sure``:

   - a red-flag question that could raise the triage, while a dangerous condition it
     points to is plausible, or that would complete a rule already half met; first the
     one whose "no" would most lower the dangers still plausible, so that one answer
     can exclude several;
   - then a question that could bring an emergency or urgent condition still at or
     above its exclusion threshold below it: the session never ends while such a danger
     could still be ruled out;
   - then the question with the largest expected fall in summed binary entropy over
     the conditions in contention, among those with at least a ``stop_below`` chance
     (plus ``stop_step`` for each answer given; "not sure" adds nothing) of changing the
     outcome (``_change``): the triage level or where it sends the person; which
     dangerous conditions not already covered by a fired rule are among the three
     leading conditions; and, counted by how likely it is, a condition newly among
     the three leading ones (at least ``leader_margin`` times as likely as the one it
     displaces). A new leader alone, at the same advice, is not a change worth a
     question.

   When no question qualifies, the answer is None.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from stride.core.assessment.model import DESTINATIONS, KnowledgeBase, Rule, urgency
from stride.core.assessment.rules import condition_level, fired_rules, plausible
from stride.core.assessment.scoring import Compiled, State, compile_kb, entropy, order, sigmoid

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
    moot = _Moot(kb, comp, state, log_odds, probs, age, answers, not_sure, rules)
    question = scripted_question(kb, comp, probs, age, answers, not_sure, moot)
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
    moot: Callable[[str], bool] | None = None,
) -> str | None:
    """The next question set by knowledge (safety nets, screening, pathways), if any:
    None means the search chooses. A pathway question ``moot`` says can no longer
    matter is passed over (it stays open: it may be asked later if it comes to matter)."""
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
                if finding not in asked and not (moot is not None and moot(finding)):
                    return finding
    return None


def moot_test(
    kb: KnowledgeBase,
    *,
    age: int,
    sex: str = "unspecified",
    answers: Mapping[str, bool],
    not_sure: Iterable[str] = (),
) -> Callable[[str], bool]:
    """Whether a pathway question can no longer matter for these answers, as the next
    question's choice decides it (for estimates such as the progress bar)."""
    comp = compile_kb(kb)
    state = State(kb, comp, age, sex)
    for finding in sorted(answers):
        state.answer(finding, answers[finding])
    unsure = set(not_sure) - set(answers)
    log_odds = state.log_odds()
    probs = [sigmoid(x) for x in log_odds]
    rules = fired_rules(kb, age, answers, unsure, dict(zip(comp.slugs, probs, strict=True)))
    return _Moot(kb, comp, state, log_odds, probs, age, answers, unsure, rules)


@lru_cache(maxsize=8)
def _gates(kb: KnowledgeBase) -> frozenset[str]:
    """The findings a pathway waits on (its ``when``, ``after_no``, ``unless`` or
    ``unless_no``): their answers decide which questions come next."""
    out: set[str] = set()
    for pathway in kb.pathways:
        out.update(*pathway.when)
        out |= pathway.after_no | pathway.unless | pathway.unless_no
    return frozenset(out)


class _Moot:
    """Whether a pathway question's answer can no longer matter, given the explicit
    answers so far (for example, once an emergency rule has fired, or once an injury
    rule has set the triage, the rest of a checklist changes nothing).

    A question matters when any of these holds:

    - a rule more urgent than the floor set by the fired rules (safety nets aside; more
      urgent: a higher level, or the same level and a more urgent destination, such as
      999 rather than A&E) names it and could still fire (each of its other groups has
      a yes or an open question); or a yes is a strong sign (likelihood ratio at least
      2) of a dangerous condition more urgent than that floor that is still plausible;
    - the floor is below emergency and a pathway waits on the question;
    - a yes, or a no, would change the triage level or the three leading conditions
      (once an emergency rule has fired: the leading condition).

    "Not sure" changes nothing here: only explicit answers make a question moot.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        comp: Compiled,
        state: State,
        log_odds: list[float],
        probs: list[float],
        age: int,
        answers: Mapping[str, bool],
        not_sure: set[str],
        rules: list[Rule],
    ) -> None:
        self.kb, self.comp, self.state, self.log_odds = kb, comp, state, log_odds
        self.probs, self.age, self.answers, self.not_sure = probs, age, answers, not_sure
        self.true = {f for f, v in answers.items() if v is True}
        # Safety-net rules can stop firing as answers change: they set no floor here.
        self.floor = min(
            ((urgency(r.level), DESTINATIONS.index(r.destination)) for r in rules
             if not r.safety_net),
            default=(3, len(DESTINATIONS)),
        )  # fmt: skip
        self.rule_level = min((urgency(r.level) for r in rules), default=3)
        self.destination = [DESTINATIONS.index(c.destination) for c in kb.conditions]
        self._now: tuple[int, frozenset[int]] | None = None

    def _outcome(self, probs: list[float], rule_level: int) -> tuple[int, frozenset[int]]:
        ranked = order(probs, self.comp.slugs)
        level = min(rule_level, condition_level(self.kb, self.comp, probs, ranked[0]))
        # Once an emergency rule has fired, only a new leading condition counts.
        return level, frozenset(ranked[: 1 if self.floor[0] == 0 else 3])

    def _open(self, group: frozenset[str]) -> bool:
        return any(f in self.true or (f not in self.answers and f not in self.not_sure)
                   for f in group)  # fmt: skip

    def __call__(self, finding: str) -> bool:
        kb, comp = self.kb, self.comp
        if self.floor[0] > 0 and finding in _gates(kb):
            return False
        for rule in kb.rules:
            if (
                finding in rule.findings
                and (urgency(rule.level), DESTINATIONS.index(rule.destination)) < self.floor
                and rule.applies_to(self.age)
                and all(map(self._open, rule.when))
            ):
                return False
        for i, log_lr in comp.yes.get(finding, ()):
            if (
                comp.urgency[i] <= 1
                and (comp.urgency[i], self.destination[i]) < self.floor
                and log_lr >= STRONG_LOG_LR
                and self.probs[i] >= kb.plausible
            ):
                return False
        if self._now is None:
            self._now = self._outcome(self.probs, self.rule_level)
        with_it = self.true | {finding}
        yes_level = min(
            [self.rule_level]
            + [urgency(r.level) for r in kb.rules
               if not r.safety_net and finding in r.findings and r.applies_to(self.age)
               and all(g & with_it for g in r.when)]
        )  # fmt: skip
        for value, rule_level in ((True, yes_level), (False, self.rule_level)):
            probs = [sigmoid(x) for x in self.state.log_odds_if(self.log_odds, finding, value)]
            if self._outcome(probs, rule_level) != self._now:
                return False
        return True


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
        self.destination = [DESTINATIONS.index(c.destination) for c in kb.conditions]
        self.top3 = frozenset(self.order[:3])
        self.outcome = self.with_changes({}, rule_level, None)

    def with_changes(
        self, changed: Mapping[int, float], rule_level: int, leader: int | None
    ) -> Outcome:
        """(leader, dangers among the three leading conditions not covered by a fired
        rule, triage level, the three leading conditions, where a condition sends the
        person when the triage is a condition's: -1 when a rule sets it)."""
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
        # A danger a fired rule already covers at its level changes no advice.
        material = frozenset(
            i
            for i in ranked[:3]
            if comp.urgency[i] < min(2, self.rule_level)
            and new.get(i, probs[i]) >= self.kb.material
        )
        # Below urgent, where the advice sends the person (a pharmacist, a podiatrist, a
        # GP within days, self-care) is the leading condition's, unless a rule sets it.
        destination = -1
        if level >= 2 and comp.urgency[lead] == level and (level < rule_level or rule_level == 3):
            destination = self.destination[lead]
        # A newcomer among the three leading conditions counts only when it is clearly
        # ahead of the one it displaces (as a new leader must be): a near tie for third
        # place is no change.
        top3 = frozenset(ranked[:3])
        if top3 != self.top3:
            entering = max(new.get(i, probs[i]) for i in top3 - self.top3)
            leaving = min(new.get(i, probs[i]) for i in self.top3 - top3)
            if entering < self.kb.leader_margin * leaving:
                top3 = self.top3
        return lead, material, level, top3, destination


Outcome = tuple[int, frozenset[int], int, frozenset[int], int]


def _change(outcome: Outcome, now: Outcome, weight: Mapping[int, float]) -> float:
    """How much an outcome differs from the present one: 1 for other advice (the
    triage level, or where it sends the person), or for a change in which uncovered
    dangers are among the three leading conditions; a condition newly among the three
    leading ones counts by its share of the conditions in contention; a new leader
    alone counts for nothing."""
    if (
        outcome[2] != now[2]
        or outcome[4] != now[4]
        or (outcome[1] != now[1] and outcome[3] != now[3])
    ):
        return 1.0
    return sum(weight.get(i, 0.0) for i in outcome[3] - now[3])


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
        change = p_yes * _change(outcome_yes, outcome_now, weight) + (1 - p_yes) * _change(
            outcome_no, outcome_now, weight
        )
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
            # Red flags first whose "no" would most lower the dangers still plausible:
            # one answer can then exclude several.
            lowered = sum(
                probs[i] - no.get(i, probs[i])
                for i in comp.dangerous
                if comp.urgency[i] < rule_level and probs[i] >= kb.plausible
            )
            key = (2.0, (1 - p_yes) * lowered, gain, finding)
        elif excludes > 0:
            key = (1.5, excludes, gain, finding)
        elif change >= bar:
            key = (1.0, 0.0, gain, finding)
        else:
            continue
        if best is None or key[:3] > best[:3]:
            best = key
    return best[3] if best else None
