"""Scoring, triage and the next question.

Each condition is scored one-vs-rest: its prior odds (share of people using the
assessment, times age and sex multipliers) times the likelihood ratio of every
answered finding. A finding answered yes multiplies by given/other, no by
(1-given)/(1-other); unknown and not-sure findings change nothing. Findings in a
cluster (correlated, such as the four Ottawa items) have their combined log ratio
capped. The list need not sum to 1: more than one problem can be present.

Triage is the most urgent of (a) every red-flag rule that fires, (b) the usual
triage of the leading condition, (c) the usual triage of any emergency or urgent
condition at or above its level's threshold.

The next question maximises the expected fall in summed binary entropy over the
conditions, among findings whose answer has at least ``stop_below`` chance of
changing the outcome (the leading condition, which dangerous conditions are in the top
three, or the triage). While a
dangerous condition is plausible, an unanswered red-flag question that could raise
the triage goes first. When no question qualifies, the answer is None.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from stride.core.assessment.model import (
    DESTINATIONS,
    KnowledgeBase,
    Likelihood,
    Ranked,
    Reason,
    Result,
    Rule,
    Triage,
    urgency,
)

MAX_LISTED = 8
MIN_LISTED = 5
EXPLAIN_LOG_LR = math.log(1.25)
EXPLAIN_MAX = 4
LEVEL_TEXT = {
    "emergency": "needs emergency care now",
    "urgent": "needs to be seen today",
    "appointment": "is worth booking an appointment for",
    "self_care": "can usually be looked after at home first",
}


@dataclass(frozen=True)
class Compiled:
    """Lookup tables built once per knowledge base."""

    slugs: tuple[str, ...]
    urgency: tuple[int, ...]
    yes: dict[str, tuple[tuple[int, float], ...]]  # finding -> (condition index, log LR)
    no: dict[str, tuple[tuple[int, float], ...]]
    cluster_of: dict[str, int]
    cluster_cap: tuple[float, ...]
    p_yes_given: dict[str, tuple[float, ...]]  # finding -> P(yes | condition i)
    rule_findings: frozenset[str]


@lru_cache(maxsize=8)
def compile_kb(kb: KnowledgeBase) -> Compiled:
    yes: dict[str, list[tuple[int, float]]] = {}
    no: dict[str, list[tuple[int, float]]] = {}
    p_yes: dict[str, list[float]] = {f: [kb.background.get(f, 0.05)] * len(kb.conditions)
                                     for f in kb.findings}  # fmt: skip
    for i, condition in enumerate(kb.conditions):
        findings = dict(condition.findings)
        for finding in kb.findings:
            # Pain somewhere a condition does not affect argues against it.
            if finding.startswith("loc.") and finding not in findings:
                findings[finding] = Likelihood(
                    given=kb.unlisted_location, other=kb.background.get(finding, 0.05)
                )
        for finding, lik in findings.items():
            yes.setdefault(finding, []).append((i, lik.log_lr_yes))
            no.setdefault(finding, []).append((i, lik.log_lr_no))
            p_yes.setdefault(finding, [kb.background.get(finding, 0.05)] * len(kb.conditions))
            p_yes[finding][i] = lik.given
    cluster_of = {f: k for k, c in enumerate(kb.clusters) for f in c.findings}
    return Compiled(
        slugs=tuple(c.slug for c in kb.conditions),
        urgency=tuple(urgency(c.usual_triage) for c in kb.conditions),
        yes={f: tuple(v) for f, v in yes.items()},
        no={f: tuple(v) for f, v in no.items()},
        cluster_of=cluster_of,
        cluster_cap=tuple(math.log(c.max_lr) for c in kb.clusters),
        p_yes_given={f: tuple(v) for f, v in p_yes.items()},
        rule_findings=kb.red_flag_findings,
    )


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def _entropy(p: float) -> float:
    if p <= 0 or p >= 1:
        return 0.0
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


class State:
    """Log-odds per condition for one person's answers, with cluster sums kept apart."""

    def __init__(self, kb: KnowledgeBase, comp: Compiled, age: int, sex: str) -> None:
        band = kb.band(age)
        self.comp = comp
        self.base = [
            _logit(min(0.95, max(1e-6, c.share * c.age.get(band, 1.0) * c.sex.get(sex, 1.0))))
            for c in kb.conditions
        ]
        self.free = [0.0] * len(kb.conditions)
        self.clusters = [[0.0] * len(kb.clusters) for _ in kb.conditions]
        self.contrib: list[dict[str, float]] = [{} for _ in kb.conditions]

    def answer(self, finding: str, value: bool) -> None:
        table = self.comp.yes if value else self.comp.no
        k = self.comp.cluster_of.get(finding)
        for i, log_lr in table.get(finding, ()):
            self.contrib[i][finding] = log_lr
            if k is None:
                self.free[i] += log_lr
            else:
                self.clusters[i][k] += log_lr

    def _capped(self, i: int) -> float:
        caps = self.comp.cluster_cap
        return sum(max(-caps[k], min(caps[k], s)) for k, s in enumerate(self.clusters[i]) if s)

    def log_odds(self) -> list[float]:
        return [self.base[i] + self.free[i] + self._capped(i) for i in range(len(self.base))]

    def log_odds_if(self, current: list[float], finding: str, value: bool) -> list[float]:
        table = self.comp.yes if value else self.comp.no
        out = list(current)
        k = self.comp.cluster_of.get(finding)
        caps = self.comp.cluster_cap
        for i, log_lr in table.get(finding, ()):
            if k is None:
                out[i] += log_lr
            else:
                before = self.clusters[i][k]
                cap = caps[k]
                out[i] += max(-cap, min(cap, before + log_lr)) - max(-cap, min(cap, before))
        return out


def fired_rules(kb: KnowledgeBase, age: int, answers: Mapping[str, bool]) -> list[Rule]:
    """Rules whose every group has a finding answered true (unknown never fires)."""
    true = {f for f, v in answers.items() if v is True}
    return [
        r
        for r in kb.rules
        if r.age_min <= age <= r.age_max and all(group & true for group in r.when)
    ]


def _order(probs: list[float], slugs: tuple[str, ...]) -> list[int]:
    return sorted(range(len(probs)), key=lambda i: (-probs[i], slugs[i]))


def _condition_level(kb: KnowledgeBase, comp: Compiled, probs: list[float], lead: int) -> int:
    level = comp.urgency[lead]
    for i, p in enumerate(probs):
        u = comp.urgency[i]
        if u < level and u <= 1 and p >= kb.thresholds[("emergency", "urgent")[u]]:
            level = u
    return level


def _outcome(
    kb: KnowledgeBase, comp: Compiled, log_odds: list[float], rule_level: int
) -> tuple[int, frozenset[int], int]:
    probs = [_sigmoid(x) for x in log_odds]
    order = _order(probs, comp.slugs)
    level = min(rule_level, _condition_level(kb, comp, probs, order[0]))
    material = frozenset(i for i in order[:3] if probs[i] >= kb.material and comp.urgency[i] <= 1)
    return order[0], material, level


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
    log_odds = state.log_odds()
    probs = [_sigmoid(x) for x in log_odds]
    order = _order(probs, comp.slugs)
    rules = fired_rules(kb, age, answers)
    triage = _triage(kb, comp, probs, order, rules, answers, state)
    ranked = tuple(
        _ranked(kb, state, probs, i) for i in order[: max(MIN_LISTED, _listed(probs, order))]
    )
    question = next_question(kb, comp, state, log_odds, age, answers, set(not_sure), rules)
    return Result(triage=triage, conditions=ranked, next_question=question,
                  knowledge_version=kb.version)  # fmt: skip


def _listed(probs: list[float], order: list[int]) -> int:
    return min(MAX_LISTED, sum(1 for i in order if probs[i] >= 0.01))


def _ranked(kb: KnowledgeBase, state: State, probs: list[float], i: int) -> Ranked:
    condition = kb.conditions[i]
    items = sorted(state.contrib[i].items(), key=lambda kv: (-kv[1], kv[0]))
    supporting = tuple(f for f, v in items if v > EXPLAIN_LOG_LR)[:EXPLAIN_MAX]
    against = tuple(f for f, v in reversed(items) if v < -EXPLAIN_LOG_LR)[:EXPLAIN_MAX]
    return Ranked(
        slug=condition.slug,
        name=condition.name,
        probability=round(probs[i], 4),
        supporting=supporting,
        against=against,
        usual_triage=condition.usual_triage,
    )


def _triage(
    kb: KnowledgeBase,
    comp: Compiled,
    probs: list[float],
    order: list[int],
    rules: list[Rule],
    answers: Mapping[str, bool],
    state: State,
) -> Triage:
    candidates: list[tuple[int, int, str, Reason]] = []  # (urgency, destination rank, dest, reason)
    for rule in rules:
        found = tuple(sorted(f for f in rule.findings if answers.get(f) is True))
        reason = Reason(rule=rule.id, condition=None, findings=found, text=rule.reason)
        candidates.append((urgency(rule.level), DESTINATIONS.index(rule.destination),
                           rule.destination, reason))  # fmt: skip
    lead = order[0]
    for i in order:
        condition = kb.conditions[i]
        u = comp.urgency[i]
        is_lead = i == lead
        over = u <= 1 and probs[i] >= kb.thresholds[("emergency", "urgent")[u]]
        if not (is_lead or over):
            continue
        supporting = tuple(f for f, v in sorted(state.contrib[i].items(), key=lambda kv: -kv[1])
                           if v > EXPLAIN_LOG_LR)[:EXPLAIN_MAX]  # fmt: skip
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
        reason = Reason(rule=None, condition=condition.slug, findings=supporting, text=text)
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


def _red_flag_questions(
    kb: KnowledgeBase, comp: Compiled, probs: list[float], true: set[str], age: int
) -> frozenset[str]:
    """Red-flag findings worth asking now: those that point to a dangerous condition
    that is plausible, and those that would complete a rule already half met."""
    wanted: set[str] = set()
    strong = math.log(2)
    for i, p in enumerate(probs):
        if p >= kb.plausible and comp.urgency[i] <= 1:
            wanted.update(
                f for f, pairs in comp.yes.items() if f in comp.rule_findings
                for j, lr in pairs if j == i and lr >= strong
            )  # fmt: skip
    for rule in kb.rules:
        if not rule.age_min <= age <= rule.age_max:
            continue
        missing = [g for g in rule.when if not g & true]
        if len(missing) == 1 and len(rule.when) > 1:
            wanted.update(missing[0])
    return frozenset(wanted)


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
    for finding in kb.screening:
        if finding not in answers and finding not in not_sure:
            return finding
    probs = [_sigmoid(x) for x in log_odds]
    # Only the conditions still in contention steer the questions: those at least a
    # fraction of the leader's probability (red flags have their own priority).
    cutoff = max(kb.contention_floor, kb.contention_ratio * max(probs))
    contenders = [i for i, p in enumerate(probs) if p >= cutoff]
    total = sum(probs[i] for i in contenders) or 1.0
    weights = [probs[i] / total if probs[i] >= cutoff else 0.0 for i in range(len(probs))]
    entropy_now = sum(_entropy(probs[i]) for i in contenders)
    rule_level = min((urgency(r.level) for r in rules), default=3)
    outcome_now = _outcome(kb, comp, log_odds, rule_level)
    true = {f for f, v in answers.items() if v is True}
    urgent_questions = _red_flag_questions(kb, comp, probs, true, age)

    # Each question costs the person time: the more they have answered, the more a
    # further question must be likely to change the outcome to be worth asking.
    bar = kb.stop_below + kb.stop_step * (len(answers) + len(not_sure))
    best: tuple[float, float, str] | None = None  # (priority, gain, finding), highest wins
    # The person said where it hurts on the first screen: other places are not asked.
    located = any(f.startswith("loc.") and v for f, v in answers.items())
    for finding in kb.findings:
        if finding in answers or finding in not_sure:
            continue
        if located and finding.startswith("loc.") and finding not in comp.rule_findings:
            continue
        listed = finding in comp.yes
        in_rule = finding in comp.rule_findings
        if not listed and not in_rule:
            continue
        given = comp.p_yes_given[finding]
        p_yes = min(0.99, max(0.01, sum(w * g for w, g in zip(weights, given, strict=True))))
        after_yes = state.log_odds_if(log_odds, finding, True)
        after_no = state.log_odds_if(log_odds, finding, False)
        yes_rule_level = rule_level
        if in_rule:
            yes_rule_level = min(
                [rule_level]
                + [urgency(r.level) for r in kb.rules
                   if finding in r.findings and r.age_min <= age <= r.age_max
                   and all(g & (true | {finding}) for g in r.when)]
            )  # fmt: skip
        outcome_yes = _outcome(kb, comp, after_yes, yes_rule_level)
        outcome_no = _outcome(kb, comp, after_no, rule_level)
        change = p_yes * (outcome_yes != outcome_now) + (1 - p_yes) * (outcome_no != outcome_now)
        gain = entropy_now - (
            p_yes * sum(_entropy(_sigmoid(after_yes[i])) for i in contenders)
            + (1 - p_yes) * sum(_entropy(_sigmoid(after_no[i])) for i in contenders)
        )
        raises_triage = outcome_yes[2] < outcome_now[2]
        if finding in urgent_questions and raises_triage and p_yes >= kb.red_flag_bar:
            priority = 2.0
        elif change >= bar:
            priority = 1.0
        else:
            continue
        key = (priority, gain, finding)
        if best is None or (key[0], key[1]) > (best[0], best[1]):
            best = key
    return best[2] if best else None
