"""Which characters each kind of field refuses, and how JSON depth is counted."""

from __future__ import annotations

import pytest

from stride.web import hygiene


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize(
    ("value", "single", "free"),
    [
        ("Ada Lovelace", None, None),
        ("Zoë O'Brien-Smith", None, None),
        ("Ada\nURGENT: pay the fee", hygiene.SINGLE_LINE_MESSAGE, None),
        ("Ada\u202eefi", hygiene.SINGLE_LINE_MESSAGE, hygiene.FREE_TEXT_MESSAGE),
        ("tab\there", hygiene.SINGLE_LINE_MESSAGE, None),
        ("bell\x07", hygiene.SINGLE_LINE_MESSAGE, hygiene.FREE_TEXT_MESSAGE),
        ("line\u2028separator", hygiene.SINGLE_LINE_MESSAGE, None),
    ],
)
def test_which_characters_each_kind_of_field_refuses(value, single, free) -> None:
    assert hygiene.single_line_problem(value) == single
    assert hygiene.free_text_problem(value) == free


def test_json_depth_is_counted_outside_strings_only() -> None:
    assert not hygiene.json_too_deep(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
    assert not hygiene.json_too_deep(b'{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
    assert hygiene.json_too_deep(nested(33).encode())
    assert not hygiene.json_too_deep(nested(32).encode())
