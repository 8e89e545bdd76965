"""One search service over articles, the same behaviour on SQLite and PostgreSQL.

Two parts are added up:
- names: the query (and its synonyms from the knowledge data) against each article's
  title, also-known-as names and condition name, with trigram similarity for
  near-misses (``stride.core.textmatch``; the same code on every database);
- text: the database's full-text search over title, names, summary and body:
  SQLite FTS5 with the porter stemmer and bm25, or PostgreSQL's weighted tsvector
  with ``ts_rank`` plus ``pg_trgm`` word similarity on the title.
Both text backends give a rank order, turned into the same 0-1 scale.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, connections

from stride import knowledge
from stride.core import textmatch
from stride.library.models import Article

FTS_TABLE = "library_article_fts"
NAME_WEIGHT = 1.0
TEXT_WEIGHT = 0.5


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float


def clean_query(raw: str) -> str:
    """What we search for: at most 200 characters, control characters removed."""
    text = "".join(ch if ch.isprintable() else " " for ch in raw)
    return " ".join(text.split())[: textmatch.MAX_QUERY_LENGTH]


def _names(article: Article) -> tuple[str, ...]:
    condition = knowledge.conditions().get(article.condition, {})
    extra = [condition.get("name", ""), *list(condition.get("aka") or [])]
    return tuple(n for n in (article.title, *article.aka_list, *extra) if n)


def _position_scores(ids: list[int]) -> dict[int, float]:
    """Rank order to a score: first 1.0, then falling evenly."""
    n = len(ids)
    return {pk: 1.0 - i / max(n, 1) * 0.5 for i, pk in enumerate(ids)}


def _fts_sqlite(terms: list[str]) -> list[int]:
    match = " OR ".join(f'"{t}"*' for t in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
            f"ORDER BY bm25({FTS_TABLE}, 10.0, 8.0, 4.0, 1.0) LIMIT 50",
            [match],
        )
        return [row[0] for row in cursor.fetchall()]


def _fts_postgres(query: str, terms: list[str]) -> list[int]:
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVector,
        TrigramWordSimilarity,
    )
    from django.db.models import F, Q

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("aka", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )
    tsquery = " | ".join(f"{t}:*" for t in terms)
    search_query = SearchQuery(tsquery, search_type="raw", config="english")
    rows = (
        Article.objects.published()
        .annotate(
            rank=SearchRank(vector, search_query),
            similar=TrigramWordSimilarity(query, "title"),
        )
        .filter(Q(rank__gt=0) | Q(similar__gt=0.3))
        .order_by(-(F("rank") + F("similar")), "title")
        .values_list("pk", flat=True)[:50]
    )
    return list(rows)


def fulltext(query: str) -> dict[int, float]:
    terms = [t for t in textmatch.terms(query) if len(t) >= 2][:12]
    if not terms:
        return {}
    ids = _fts_sqlite(terms) if connection.vendor == "sqlite" else _fts_postgres(query, terms)
    return _position_scores(ids)


def search(raw_query: str, limit: int = 20) -> list[Hit]:
    query = clean_query(raw_query)
    if not textmatch.normalise(query):
        return []
    articles = {a.pk: a for a in Article.objects.published()}
    if not articles:
        return []
    entries = [textmatch.Entry(str(pk), _names(a)) for pk, a in articles.items()]
    names = {int(k): s for k, s in textmatch.rank(query, entries, knowledge.synonyms())}
    text = fulltext(query)
    scores: dict[int, float] = {}
    for pk in set(names) | set(text):
        if pk in articles:
            scores[pk] = NAME_WEIGHT * names.get(pk, 0.0) + TEXT_WEIGHT * text.get(pk, 0.0)
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], articles[kv[0]].title))
    return [Hit(articles[pk], round(score, 4)) for pk, score in ordered[:limit]]


def index_article(article: Article, using: str = "default") -> None:
    """Keep SQLite's full-text table in step with one article (PostgreSQL needs nothing)."""
    if connections[using].vendor != "sqlite":
        return
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [article.pk])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, aka, summary, body) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s)",
            [article.pk, article.title, article.aka, article.summary, article.body],
        )


def unindex_article(pk: int) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [pk])  # noqa: S608


def rebuild_index(using: str = "default") -> int:
    """Re-index every article; returns how many."""
    count = 0
    if connections[using].vendor == "sqlite":
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
    for article in Article.objects.using(using).all():
        index_article(article, using)
        count += 1
    return count
