"""Scoring: each condition one-vs-rest, as log-odds.

Each condition's prior odds (share of people using the assessment, times age and sex
multipliers) are multiplied by the likelihood ratio of every answered finding. A
finding answered yes multiplies by given/other, no by (1-given)/(1-other); unknown and
not-sure findings change nothing. Findings in a cluster (correlated, such as the four
Ottawa items) have their combined log ratio capped. The list need not sum to 1: more
than one problem can be present.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from stride.core.assessment.model import KnowledgeBase, Likelihood, Rule, urgency


@dataclass(frozen=True)
class Compiled:
    """Lookup tables built once per knowledge base."""

    slugs: tuple[str, ...]
    index: dict[str, int]  # condition slug -> position
    urgency: tuple[int, ...]
    yes: dict[str, tuple[tuple[int, float], ...]]  # finding -> (condition index, log LR)
    no: dict[str, tuple[tuple[int, float], ...]]
    cluster_of: dict[str, int]
    cluster_cap: tuple[float, ...]
    p_yes_given: dict[str, tuple[float, ...]]  # finding -> P(yes | condition i)
    rule_findings: frozenset[str]
    dangerous: tuple[int, ...]  # emergency and urgent conditions
    listed_by: dict[str, frozenset[int]]  # finding -> conditions that list it themselves
    rules_with: dict[str, tuple[Rule, ...]]  # finding -> the (not safety-net) rules naming it


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
    levels = tuple(urgency(c.usual_triage) for c in kb.conditions)
    return Compiled(
        slugs=tuple(c.slug for c in kb.conditions),
        index={c.slug: i for i, c in enumerate(kb.conditions)},
        urgency=levels,
        yes={f: tuple(v) for f, v in yes.items()},
        no={f: tuple(v) for f, v in no.items()},
        cluster_of=cluster_of,
        cluster_cap=tuple(math.log(c.max_lr) for c in kb.clusters),
        p_yes_given={f: tuple(v) for f, v in p_yes.items()},
        rule_findings=kb.red_flag_findings,
        dangerous=tuple(i for i, u in enumerate(levels) if u <= 1),
        listed_by={
            f: frozenset(i for i, c in enumerate(kb.conditions) if f in c.findings)
            for f in kb.findings
        },
        rules_with={
            f: tuple(r for r in kb.rules if not r.safety_net and f in r.findings)
            for f in kb.red_flag_findings
        },
    )


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def entropy(p: float) -> float:
    if p <= 0 or p >= 1:
        return 0.0
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


class State:
    """Log-odds per condition for one person's answers, with cluster sums kept apart."""

    def __init__(self, kb: KnowledgeBase, comp: Compiled, age: int, sex: str) -> None:
        band = kb.band(age)
        self.comp = comp
        self.base = [
            logit(min(0.95, max(1e-6, c.share * c.age.get(band, 1.0) * c.sex.get(sex, 1.0))))
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

    def changes_if(self, current: list[float], finding: str, value: bool) -> dict[int, float]:
        """The log-odds that would change if ``finding`` were answered, by condition."""
        table = self.comp.yes if value else self.comp.no
        k = self.comp.cluster_of.get(finding)
        if k is None:
            return {i: current[i] + log_lr for i, log_lr in table.get(finding, ())}
        cap = self.comp.cluster_cap[k]
        out = {}
        for i, log_lr in table.get(finding, ()):
            before = self.clusters[i][k]
            shift = max(-cap, min(cap, before + log_lr)) - max(-cap, min(cap, before))
            out[i] = current[i] + shift
        return out

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


def order(probs: list[float], slugs: tuple[str, ...]) -> list[int]:
    return sorted(range(len(probs)), key=lambda i: (-probs[i], slugs[i]))
