"""What no public entry point accepts, whoever sends it.

- **NUL and other control characters** in the address, the query string or a form
  field: no one types them, PostgreSQL cannot store a NUL, and a line break in a
  single-line value (a name, a subject) can make text pass for something it is not.
- **Bidirectional overrides** (U+202A to U+202E, U+2066 to U+2069 and the marks): they
  make text display in an order other than the one it is stored in.
- **JSON nested deeper than** ``MAX_DEPTH``: parsing it would exhaust the stack long
  before the 64 KiB body limit is reached.

Single-line values refuse all of these; free text (a note, a reason) keeps its line
breaks and tabs and refuses the rest.
"""

from __future__ import annotations

import re

MAX_DEPTH = 32
MAX_BODY = 64 * 1024  # the largest JSON body any endpoint accepts

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# A lone UTF-16 surrogate (JSON's "\ud800", or UTF-7) is not a character: it cannot be
# encoded, stored or hashed.
_SURROGATES = "\ud800-\udfff"
# Any C0 or C1 control, the line and paragraph separators, and the bidi controls.
_SINGLE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}{_SURROGATES}]")
# The same, but line breaks and tabs are allowed.
_FREE_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}{_SURROGATES}]")
_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)
# An escaped surrogate in JSON ("\ud800"): a pair makes one character (an emoji), but a
# lone half is refused, as everywhere else.
_JSON_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)

SINGLE_LINE_MESSAGE = "Use plain text on one line, without special characters."
FREE_TEXT_MESSAGE = "Remove the special characters from this text."


def single_line_problem(value: str) -> str | None:
    """The message for a one-line value with a character it may not hold, or None."""
    return SINGLE_LINE_MESSAGE if _SINGLE_LINE.search(value) else None


_UNREADABLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_SURROGATES}]")


_MARKS = re.compile(f"[{_BIDI}\u200b\u2060\ufeff]")


def without_marks(value: str) -> str:
    """Text without invisible direction and formatting marks: a phone number copied
    from a phone's contacts often arrives wrapped in them."""
    return _MARKS.sub("", value)


def unreadable(value: str) -> bool:
    """Whether text holds what no field may hold: NUL and the other C0 controls (not
    tabs or line breaks), or a lone surrogate."""
    return _UNREADABLE.search(value) is not None


def free_text_problem(value: str) -> str | None:
    """The message for free text with a character it may not hold, or None."""
    return FREE_TEXT_MESSAGE if _FREE_TEXT.search(value) else None


def one_line(value: str, limit: int = 120) -> str:
    """Text typed by someone else, made safe to show inside the clinic's own words: on
    one line, without control or bidi characters, at most ``limit`` characters."""
    return " ".join(_SINGLE_LINE.sub(" ", value).split())[:limit]


def json_too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether a JSON text opens more than ``limit`` arrays or objects inside each other.

    Counts brackets outside strings without parsing, so it is safe on any input; a text
    that is not JSON at all is left for the parser to refuse.
    """
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


def json_has_nul(body: bytes) -> bool:
    """Whether a JSON text holds a NUL, raw or escaped as \\u0000, or a lone surrogate."""
    return (b"\x00" in body or _JSON_NUL.search(body) is not None
            or _JSON_SURROGATE.search(body) is not None)  # fmt: skip
