"""Matching what people type against article names, aliases and synonyms.

People search "mortons", "footballers ankle", "black toenail" or "plantar fascitis".
This scores each article by how well the query matches its title and also-known-as
names, through a table of synonyms, and with trigram similarity for near-misses.
The database's full-text search handles the article bodies; this part is the same
on every database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200
_APOSTROPHES = re.compile(r"['\u2019`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
STOP_WORDS = frozenset(
    ["a", "an", "and", "at", "behind", "by", "for", "from", "i", "in", "is", "it", "my", "of",
     "on", "or", "pain", "sore", "the", "to", "under", "what", "when", "with"]
)  # fmt: skip


def normalise(text: str) -> str:
    """Lower case, accents and apostrophes removed, punctuation to single spaces."""
    text = unicodedata.normalize("NFKD", text[: MAX_QUERY_LENGTH * 4])
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _APOSTROPHES.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


def terms(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w not in STOP_WORDS]


def trigrams(text: str) -> frozenset[str]:
    """Trigrams as PostgreSQL's pg_trgm makes them: each word padded with spaces."""
    grams: set[str] = set()
    for word in normalise(text).split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def word_similarity(query: str, name: str) -> float:
    """How well ``query`` matches the best stretch of ``name`` (like pg_trgm's)."""
    q_words = normalise(query).split()
    n_words = normalise(name).split()
    if not q_words or not n_words:
        return 0.0
    width = len(q_words)
    best = 0.0
    for start in range(max(1, len(n_words) - width + 1)):
        window = " ".join(n_words[start : start + width])
        best = max(best, similarity(" ".join(q_words), window))
    return best


@dataclass(frozen=True)
class Entry:
    """What an article is called: its key (slug), title and other names."""

    key: str
    names: tuple[str, ...]


def expand(query: str, synonyms: Mapping[str, Iterable[str]]) -> list[str]:
    """The query and every phrase the synonym table says it also means."""
    norm = normalise(query)
    out = [norm]
    for phrase, meanings in synonyms.items():
        p = normalise(phrase)
        if p and (f" {p} " in f" {norm} "):
            out.extend(normalise(m) for m in meanings)
    return out


def name_score(query: str, entry: Entry) -> float:
    """0 to 1: 1 when the query is one of the names, high when a name is inside it."""
    q = normalise(query)
    if not q:
        return 0.0
    best = 0.0
    q_terms = set(terms(q))
    for name in entry.names:
        n = normalise(name)
        if not n:
            continue
        if q == n:
            return 1.0
        n_terms = set(terms(n))
        if f" {n} " in f" {q} " and len(n) >= 4:
            best = max(best, 0.9)  # "os trigonum pain" contains "os trigonum"
        elif f" {q} " in f" {n} " and len(q) >= 4:
            best = max(best, 0.8)  # "mortons" is in "mortons neuroma"
        elif q_terms and n_terms and q_terms <= n_terms:
            best = max(best, 0.75)
        best = max(best, 0.85 * word_similarity(q, n))
    return best


def rank(
    query: str,
    entries: Iterable[Entry],
    synonyms: Mapping[str, Iterable[str]],
    threshold: float = 0.45,
) -> list[tuple[str, float]]:
    """Entries whose names match the query or a synonym of it, best first."""
    phrases = expand(query, synonyms)
    scored = []
    for entry in entries:
        score = max(name_score(p, entry) * (1.0 if i == 0 else 0.95) for i, p in enumerate(phrases))
        if score >= threshold:
            scored.append((entry.key, round(score, 4)))
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))
