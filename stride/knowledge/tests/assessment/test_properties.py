"""Properties of the engine on the real knowledge base, with Hypothesis.

``stride.knowledge.assessment_kb`` reads YAML with ``yaml`` and builds the engine's plain
dataclasses: it needs no Django settings, so these tests stay inside ``stride.core``'s
purity contract (no Django, no database).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from stride.core.assessment import engine, evaluate
from stride.core.assessment.model import LEVELS, Result, urgency
from stride.knowledge import assessment_kb

# Hypothesis caches constants read from the project's source files in ./.hypothesis when
# it collects tests, even with database=None: keep that cache out of the project tree.
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "stride-hypothesis")

KB = assessment_kb.knowledge_base()
FINDINGS = KB.findings
RED_FLAG_FINDINGS = sorted(KB.red_flag_findings)
SLUGS = [c.slug for c in KB.conditions]
NO_RULE = len(LEVELS)  # the rule floor when no rule fires: below every level

# Modest, so the file runs in seconds; no example database in the working tree.
CHEAP = settings(max_examples=150, deadline=None, database=None)
REPLAYS = settings(max_examples=40, deadline=None, database=None)

ages = st.integers(min_value=0, max_value=120)
sexes = st.sampled_from(["female", "male", "other", "unspecified"])
random_answers = st.dictionaries(st.sampled_from(FINDINGS), st.booleans(), max_size=20)
# The screening questions come first; answering them lets the next question be chosen.
screened_answers = st.builds(
    lambda screening, rest: {**rest, **screening},
    st.fixed_dictionaries({f: st.booleans() for f in KB.screening}),
    random_answers,
)
answer_sets = st.one_of(random_answers, screened_answers)
red_flags = st.sampled_from(RED_FLAG_FINDINGS)


def assess(age: int, sex: str, answers: Mapping[str, bool], not_sure: Iterable[str] = ()) -> Result:
    return engine.assess(KB, age=age, sex=sex, answers=answers, not_sure=not_sure)


def rule_floor(age: int, answers: Mapping[str, bool]) -> int:
    return min((urgency(r.level) for r in engine.fired_rules(KB, age, answers)), default=NO_RULE)


def ranked(result: Result) -> list[tuple[str, float]]:
    return [(c.slug, c.probability) for c in result.conditions]


def test_the_real_knowledge_base_loads_without_django():
    code = (
        "import sys; from stride.knowledge import assessment_kb; "
        "kb = assessment_kb.knowledge_base(); "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)
    assert all(r.findings <= set(FINDINGS) for r in KB.rules)
    assert set(KB.screening) <= set(FINDINGS)


# --- red flags ----------------------------------------------------------------------------


@CHEAP
@given(age=ages, sex=sexes, answers=answer_sets, flag=red_flags)
def test_a_true_red_flag_never_lowers_the_rule_floor(age, sex, answers, flag):
    before = {f: v for f, v in answers.items() if f != flag}
    after = {**before, flag: True}
    assert rule_floor(age, after) <= rule_floor(age, before)
    # and the triage always honours every rule that fires
    assert urgency(assess(age, sex, after).triage.level) <= rule_floor(age, after)


# --- not sure -----------------------------------------------------------------------------


@CHEAP
@given(age=ages, sex=sexes, answers=answer_sets, unsure=st.sets(st.sampled_from(FINDINGS)))
def test_not_sure_is_the_same_as_not_answered(age, sex, answers, unsure):
    not_sure = sorted(unsure - answers.keys())
    plain = assess(age, sex, answers)
    with_unsure = assess(age, sex, answers, not_sure)
    assert with_unsure.triage == plain.triage
    assert ranked(with_unsure) == ranked(plain)
    assert with_unsure.conditions == plain.conditions


# --- probabilities and ranking ------------------------------------------------------------


@CHEAP
@given(age=ages, sex=sexes, answers=answer_sets)
def test_probabilities_are_in_range_and_sorted(age, sex, answers):
    result = assess(age, sex, answers)
    values = [c.probability for c in result.conditions]
    assert all(0.0 <= p <= 1.0 for p in values)
    assert values == sorted(values, reverse=True)
    assert len(result.conditions) >= min(5, len(SLUGS))
    assert len({c.slug for c in result.conditions}) == len(result.conditions)
    assert result.triage.level in LEVELS
    if result.triage.level in ("emergency", "urgent"):
        assert result.triage.advice  # always plain advice on where to go
    assert result.triage.reasons


# --- order --------------------------------------------------------------------------------


@CHEAP
@given(
    age=ages,
    sex=sexes,
    answers=answer_sets,
    unsure=st.sets(st.sampled_from(FINDINGS), max_size=8),
    rnd=st.randoms(use_true_random=False),
)
def test_the_order_of_answers_does_not_matter(age, sex, answers, unsure, rnd):
    not_sure = [f for f in sorted(unsure) if f not in answers]
    items = list(answers.items())
    rnd.shuffle(items)
    shuffled_not_sure = list(not_sure)
    rnd.shuffle(shuffled_not_sure)
    assert assess(age, sex, dict(items), shuffled_not_sure) == assess(age, sex, answers, not_sure)


# --- next question and the adaptive replay ------------------------------------------------


@CHEAP
@given(
    age=ages,
    sex=sexes,
    answers=screened_answers,
    unsure=st.sets(st.sampled_from(FINDINGS), max_size=20),
)
def test_next_question_is_never_answered_or_not_sure(age, sex, answers, unsure):
    not_sure = sorted(unsure - answers.keys())
    question = assess(age, sex, answers, not_sure).next_question
    if question is not None:
        assert question in FINDINGS
        assert question not in answers
        assert question not in not_sure


@CHEAP
@given(age=ages, sex=sexes, answers=answer_sets, finding=st.sampled_from(FINDINGS),
       value=st.booleans())  # fmt: skip
def test_the_look_ahead_matches_answering(age, sex, answers, finding, value):
    """``next_question`` judges a question by ``log_odds_if``: it must be what answering does."""
    comp = engine.compile_kb(KB)
    state = engine.State(KB, comp, age, sex)
    for f in sorted(answers):
        if f != finding:
            state.answer(f, answers[f])
    predicted = state.log_odds_if(state.log_odds(), finding, value)
    state.answer(finding, value)
    assert predicted == pytest.approx(state.log_odds(), abs=1e-9)


def _case(age: int, sex: str, answers: dict[str, bool], gold: str) -> evaluate.Case:
    level = next(c.usual_triage for c in KB.conditions if c.slug == gold)
    return evaluate.Case(id="hypothesis", age=age, sex=sex, answers=answers, condition=gold,
                         also_acceptable=(), triage=level)  # fmt: skip


@REPLAYS
@given(
    age=ages,
    sex=sexes,
    answers=st.dictionaries(st.sampled_from(FINDINGS), st.booleans(), min_size=1, max_size=60),
    gold=st.sampled_from(SLUGS),
)
def test_the_adaptive_replay_never_asks_twice_and_stops_within_30(age, sex, answers, gold):
    result, asked = evaluate.replay(KB, _case(age, sex, answers, gold))
    assert len(asked) <= evaluate.MAX_QUESTIONS
    assert len(set(asked)) == len(asked)
    assert result.next_question is None or len(asked) == evaluate.MAX_QUESTIONS
    if result.next_question is not None:
        assert result.next_question not in asked


@REPLAYS
@given(age=ages, sex=sexes, seed=st.integers(0, 2**32 - 1))
def test_an_unbounded_questionnaire_never_repeats_and_ends(age, sex, seed):
    """Past the replay's cap of 30, the engine alone still never repeats and runs dry."""
    rnd = random.Random(seed)
    answers: dict[str, bool] = {}
    not_sure: list[str] = []
    seen: set[str] = set()
    for _ in range(len(FINDINGS) + 1):
        question = assess(age, sex, answers, not_sure).next_question
        if question is None:
            break
        assert question not in seen
        seen.add(question)
        choice = rnd.random()
        if choice < 0.2:
            not_sure.append(question)
        else:
            answers[question] = choice < 0.5
    else:
        pytest.fail("the questionnaire asked more questions than there are findings")
