"""Whether two people's names are near enough to be the same person: one typo allowed.

Reception types a caller's name as heard ("Margret Elis"); the record says "Margaret
Ellis". A typo is one edit: a letter added, left out or changed, or two neighbouring
letters swapped (the optimal string alignment distance). Case, accents, apostrophes,
hyphens and extra spaces are not typos. The same rule on every database: the database
finds the candidates quickly (``pieces``), this decides.
"""

from __future__ import annotations

import itertools

from stride.core.textmatch import normalise

MAX_WORDS = 6  # names longer than this are compared by their first words


def words(name: str) -> tuple[str, ...]:
    return tuple(normalise(name).split()[:MAX_WORDS])


def edits(a: str, b: str) -> int:
    """0 for the same, 1 for one edit (a letter added, left out or changed, or two
    neighbouring letters swapped), 2 for anything more. Linear: the strings are compared
    up to their first difference, and what follows it once."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > 1:
        return 2
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1 :] == b[i + 1 :]:
            return 1
        swapped = a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
        return 1 if swapped else 2
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return 1 if longer[i + 1 :] == shorter[i:] else 2


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


def pieces(word: str) -> tuple[str, ...]:
    """What any word within one typo of ``word`` still contains whole, one of them at
    least: its two halves (a typo changes one of them, or neither), and the word with
    the two letters either side of the middle swapped (the one typo that changes both).
    A database looks for these with LIKE (or an index on trigrams); ``typo_cost``
    decides among what it finds. A single letter has no pieces: nothing to narrow by."""
    if len(word) < 2:
        return ()
    middle = len(word) // 2
    swapped = word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    return tuple(dict.fromkeys((word[:middle], word[middle:], swapped)))
