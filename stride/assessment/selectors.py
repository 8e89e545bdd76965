"""Reads for the self-assessment: the engine's answer, shaped for the API and pages.

Nothing here writes: answers are never stored or logged.
"""

from __future__ import annotations

from typing import Any

from stride import knowledge
from stride.core.assessment import Result, assess
from stride.knowledge import assessment_kb, releases
from stride.library.models import Article


def article_urls() -> dict[str, str]:
    """Condition slug -> URL of its published article."""
    slugs = Article.objects.published().exclude(condition="").values_list("condition", flat=True)
    return {slug: f"/conditions/{slug}/" for slug in slugs}


def assessment_result(
    *, age: int, sex: str, answers: dict[str, bool], not_sure: list[str]
) -> Result:
    return assess(
        assessment_kb.knowledge_base(), age=age, sex=sex, answers=answers, not_sure=not_sure
    )


def result_as_json(result: Result) -> dict[str, Any]:
    urls = article_urls()
    wording = assessment_kb.wording()
    question = None
    if result.next_question:
        words = wording[result.next_question]
        question = {
            "finding": result.next_question,
            "text": words["question"],
            "help": words.get("help"),
        }
    return {
        "triage": {
            "level": result.triage.level,
            "destination": result.triage.destination,
            "reasons": [
                {
                    "rule": r.rule,
                    "condition": r.condition,
                    "findings": list(r.findings),
                    "text": r.text,
                }
                for r in result.triage.reasons
            ],
            "advice": result.triage.advice,
        },
        "conditions": [
            {
                "slug": c.slug,
                "name": c.name,
                "probability": c.probability,
                "supporting": list(c.supporting),
                "against": list(c.against),
                "article_url": urls.get(c.slug),
                "usual_triage": c.usual_triage,
            }
            for c in result.conditions
        ],
        "next_question": question,
        "knowledge_version": result.knowledge_version,
    }


def knowledge_release() -> releases.Release | None:
    """The release record of the knowledge in use (None if it has none: not signed off)."""
    return releases.release(assessment_kb.knowledge_base().version)


def knowledge_status() -> dict[str, Any]:
    """What the symptom check says about the knowledge it uses: version and sign-off."""
    version = assessment_kb.knowledge_base().version
    release = releases.release(version)
    return {
        "version": version,
        "release": release,
        "signed_off": release is not None and release.is_signed_off,
    }


def release_as_json(release: releases.Release | None) -> dict[str, Any] | None:
    if release is None:
        return None
    reviewer = release.reviewer
    return {
        "version": release.version,
        "date": release.date.isoformat(),
        "status": release.status,
        "reviewer": {"name": reviewer.name, "role": reviewer.role} if reviewer else None,
        "signed_off": release.signed_off.isoformat() if release.signed_off else None,
        "changes": list(release.changes),
    }


def vocabulary() -> dict[str, Any]:
    kb = assessment_kb.knowledge_base()
    wording = assessment_kb.wording()
    urls = article_urls()
    return {
        "knowledge_version": kb.version,
        "knowledge_release": release_as_json(knowledge_release()),
        "findings": [
            {
                "id": f,
                "group": wording[f]["group"],
                "question": wording[f]["question"],
                "help": wording[f].get("help"),
                "yes": wording[f]["yes"],
                "no": wording[f]["no"],
            }
            for f in kb.findings
        ],
        "regions": [
            {"slug": r.slug, "name": r.name, "findings": list(r.findings)}
            for r in knowledge.regions()
        ],
        "conditions": [
            {
                "slug": slug,
                "name": c["name"],
                "aka": list(c.get("aka") or []),
                "usual_triage": c["triage"],
                "article_url": urls.get(slug),
            }
            for slug, c in knowledge.conditions().items()
        ],
    }
