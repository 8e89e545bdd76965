"""The self-assessment engine: pure Python, deterministic, no Django, no clock, no I/O.

``assess(kb, age=..., sex=..., answers=..., not_sure=...)`` ranks conditions with a
one-vs-rest Bayesian model whose numbers are data (``stride/knowledge/assessment/``),
applies red-flag rules, sets the triage, and picks the next question.
"""

from stride.core.assessment.engine import assess
from stride.core.assessment.model import (
    LEVELS,
    Cluster,
    ConditionModel,
    KnowledgeBase,
    Likelihood,
    Result,
    Rule,
)

__all__ = [
    "LEVELS",
    "Cluster",
    "ConditionModel",
    "KnowledgeBase",
    "Likelihood",
    "Result",
    "Rule",
    "assess",
]
