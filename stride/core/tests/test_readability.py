import pytest

from stride.core import readability


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("foot", 1),
        ("ankle", 2),
        ("heel", 1),
        ("bone", 1),
        ("walked", 1),
        ("tibia", 3),
        ("swelling", 2),
        ("inflammation", 4),
        ("podiatrist", 4),
        ("the", 1),
    ],
)
def test_it_counts_syllables_of_common_and_medical_words(word, count):
    assert readability.syllables(word) == count


def test_short_plain_sentences_read_younger_than_long_technical_ones():
    plain = "Your heel hurts. It is worse in the morning. Rest helps a bit."
    technical = (
        "Plantar fasciopathy represents a degenerative musculoskeletal condition "
        "characterised by microtearing, neovascularisation and thickening of the "
        "plantar aponeurosis, frequently exacerbated by prolonged weight-bearing activity."
    )
    assert readability.measure(plain).reading_age < 9
    assert readability.measure(technical).reading_age > 18


def test_front_matter_headings_and_link_targets_are_not_scored():
    doc = "---\ntitle: A very long incomprehensible polysyllabic title\n---\n## Why\n[Go](https://example.org/a-very-long-url)."
    result = readability.measure(doc)
    assert result.words == 2
    assert result.sentences == 2


def test_empty_text_has_no_grade():
    assert readability.measure("").grade == 0.0
