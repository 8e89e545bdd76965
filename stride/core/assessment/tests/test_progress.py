"""The progress estimate on the tiny knowledge base of ``test_engine`` (stop_below 0.05,
stop_step 0.01, screening ``scr.first`` then ``scr.second``), with one pathway added:
``a.one`` then ``c.x`` for whoever answered yes to ``inj.injury``."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stride.core.assessment import progress
from stride.core.assessment.model import Pathway
from stride.core.assessment.tests.test_engine import make_kb

INJURY = Pathway(id="injury", ask=("a.one", "c.x"), when=(frozenset({"inj.injury"}),))
KB = make_kb(pathways=(INJURY,))
SCREENED = {"scr.first": False, "scr.second": False}


def test_the_screening_questions_are_queued_first():
    assert progress.queued(KB, age=30, answers={}) == ("scr.first", "scr.second")


def test_a_pathway_queues_its_questions_once_it_applies():
    assert progress.queued(KB, age=30, answers=SCREENED) == ()
    answers = {**SCREENED, "inj.injury": True}
    assert progress.queued(KB, age=30, answers=answers) == ("a.one", "c.x")


def test_questions_answered_or_not_sure_are_not_queued():
    answers = {**SCREENED, "inj.injury": True, "a.one": False}
    assert progress.queued(KB, age=30, answers=answers, not_sure=["c.x"]) == ()
    assert progress.queued(KB, age=30, answers={}, not_sure=["scr.first"]) == ("scr.second",)


def test_still_needed_is_what_is_queued_then_what_the_stopping_rule_allows():
    # Two queued; after them the bar is 0.05 + 0.01 x 2 = 0.07: (0.15 - 0.07) / 0.01 = 8.
    assert progress.still_needed(KB, age=30, answers={}) == 2 + 8
    # Two answered, none queued: the same bar, the same 8.
    assert progress.still_needed(KB, age=30, answers=SCREENED) == 8
    # Four answered and two queued: the bar after them is 0.11, so 4 more.
    answers = {**SCREENED, "inj.injury": True, "a.two": True}
    assert progress.still_needed(KB, age=30, answers=answers) == 2 + 4


def test_not_sure_does_not_shorten_the_estimate():
    assert progress.still_needed(KB, age=30, answers=SCREENED, not_sure=["a.two", "u.sign"]) == 8


def test_while_a_question_is_on_screen_at_least_two_are_still_needed():
    answers = dict.fromkeys(("scr.first", "scr.second", "a.two", "a.weak", "n.flat", "u.sign",
                             "e.sign", "red.bad", "red.worse", "c.y"), False)  # fmt: skip
    assert progress.still_needed(KB, age=30, answers=answers) == progress.MIN_SEARCH


def test_a_knowledge_base_with_no_rising_bar_still_gets_an_estimate():
    flat = make_kb(stop_step=0.0)
    assert progress.still_needed(flat, age=30, answers={}) == 2 + progress.MIN_SEARCH


def test_the_fraction_is_asked_over_asked_and_still_needed():
    assert progress.fraction(0, 10) == 0.0
    assert progress.fraction(5, 5) == 0.5
    assert progress.fraction(3, 9) == 0.25
    assert progress.fraction(0, 0) == 0.0


def test_the_fraction_never_goes_back():
    assert progress.fraction(5, 5, shown=0.6) == 0.6
    assert progress.fraction(6, 4, shown=0.5) == 0.6


def test_the_fraction_stops_short_of_full_before_the_results():
    assert progress.fraction(39, 1) == progress.CAP == 0.95
    assert progress.fraction(39, 1, shown=0.99) == 0.95


@given(asked=st.integers(0, 60), needed=st.integers(0, 60), shown=st.floats(0, 1))
def test_the_fraction_is_monotonic_and_capped(asked: int, needed: int, shown: float):
    value = progress.fraction(asked, needed, shown=shown)
    assert value <= progress.CAP
    assert value >= min(shown, progress.CAP) - 1e-4


def test_the_words_name_a_rough_share_never_a_count():
    assert progress.words(0.0) == "Just started"
    assert progress.words(0.2) == "About a quarter of the way"
    assert progress.words(0.45) == "About halfway"
    assert progress.words(0.7) == "More than halfway"
    assert progress.words(0.95) == "Nearly there"
