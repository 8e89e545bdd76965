"""``evaluate``: the measures on literal examples, and the quality bars on the vignettes.

The bars are regression gates: with every answer given, the development vignettes reach
top-1 >= 0.85, top-3 >= 0.97, exact triage >= 0.90 and no under-triage; the textbook
vignettes (written before any tuning) have no under-triage.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stride.core.assessment import engine
from stride.core.assessment.evaluate import Case, Summary, evaluate, judge, percentile
from stride.core.assessment.model import Ranked, Result, Triage
from stride.knowledge import ROOT, assessment_kb

VIGNETTES = ROOT / "vignettes"


def load(path: Path) -> list[Case]:
    with path.open(encoding="utf-8") as fh:
        return [Case.from_dict(c) for c in yaml.safe_load(fh)["cases"]]


def result(slugs: list[str], level: str) -> Result:
    return Result(
        triage=Triage(level=level, destination="podiatry", reasons=(), advice=""),
        conditions=tuple(
            Ranked(slug=s, name=s, probability=0.5, supporting=(), against=(), usual_triage=level)
            for s in slugs
        ),
        next_question=None,
        knowledge_version="t",
    )


def case(condition: str = "gold", triage: str = "appointment", also: tuple[str, ...] = ()) -> Case:
    return Case(id="c1", age=30, sex="female", answers={}, condition=condition,
                also_acceptable=also, triage=triage)  # fmt: skip


# --- percentile ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 90, 0.0),
        ([7], 90, 7.0),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9.0),  # rank ceil(9) = 9
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 10.0),  # rank ceil(9.5) = 10
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5.0),
        ([5, 1, 3], 50, 3.0),  # unsorted input; rank ceil(1.5) = 2
        ([5, 1, 3], 0, 1.0),  # rank at least 1
        ([5, 1, 3], 100, 5.0),
        ([4, 4, 30], 66, 4.0),  # rank ceil(1.98) = 2
        ([4, 4, 30], 67, 30.0),  # rank ceil(2.01) = 3
    ],
)
def test_percentile_is_nearest_rank(values, q, expected):
    assert percentile(values, q) == expected


def test_percentile_does_not_sort_its_argument_in_place():
    values = [3, 1, 2]
    percentile(values, 50)
    assert values == [3, 1, 2]


# --- judge --------------------------------------------------------------------------------


def test_judge_a_hit():
    outcome = judge(case(), result(["gold", "b", "c", "d"], "appointment"), 7, ("loc.x",))
    assert outcome.case == "c1"
    assert outcome.top == ("gold", "b", "c")
    assert outcome.level == "appointment"
    assert (outcome.top1, outcome.top3, outcome.triage_exact) == (True, True, True)
    assert (outcome.under, outcome.over) == (False, False)
    assert (outcome.questions, outcome.asked) == (7, ("loc.x",))


def test_judge_top1_accepts_also_acceptable_but_top3_needs_the_gold_one():
    outcome = judge(case(also=("alt",)), result(["alt", "b", "c"], "appointment"))
    assert (outcome.top1, outcome.top3) == (True, False)
    outcome = judge(case(also=("alt",)), result(["alt", "gold"], "appointment"))
    assert (outcome.top1, outcome.top3) == (True, True)


def test_judge_top3_without_top1():
    outcome = judge(case(), result(["a", "b", "gold", "d"], "appointment"))
    assert (outcome.top1, outcome.top3) == (False, True)
    outcome = judge(case(), result(["a", "b", "c", "gold"], "appointment"))
    assert (outcome.top1, outcome.top3) == (False, False)


def test_judge_no_conditions():
    outcome = judge(case(), result([], "self_care"))
    assert (outcome.top1, outcome.top3, outcome.top) == (False, False, ())


@pytest.mark.parametrize(
    ("gold", "got", "exact", "under", "over"),
    [
        ("emergency", "emergency", True, False, False),
        ("emergency", "urgent", False, True, False),
        ("urgent", "appointment", False, True, False),
        ("urgent", "self_care", False, True, False),
        ("urgent", "emergency", False, False, True),
        ("appointment", "self_care", False, False, False),  # not under: gold is not urgent
        ("appointment", "urgent", False, False, True),
        ("self_care", "appointment", False, False, True),
        ("self_care", "self_care", True, False, False),
    ],
)
def test_judge_triage(gold, got, exact, under, over):
    outcome = judge(case(triage=gold), result(["gold"], got))
    assert (outcome.triage_exact, outcome.under, outcome.over) == (exact, under, over)
    assert outcome.level == got


# --- the vignettes ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dev_summary() -> Summary:
    return evaluate(assessment_kb.knowledge_base(), load(VIGNETTES / "dev.yaml"))


def test_dev_vignettes_are_all_there(dev_summary):
    assert dev_summary.cases >= 30


def test_dev_top1(dev_summary):
    assert dev_summary.top1 >= 0.85, dev_summary.failures


def test_dev_top3(dev_summary):
    assert dev_summary.top3 >= 0.97, dev_summary.failures


def test_dev_triage_exact(dev_summary):
    assert dev_summary.triage_exact >= 0.90, dev_summary.failures


def test_dev_no_under_triage(dev_summary):
    assert dev_summary.under_triage == 0, dev_summary.failures


def test_dev_adaptive_replay_asks_a_median_of_12_questions_at_most(dev_summary):
    assert dev_summary.questions_median <= 12
    assert dev_summary.questions_p90 <= 21
    assert dev_summary.adaptive_under_triage == 0


def test_textbook_vignettes_have_no_under_triage_with_all_answers():
    kb = assessment_kb.knowledge_base()
    cases = load(VIGNETTES / "textbook.yaml")
    assert len(cases) >= 50
    under = [
        (c.id, c.triage, o.level)
        for c in cases
        if (o := judge(c, engine.assess(kb, age=c.age, sex=c.sex, answers=c.answers))).under
    ]
    assert under == []
