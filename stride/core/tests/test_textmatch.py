import pytest

from stride.core import textmatch
from stride.core.textmatch import Entry

ENTRIES = [
    Entry("posterior-ankle-impingement", ("Posterior ankle impingement", "os trigonum syndrome")),
    Entry("anterior-ankle-impingement", ("Anterior ankle impingement", "footballer's ankle")),
    Entry("mortons-neuroma", ("Morton's neuroma", "interdigital neuroma")),
    Entry("plantar-fasciitis", ("Plantar heel pain (plantar fasciitis)", "policeman's heel")),
    Entry("subungual-haematoma", ("Bruised toenail (subungual haematoma)",)),
]
SYNONYMS = {"heel spur": ["plantar fasciitis"], "black toenail": ["bruised toenail"]}


def test_it_normalises_case_accents_apostrophes_and_punctuation():
    assert textmatch.normalise("  Morton\u2019s  NEUROMA!! ") == "mortons neuroma"
    assert textmatch.normalise("Café-au-lait") == "cafe au lait"


def test_trigrams_match_postgresql():
    # pg_trgm: show_trgm('cat') = {"  c"," ca","at ","cat"}
    assert textmatch.trigrams("cat") == {"  c", " ca", "cat", "at "}


@pytest.mark.parametrize(
    ("query", "top"),
    [
        ("os trigonum", "posterior-ankle-impingement"),
        ("footballers ankle", "anterior-ankle-impingement"),
        ("mortons", "mortons-neuroma"),
        ("heel spur", "plantar-fasciitis"),
        ("black toenail", "subungual-haematoma"),
        ("plantar fascitis", "plantar-fasciitis"),
        ("neuroma", "mortons-neuroma"),
    ],
)
def test_it_ranks_by_names_synonyms_and_near_misses(query, top):
    ranked = textmatch.rank(query, ENTRIES, SYNONYMS)
    assert ranked[0][0] == top


def test_unrelated_queries_match_nothing():
    assert textmatch.rank("chocolate cake", ENTRIES, SYNONYMS) == []
    assert textmatch.rank("", ENTRIES, SYNONYMS) == []
    assert textmatch.rank("   !!! ", ENTRIES, SYNONYMS) == []
