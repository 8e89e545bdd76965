"""The engine's data types: knowledge in, result out. Plain frozen dataclasses."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

# Most urgent first.
LEVELS = ("emergency", "urgent", "appointment", "self_care")
DESTINATIONS = (
    "999", "a_and_e", "urgent_care", "gp_today", "gp_soon", "podiatry", "pharmacist", "self_care",
)  # fmt: skip
DEFAULT_DESTINATION = {
    "emergency": "a_and_e",
    "urgent": "gp_today",
    "appointment": "podiatry",
    "self_care": "self_care",
}
CLAMP = (0.01, 0.99)


def clamp(p: float) -> float:
    return min(CLAMP[1], max(CLAMP[0], p))


def urgency(level: str) -> int:
    """0 is the most urgent."""
    return LEVELS.index(level)


@dataclass(frozen=True)
class Likelihood:
    """P(finding present | condition) and P(finding present | another problem)."""

    given: float
    other: float

    @property
    def log_lr_yes(self) -> float:
        return math.log(clamp(self.given) / clamp(self.other))

    @property
    def log_lr_no(self) -> float:
        return math.log((1 - clamp(self.given)) / (1 - clamp(self.other)))


@dataclass(frozen=True)
class ConditionModel:
    slug: str
    name: str
    usual_triage: str
    destination: str
    share: float
    age: dict[str, float]
    sex: dict[str, float]
    findings: dict[str, Likelihood]


@dataclass(frozen=True)
class Cluster:
    """Correlated findings: their summed log likelihood ratio is capped at log(max_lr)."""

    id: str
    findings: frozenset[str]
    max_lr: float


@dataclass(frozen=True)
class Rule:
    """A red flag: fires when every group has a finding answered true.

    A safety-net rule also needs every group of ``unsure`` to have a finding the person
    was not sure about, and, when ``if_plausible`` names a condition, that condition at
    least ``plausible_at`` likely: it covers a danger the answers could not exclude.
    """

    id: str
    level: str
    destination: str
    when: tuple[frozenset[str], ...]
    reason: str
    advice: str
    age_min: int = 0
    age_max: int = 200
    condition: str | None = None  # the condition this rule points to, shown first
    safety_net: bool = False
    unsure: tuple[frozenset[str], ...] = ()
    if_plausible: str | None = None  # condition slug
    plausible_at: float | None = None  # default: the knowledge base's `plausible`
    regions: frozenset[str] = frozenset()  # where its picture arises (default: its condition's)

    @cached_property
    def findings(self) -> frozenset[str]:
        return frozenset().union(*self.when)

    @cached_property
    def unsure_findings(self) -> frozenset[str]:
        return frozenset().union(*self.unsure)

    def applies_to(self, age: int) -> bool:
        return self.age_min <= age <= self.age_max


@dataclass(frozen=True)
class Pathway:
    """The questions a clinician asks first for a complaint, before the search.

    It applies when one of ``located`` is answered true (empty: every complaint), the
    age is in range and every group of ``when`` has a finding answered true; its
    questions are asked in order, skipping any answered or not sure.
    """

    id: str
    ask: tuple[str, ...]
    located: frozenset[str] = frozenset()
    when: tuple[frozenset[str], ...] = ()
    unless: frozenset[str] = frozenset()  # off once any of these is answered true
    unless_no: frozenset[str] = frozenset()  # off once any of these is answered false
    after_no: frozenset[str] = frozenset()  # on only once one of these is answered no
    first_yes: bool = False  # one choice among several: off once one is answered true
    age_min: int = 0
    age_max: int = 200

    def applies(self, age: int, answers: Mapping[str, bool]) -> bool:
        true = {f for f, v in answers.items() if v is True}
        return (
            self.age_min <= age <= self.age_max
            and (not self.located or bool(self.located & true))
            and all(group & true for group in self.when)
            and not self.unless & true
            and not any(answers.get(f) is False for f in self.unless_no)
            and (not self.after_no or any(answers.get(f) is False for f in self.after_no))
            and not (self.first_yes and any(answers.get(f) is True for f in self.ask))
        )


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: it is cached
class KnowledgeBase:
    version: str
    findings: tuple[str, ...]
    age_bands: dict[str, tuple[int, int]]
    thresholds: dict[str, float]
    background: dict[str, float]
    clusters: tuple[Cluster, ...]
    conditions: tuple[ConditionModel, ...]
    rules: tuple[Rule, ...]
    advice: dict[str, str] = field(default_factory=dict)  # destination -> plain advice
    screening: tuple[str, ...] = ()  # asked first in every assessment, in this order
    pathways: tuple[Pathway, ...] = ()  # then the complaint's own first questions
    rechecks: dict[str, str] = field(default_factory=dict)  # red flag -> its second asking
    red_flag_bar: float = 0.0  # ... if a yes is at least this likely
    plausible: float = 0.02  # a dangerous condition this probable keeps red flags first
    # A dangerous condition at least this probable keeps the questions going while one
    # could bring it below (per level; a level not given uses its triage threshold).
    exclude_below: dict[str, float] = field(default_factory=dict)
    stop_below: float = 0.05  # stop asking when no answer is this likely to change the outcome
    stop_step: float = 0.01  # ... plus this much for every question already answered
    leader_margin: float = 1.25  # a new leader must be this many times as likely to count
    material: float = 0.2  # a condition this probable counts among "the top conditions"
    contention_ratio: float = 0.2  # conditions this close to the leader steer the questions
    contention_floor: float = 0.02
    unlisted_location: float = 0.03  # P(pain at a loc.* a condition does not list | condition)

    def band(self, age: int) -> str:
        for name, (low, high) in self.age_bands.items():
            if low <= age <= high:
                return name
        raise ValueError(f"age {age} is in no age band")

    @property
    def red_flag_findings(self) -> frozenset[str]:
        return frozenset().union(*(r.findings for r in self.rules))


@dataclass(frozen=True)
class Reason:
    rule: str | None
    condition: str | None
    findings: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Triage:
    level: str
    destination: str
    reasons: tuple[Reason, ...]
    advice: str


@dataclass(frozen=True)
class Ranked:
    slug: str
    name: str
    probability: float
    supporting: tuple[str, ...]
    against: tuple[str, ...]
    usual_triage: str


@dataclass(frozen=True)
class Result:
    triage: Triage
    conditions: tuple[Ranked, ...]
    next_question: str | None
    knowledge_version: str
