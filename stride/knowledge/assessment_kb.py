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
    Pathway,
    Rule,
    clamp,
)
from stride.knowledge import ROOT, _yaml, conditions

FOLDER = "assessment"


@cache
def finding_ids() -> tuple[str, ...]:
    return tuple(f["id"] for f in _yaml("findings.yaml")["findings"])


@cache
def wording() -> dict[str, dict[str, str]]:
    return dict(_yaml(f"{FOLDER}/wording.yaml")["findings"])


def _groups(spec: list[list[str]] | None, rechecks: dict[str, str]) -> tuple[frozenset[str], ...]:
    """Rule groups, each with the recheck of every red flag in it beside that flag."""
    return tuple(
        frozenset(group) | {rechecks[f] for f in group if f in rechecks} for group in spec or ()
    )


def _rule(r: dict[str, Any], rechecks: dict[str, str]) -> Rule:
    safety_net = bool(r.get("safety_net", False))
    return Rule(
        id=r["id"],
        level=r["level"],
        destination=str(r["destination"]),
        when=_groups(r["when"], rechecks),
        reason=r["reason"].strip(),
        advice=r["advice"].strip(),
        age_min=int(r.get("age_min", 0)),
        age_max=int(r.get("age_max", 200)),
        condition=r.get("condition"),
        safety_net=safety_net,
        # A safety net names exactly the askings it waits on: no recheck is added.
        unsure=tuple(frozenset(g) for g in r.get("unsure") or ()),
        if_plausible=r.get("if_plausible"),
        plausible_at=float(r["plausible_at"]) if "plausible_at" in r else None,
        regions=frozenset(r.get("regions") or ()),
    )


def _pathway(p: dict[str, Any]) -> Pathway:
    return Pathway(
        id=p["id"],
        ask=tuple(p["ask"]),
        located=frozenset(p.get("located") or ()),
        when=tuple(frozenset(g) for g in p.get("when") or ()),
        unless=frozenset(p.get("unless") or ()),
        unless_no=frozenset(p.get("unless_no") or ()),
        after_no=frozenset(p.get("after_no") or ()),
        first_yes=bool(p.get("first_yes", False)),
        age_min=int(p.get("age_min", 0)),
        age_max=int(p.get("age_max", 200)),
    )


def build(
    model: dict[str, Any],
    rules: dict[str, Any],
    destinations: dict[str, Any],
    pathways: dict[str, Any] | None = None,
    safety_nets: dict[str, Any] | None = None,
) -> KnowledgeBase:
    vocabulary = conditions()
    findings = finding_ids()
    nets = safety_nets or {}
    rechecks = {str(k): str(v) for k, v in (nets.get("rechecks") or {}).items()}
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
        # A second asking of a red flag weighs what the red flag weighs.
        for flag, recheck in rechecks.items():
            if flag in likelihoods and recheck not in likelihoods:
                likelihoods[recheck] = likelihoods[flag]
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
        rules=tuple(_rule(r, rechecks) for r in [*rules["rules"], *(nets.get("rules") or ())]),
        advice={str(k): v for k, v in destinations["advice"].items()},
        screening=tuple(rules.get("screening") or ()),
        pathways=tuple(_pathway(p) for p in (pathways or {}).get("pathways") or ()),
        rechecks=rechecks,
        plausible=float(model.get("plausible", 0.02)),
        red_flag_bar=float(model.get("red_flag_bar", 0.0)),
        stop_below=float(model.get("stop_below", 0.05)),
        stop_step=float(model.get("stop_step", 0.01)),
        exclude_below={str(k): float(v) for k, v in (model.get("exclude_below") or {}).items()},
    )


@cache
def knowledge_base() -> KnowledgeBase:
    return build(
        _yaml(f"{FOLDER}/model.yaml"),
        _yaml(f"{FOLDER}/red_flags.yaml"),
        _yaml(f"{FOLDER}/destinations.yaml"),
        _yaml(f"{FOLDER}/pathways.yaml"),
        _yaml(f"{FOLDER}/safety_nets.yaml"),
    )


__all__ = ["ROOT", "finding_ids", "knowledge_base", "wording"]
