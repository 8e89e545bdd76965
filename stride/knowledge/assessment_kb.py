"""Load the self-assessment knowledge (YAML in ``assessment/``) into the engine's types."""

from __future__ import annotations

from functools import cache
from typing import Any

from stride.core.assessment.model import (
    DEFAULT_DESTINATION,
    Cluster,
    ConditionModel,
    KnowledgeBase,
    Likelihood,
    Rule,
    clamp,
)
from stride.knowledge import ROOT, _yaml, conditions

FOLDER = "assessment"


def finding_ids() -> tuple[str, ...]:
    return tuple(f["id"] for f in _yaml("findings.yaml")["findings"])


@cache
def wording() -> dict[str, dict[str, str]]:
    return dict(_yaml(f"{FOLDER}/wording.yaml")["findings"])


def build(
    model: dict[str, Any], rules: dict[str, Any], destinations: dict[str, Any]
) -> KnowledgeBase:
    vocabulary = conditions()
    findings = finding_ids()
    background = {f: clamp(float(v["p"])) for f, v in model["background"].items()}
    models = []
    for slug, entry in vocabulary.items():
        spec = model["conditions"][slug]
        level = entry["triage"]
        destination = destinations["conditions"].get(
            slug,
            entry.get("destination")
            or destinations["defaults"].get(level, DEFAULT_DESTINATION[level]),
        )
        likelihoods = {
            f: Likelihood(
                given=clamp(float(v["given"])),
                other=clamp(float(v.get("other", background.get(f, 0.05)))),
            )
            for f, v in spec["findings"].items()
        }
        models.append(
            ConditionModel(
                slug=slug,
                name=entry["name"],
                usual_triage=level,
                destination=destination,
                share=float(spec["prior"]["share"]),
                age={k: float(v) for k, v in spec["age"].items() if k != "source"},
                sex={k: float(v) for k, v in spec["sex"].items() if k != "source"},
                findings=likelihoods,
            )
        )
    return KnowledgeBase(
        version=str(model["version"]),
        findings=findings,
        age_bands={k: (int(v[0]), int(v[1])) for k, v in model["age_bands"].items()},
        thresholds={k: float(v) for k, v in model["thresholds"].items()},
        background=background,
        clusters=tuple(
            Cluster(id=c["id"], findings=frozenset(c["findings"]), max_lr=float(c["max_lr"]))
            for c in model.get("clusters", [])
        ),
        conditions=tuple(models),
        rules=tuple(
            Rule(
                id=r["id"],
                level=r["level"],
                destination=str(r["destination"]),
                when=tuple(frozenset(group) for group in r["when"]),
                reason=r["reason"].strip(),
                advice=r["advice"].strip(),
                age_min=int(r.get("age_min", 0)),
                age_max=int(r.get("age_max", 200)),
            )
            for r in rules["rules"]
        ),
        advice={str(k): v for k, v in destinations["advice"].items()},
        screening=tuple(rules.get("screening") or ()),
    )


@cache
def knowledge_base() -> KnowledgeBase:
    return build(
        _yaml(f"{FOLDER}/model.yaml"),
        _yaml(f"{FOLDER}/red_flags.yaml"),
        _yaml(f"{FOLDER}/destinations.yaml"),
    )


__all__ = ["ROOT", "finding_ids", "knowledge_base", "wording"]
