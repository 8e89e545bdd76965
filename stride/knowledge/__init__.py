"""Stride's knowledge: reviewed data that ships with the package.

Vocabularies (regions, conditions, findings), search synonyms and starter articles.
A change here is a reviewed diff, not a code change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent
ARTICLES = ROOT / "articles"


def _yaml(name: str) -> Any:
    with (ROOT / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass(frozen=True)
class Region:
    slug: str
    name: str
    description: str
    findings: tuple[str, ...] = ()


@cache
def regions() -> tuple[Region, ...]:
    return tuple(
        Region(**{**r, "findings": tuple(r.get("findings") or ())})
        for r in _yaml("regions.yaml")["regions"]
    )


def region_choices() -> list[tuple[str, str]]:
    return [(r.slug, r.name) for r in regions()]


@cache
def conditions() -> dict[str, dict[str, Any]]:
    return {c["slug"]: c for c in _yaml("conditions.yaml")["conditions"]}


@cache
def synonyms() -> dict[str, list[str]]:
    """Phrase -> what else it means, for search."""
    return {k: list(v) for k, v in _yaml("search-synonyms.yaml")["synonyms"].items()}


@dataclass(frozen=True)
class StarterArticle:
    slug: str
    title: str
    summary: str
    region: str
    body: str
    condition: str = ""
    aka: tuple[str, ...] = ()
    author: str = ""
    reviewer: str = ""
    first_published: dt.date | None = None
    last_reviewed: dt.date | None = None
    next_review_due: dt.date | None = None
    sources: tuple[str, ...] = ()
    related: tuple[str, ...] = field(default_factory=tuple)


def parse_article(text: str) -> StarterArticle:
    if not text.startswith("---\n"):
        raise ValueError("an article starts with YAML front matter between --- lines")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    for key in ("aka", "sources", "related"):
        meta[key] = tuple(meta.get(key) or ())
    return StarterArticle(body=body.strip() + "\n", **meta)


def starter_articles() -> list[StarterArticle]:
    return [
        parse_article(path.read_text(encoding="utf-8"))
        for path in sorted(ARTICLES.glob("*.md"))
        if path.name != "README.md"
    ]
