"""Reading age of English text, from the Flesch-Kincaid grade level.

Reading age (in years) is the US school grade plus 5, the usual UK conversion. We aim
for about 11 for patient text; medical words make 12 to 13 acceptable. This is a
rough guide, not a judge: short sentences and everyday words are what it rewards.

``python -m stride.core.readability FILE...`` prints each file's reading age.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

TARGET_READING_AGE = 11.0
WARN_READING_AGE = 13.0

_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n|\n\s*[-*]\s|\n#+\s")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Syllables in an English word, by vowel groups with the common corrections."""
    w = word.lower().replace("\u2019", "'").split("'")[0]
    if len(w) <= 3:
        return 1
    count = len(_VOWEL_GROUP.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1  # silent e: "bone", "shoe" is kept by the vowel group
    if w.endswith(("ed",)) and not w.endswith(("ted", "ded")) and count > 1:
        count -= 1  # "walked"
    if re.search(r"[^aeiouytsc](ia|io|ua|uo|eo|iu)", w):
        count += 1  # "tibia", "area", "video"
    return max(1, count)


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int

    @property
    def grade(self) -> float:
        if not self.words:
            return 0.0
        return (
            0.39 * self.words / max(1, self.sentences) + 11.8 * self.syllables / self.words - 15.59
        )

    @property
    def reading_age(self) -> float:
        return round(max(5.0, self.grade + 5), 1)


def plain_text(markdown: str) -> str:
    """Drop front matter, links' targets, code and markup so only prose is scored."""
    text = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"^#+\s*(.*)$", r"\1.", text, flags=re.M)  # a heading ends a sentence
    return text.replace("*", "").replace("_", " ")


def measure(text: str) -> Readability:
    prose = plain_text(text)
    words = _WORD.findall(prose)
    sentences = [s for s in _SENTENCE_END.split(prose) if _WORD.search(s)]
    return Readability(
        words=len(words),
        sentences=max(1, len(sentences)),
        syllables=sum(syllables(w) for w in words),
    )


def main(paths: list[str]) -> int:
    worst = 0.0
    paths = [p for p in paths if not p.endswith("README.md")]
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            result = measure(fh.read())
        worst = max(worst, result.reading_age)
        flag = "  WARNING: above the target" if result.reading_age > WARN_READING_AGE else ""
        print(f"{result.reading_age:5.1f}  {path}{flag}")
    if paths:
        print(f"reading age: highest {worst:.1f}, target about {TARGET_READING_AGE:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
