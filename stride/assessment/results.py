"""The likely causes on the results page, in an order and words that agree with the advice.

- A red-flag rule that fired puts the condition behind it first, with the rule's own
  advice and where to go, even when the ranked list does not hold that condition.
  With emergency or urgent advice, a condition that set that level is put first too.
- With emergency or urgent advice the other causes come after it, as "other possible
  causes, once the urgent problem is ruled out": none of them is called likely.
- Otherwise the first cause is never called less likely: "Most likely" only when it is
  clearly ahead of the next, else "Likely" or "Possible"; later causes are worded
  against the first.
- A cause is shown only if an answer of yes raised it, and only those answers say why;
  answers that lowered it are listed as what makes it less likely.

The JSON API keeps the engine's full list; this only shapes what the page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stride.core.assessment import Result
from stride.core.assessment.model import KnowledgeBase, Ranked, Reason, Rule
from stride.knowledge import assessment_kb

URGENT = ("emergency", "urgent")
SHOWN = 5  # causes on the page, the ones that need checking first included
LIKELY = 0.5  # the first cause is "likely" from here
CLEARLY_AHEAD = 2.0  # ... and "most likely" when its odds are this many times the next one's
ALSO = 0.8  # a later cause this close to the first (as a share of it) is "also likely"
POSSIBLE = 0.4  # ... "possible" from this share of the first, below it "less likely"
FIRST = "This needs checking first"
NOT_RULED_OUT = "We could not rule this out, so it needs checking first"
WHERE = {
    "999": "call 999 now",
    "a_and_e": "go to A&E now",
    "urgent_care": "go to an urgent treatment centre today",
    "gp_today": "see a GP today",
    "gp_soon": "see a GP in the next few days",
    "podiatry": "book an appointment with a podiatrist",
    "pharmacist": "ask a pharmacist",
    "self_care": "look after it at home first",
}


def causes(
    result: Result, answers: Mapping[str, bool], *, level: str, urls: Mapping[str, str]
) -> dict[str, Any]:
    """What the page shows: ``pinned`` (needs checking first), ``others``, ``urgent``
    (the others only once the urgent problem is ruled out) and ``guides`` (any linked).

    ``level`` is the level of the advice shown, which may be more urgent than this
    result's own triage (advice already seen is never lowered).
    """
    kb = assessment_kb.knowledge_base()
    words = assessment_kb.wording()
    ranked = {c.slug: c for c in result.conditions}
    pinned = [
        _pinned(kb, slug, reason, rule, ranked.get(slug), answers, words, urls)
        for slug, reason, rule in _first(kb, result)
    ][:SHOWN]
    taken = {c["slug"] for c in pinned}
    raised = [c for c in result.conditions if c.slug not in taken and _yes(c.supporting, answers)]
    raised = raised[: SHOWN - len(pinned)]
    urgent = level in URGENT
    fits = labels([c.probability for c in raised], urgent=urgent)
    others = [
        {**_cause(c.slug, c.name, urls), "fit": fit, "why": _said(c.supporting, answers, words),
         "against": _against(c, answers, words)}
        for c, fit in zip(raised, fits, strict=True)
    ]  # fmt: skip
    guides = any(c["url"] for c in [*pinned, *others])
    return {"pinned": pinned, "others": others, "urgent": urgent, "guides": guides}


def labels(probabilities: list[float], *, urgent: bool) -> list[str]:
    """Words for causes in order, most probable first: the first is never "Less likely",
    and with urgent advice none is "likely" (the urgent problem comes first)."""
    if not probabilities:
        return []
    lead = probabilities[0]
    if urgent or lead < LIKELY:
        first = "Possible"
    elif len(probabilities) == 1 or _odds(lead) >= CLEARLY_AHEAD * _odds(probabilities[1]):
        first = "Most likely"
    else:
        first = "Likely"
    out = [first]
    for p in probabilities[1:]:
        share = p / lead if lead > 0 else 0.0
        if share >= ALSO and first != "Possible":
            out.append("Also likely")
        elif share >= POSSIBLE:
            out.append("Also possible" if first == "Possible" else "Possible")
        else:
            out.append("Less likely")
    return out


def _odds(p: float) -> float:
    p = min(p, 0.9999)
    return p / (1 - p)


def _first(kb: KnowledgeBase, result: Result) -> list[tuple[str, Reason, Rule | None]]:
    """The conditions behind the triage, in its order: each fired rule's, then (for
    emergency or urgent triage) each condition that set the level."""
    rules = {r.id: r for r in kb.rules}
    known = {c.slug for c in kb.conditions}
    out: list[tuple[str, Reason, Rule | None]] = []
    for reason in result.triage.reasons:
        rule = rules.get(reason.rule) if reason.rule else None
        if rule is not None:
            slug = rule.condition or _behind(rule, reason, result)
        else:
            slug = reason.condition if result.triage.level in URGENT else None
        if slug and slug in known and all(slug != s for s, _, _ in out):
            out.append((slug, reason, rule))
    return sorted(out, key=lambda item: item[2] is None)  # the rules' conditions first


def _behind(rule: Rule, reason: Reason, result: Result) -> str | None:
    """For a rule that names no condition: the first listed condition that the rule's
    own answers raised and that is itself as urgent as the rule."""
    levels = ("emergency", "urgent", "appointment", "self_care")
    for c in result.conditions:
        urgent_enough = levels.index(c.usual_triage) <= levels.index(rule.level)
        if urgent_enough and set(c.supporting) & set(reason.findings):
            return c.slug
    return None


def _pinned(
    kb: KnowledgeBase, slug: str, reason: Reason, rule: Rule | None, listed: Ranked | None,
    answers: Mapping[str, bool], words: Mapping[str, Mapping[str, str]], urls: Mapping[str, str],
) -> dict[str, Any]:  # fmt: skip
    condition = next(c for c in kb.conditions if c.slug == slug)
    if rule is not None:
        advice, destination = rule.advice, rule.destination
    else:
        advice, destination = kb.advice.get(condition.destination, ""), condition.destination
    found = [*reason.findings, *(listed.supporting if listed else ())]
    return {
        **_cause(slug, listed.name if listed else condition.name, urls),
        "fit": NOT_RULED_OUT if rule is not None and rule.safety_net else FIRST,
        "pinned": True, "advice": advice, "where": WHERE.get(destination, ""),
        "why": _said(tuple(dict.fromkeys(found)), answers, words),
        "against": _against(listed, answers, words) if listed else [],
    }  # fmt: skip


def _cause(slug: str, name: str, urls: Mapping[str, str]) -> dict[str, Any]:
    return {"slug": slug, "name": name, "url": urls.get(slug), "pinned": False, "advice": "",
            "where": ""}  # fmt: skip


def _yes(findings: tuple[str, ...], answers: Mapping[str, bool]) -> list[str]:
    return [f for f in findings if answers.get(f) is True]


def _said(
    findings: tuple[str, ...], answers: Mapping[str, bool], words: Mapping[str, Mapping[str, str]]
) -> list[str]:
    """Why: only what the person said yes to, in their words."""
    return [words[f]["yes"] for f in _yes(findings, answers) if f in words][:4]


def _against(
    c: Ranked, answers: Mapping[str, bool], words: Mapping[str, Mapping[str, str]]
) -> list[str]:
    """What makes it less likely: each lowering answer as it was given."""
    return [words[f]["yes" if answers[f] else "no"] for f in c.against
            if f in answers and f in words]  # fmt: skip
