"""One typo in a name: what reception types against what the record says."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stride.core import names


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("ellis", "ellis", 0), ("elis", "ellis", 1), ("ellis", "elis", 1), ("ellsi", "ellis", 1),
     ("eliss", "ellis", 2), ("ellos", "ellis", 1), ("kim", "kym", 1), ("lee", "lea", 1),
     ("margret", "margaret", 1), ("magret", "margaret", 2), ("abc", "bca", 2),
     ("abcd", "abdc", 1), ("", "a", 1), ("ab", "ba", 1),
     ("ellis", "ellison", 2)],
)  # fmt: skip
def test_edits_counts_one_edit_and_no_more(a, b, expected):
    assert names.edits(a, b) == expected


@given(st.text("abcde", max_size=8), st.text("abcde", max_size=8))
def test_edits_is_symmetric(a, b):
    assert names.edits(a, b) == names.edits(b, a)


@given(st.text("abcdefgh", min_size=1, max_size=10), st.data())
def test_any_single_edit_is_one_typo(word, data):
    at = data.draw(st.integers(0, len(word) - 1))
    letter = data.draw(st.sampled_from("xyz"))
    typo = data.draw(st.sampled_from([
        word[:at] + word[at + 1:], word[:at] + letter + word[at:],
        word[:at] + letter + word[at + 1:],
        word[:at] + word[at + 1:at + 2] + word[at] + word[at + 2:],
    ]))  # fmt: skip
    assert names.edits(typo, word) <= 1


@pytest.mark.parametrize(
    ("query", "cost"),
    [("Margaret Ellis", 0), ("margaret  ELLIS", 0), ("Ellis Margaret", 0), ("Marg Ellis", 0),
     ("Ellis", 0), ("Margret Ellis", 1), ("Margaret Elis", 1), ("Mragaret Ellis", 1),
     ("Margret Elis", None), ("Margaret Ellison", None), ("Mary Ellis", None),
     ("Margaret Ellis Smith", None), ("", None)],
)  # fmt: skip
def test_typo_cost_allows_one_typo_in_the_whole_name(query, cost):
    assert names.typo_cost(query, "Margaret Ellis") == cost


def test_accents_case_and_hyphens_are_not_typos():
    assert names.typo_cost("Zoe O'Brien-Smith", "Zoë OBrien Smith") == 0
    assert names.same_name("SEAN  murphy", "Seán Murphy")


def test_same_name_is_the_whole_name_within_one_typo():
    assert names.same_name("Margaret Ellis", "Margret Ellis")
    assert not names.same_name("Margaret Ellis", "Margret Elis")
    assert not names.same_name("Margaret Ellis", "Ellis")


@given(st.text("abcdefgh", min_size=2, max_size=12), st.data())
def test_a_word_one_typo_away_still_contains_a_piece_whole(word, data):
    at = data.draw(st.integers(0, len(word) - 1))
    letter = data.draw(st.sampled_from("xyz"))
    typo = data.draw(st.sampled_from([
        word[:at] + word[at + 1:], word[:at] + letter + word[at:],
        word[:at] + letter + word[at + 1:],
        word[:at] + word[at + 1:at + 2] + word[at] + word[at + 2:],
    ]))  # fmt: skip
    # Either way round: the typo in what was typed, or in the record.
    assert any(piece in typo for piece in names.pieces(word))
    assert len(typo) < 2 or any(piece in word for piece in names.pieces(typo))


def test_pieces_are_the_halves_and_the_middle_swapped():
    assert names.pieces("margaret") == ("marg", "aret", "maragret")
    assert names.pieces("kim") == ("k", "im", "ikm")
    assert names.pieces("a") == ()
