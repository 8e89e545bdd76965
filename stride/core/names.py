"""Whether two people's names are near enough to be the same person: one typo allowed.

Reception types a caller's name as heard ("Margret Elis"); the record says "Margaret
Ellis". A typo is one edit: a letter added, left out or changed, or two neighbouring
letters swapped (the optimal string alignment distance). Case, accents, apostrophes,
hyphens and extra spaces are not typos. The same rule on every database: the database
finds the candidates quickly, this decides.
"""

from __future__ import annotations

import itertools

from stride.core.textmatch import normalise

MAX_WORDS = 6  # names longer than this are compared by their first words


def words(name: str) -> tuple[str, ...]:
    return tuple(normalise(name).split()[:MAX_WORDS])


def edits(a: str, b: str, limit: int = 1) -> int:
    """The optimal string alignment distance between ``a`` and ``b``, or ``limit + 1``
    as soon as it must be more than ``limit`` (names differ at once in length, usually)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return min(row[-1], limit + 1)


def same_name(a: str, b: str) -> bool:
    """The whole names within one typo of each other (a likely duplicate record)."""
    return edits(" ".join(words(a)), " ".join(words(b))) <= 1


def _word_cost(typed: str, word: str) -> int:
    """0 for the word or the start of it (at least two letters), 1 for one typo."""
    if word == typed or (len(typed) >= 2 and word.startswith(typed)):
        return 0
    return edits(typed, word)


def typo_cost(query: str, name: str) -> int | None:
    """How many typos the name needs to match the words typed (each typed word the
    whole of a different word of the name, or its start), or None if more than one.

    "Margret Ellis", "ellis margaret", "Marg Ellis" and "Ellis" all find "Margaret Ellis".
    """
    typed, have = words(query), words(name)
    if not typed or len(typed) > len(have):
        return None
    best: int | None = None
    for chosen in itertools.permutations(have, len(typed)):
        cost = 0
        for t, w in zip(typed, chosen, strict=True):
            cost += _word_cost(t, w)
            if cost > 1:
                break
        if cost <= 1 and (best is None or cost < best):
            best = cost
            if best == 0:
                break
    return best
