"""The engine on a tiny hand-built knowledge base, with every expected number worked out here.

Four conditions (ages: ``young`` 0-39, ``old`` 40-120):

- alpha: appointment / podiatry; prior share 0.1, young x2, old x0.5, female x1.5.
- bravo: self_care / self_care; prior 0.2.
- charlie: urgent / gp_today; prior 0.01, old x3.
- delta: emergency / a_and_e; prior 0.01.

So at 30 (female) the priors are alpha 0.3, bravo 0.2, charlie 0.01, delta 0.01; at 50
(male) alpha 0.05, bravo 0.2, charlie 0.03, delta 0.01. Thresholds: emergency 0.1, urgent
0.2. ``c.x`` and ``c.y`` form a cluster capped at a likelihood ratio of 20. Rules: ``r-bad``
(urgent, urgent_care) on ``red.bad``; ``r-worse`` (emergency, 999, ages 16-60) on
``inj.injury`` and one of ``red.worse`` / ``red.bad``. Screening: ``scr.first`` then
``scr.second``.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from stride.core.assessment import engine, questions
from stride.core.assessment.model import (
    Cluster,
    ConditionModel,
    KnowledgeBase,
    Likelihood,
    Result,
    Rule,
)

FINDINGS = (
    "scr.first", "scr.second", "a.one", "a.two", "a.weak", "c.x", "c.y", "n.flat",
    "u.sign", "e.sign", "red.bad", "red.worse", "inj.injury",
)  # fmt: skip
ADVICE = {
    "999": "Call 999 now.",
    "a_and_e": "Go to A&E.",
    "urgent_care": "Go to an urgent treatment centre.",
    "gp_today": "See a GP today.",
    "podiatry": "Book a podiatrist.",
    "self_care": "Rest at home.",
}
RULE_BAD = Rule(
    id="r-bad",
    level="urgent",
    destination="urgent_care",
    when=(frozenset({"red.bad"}),),
    reason="You said it is bad.",
    advice="Rule r-bad: go to urgent care today.",
)
RULE_WORSE = Rule(
    id="r-worse",
    level="emergency",
    destination="999",
    when=(frozenset({"inj.injury"}), frozenset({"red.worse", "red.bad"})),
    reason="You said it got worse after an injury.",
    advice="Rule r-worse: call 999.",
    age_min=16,
    age_max=60,
)


def make_kb(**changes: object) -> KnowledgeBase:
    kb = KnowledgeBase(
        version="test-1",
        findings=FINDINGS,
        age_bands={"young": (0, 39), "old": (40, 120)},
        thresholds={"emergency": 0.1, "urgent": 0.2},
        background={},
        clusters=(Cluster(id="xy", findings=frozenset({"c.x", "c.y"}), max_lr=20.0),),
        conditions=(
            ConditionModel(
                slug="alpha",
                name="Alpha",
                usual_triage="appointment",
                destination="podiatry",
                share=0.1,
                age={"young": 2.0, "old": 0.5},
                sex={"female": 1.5},
                findings={
                    "a.one": Likelihood(given=0.8, other=0.1),
                    "a.two": Likelihood(given=0.3, other=0.6),
                    "a.weak": Likelihood(given=0.55, other=0.5),
                    "c.x": Likelihood(given=0.9, other=0.1),
                    "c.y": Likelihood(given=0.9, other=0.1),
                    "n.flat": Likelihood(given=0.4, other=0.4),
                },
            ),
            ConditionModel(
                slug="bravo",
                name="Bravo",
                usual_triage="self_care",
                destination="self_care",
                share=0.2,
                age={},
                sex={},
                findings={
                    "a.one": Likelihood(given=0.2, other=0.5),
                    "u.sign": Likelihood(given=0.9, other=0.05),
                },
            ),
            ConditionModel(
                slug="charlie",
                name="Charlie",
                usual_triage="urgent",
                destination="gp_today",
                share=0.01,
                age={"old": 3.0},
                sex={},
                findings={
                    "u.sign": Likelihood(given=0.9, other=0.05),
                    "red.bad": Likelihood(given=0.9, other=0.05),
                },
            ),
            ConditionModel(
                slug="delta",
                name="Delta",
                usual_triage="emergency",
                destination="a_and_e",
                share=0.01,
                age={},
                sex={},
                findings={"e.sign": Likelihood(given=0.9, other=0.075)},
            ),
        ),
        rules=(RULE_BAD, RULE_WORSE),
        advice=dict(ADVICE),
        screening=("scr.first", "scr.second"),
    )
    return dataclasses.replace(kb, **changes) if changes else kb  # type: ignore[arg-type]


KB = make_kb()
SCREENED = {"scr.first": False, "scr.second": False}


def expected(prior: float, *ratios: float) -> float:
    """Posterior probability: prior odds times each likelihood ratio."""
    odds = prior / (1 - prior) * math.prod(ratios)
    return odds / (1 + odds)


def probs(result: Result) -> dict[str, float]:
    return {c.slug: c.probability for c in result.conditions}


def run(age: int = 30, sex: str = "female", kb: KnowledgeBase = KB, not_sure: tuple[str, ...] = (),
        **answers: bool) -> Result:  # fmt: skip
    """``assess`` with answers given as keywords: ``a__one=True`` is ``a.one: true``."""
    given = {k.replace("__", "."): v for k, v in answers.items()}
    return engine.assess(kb, age=age, sex=sex, answers=given, not_sure=not_sure)


# --- priors -------------------------------------------------------------------------------


def test_prior_is_share_times_age_and_sex_multipliers():
    assert probs(run(30, "female")) == {"alpha": 0.3, "bravo": 0.2, "charlie": 0.01, "delta": 0.01}
    assert probs(run(30, "male"))["alpha"] == 0.2  # no male multiplier: 1
    assert probs(run(30, "other"))["alpha"] == 0.2
    assert probs(run(50, "female"))["alpha"] == round(0.1 * 0.5 * 1.5, 4)
    assert probs(run(50, "male")) == {"alpha": 0.05, "bravo": 0.2, "charlie": 0.03, "delta": 0.01}


def test_age_bands_are_inclusive():
    assert probs(run(39, "male"))["alpha"] == 0.2
    assert probs(run(40, "male"))["alpha"] == 0.05


def test_prior_is_capped_at_095():
    alpha = dataclasses.replace(KB.conditions[0], share=0.6)  # 0.6 x 2 x 1.5 = 1.8
    kb = make_kb(conditions=(alpha, *KB.conditions[1:]))
    assert probs(run(30, "female", kb=kb))["alpha"] == 0.95


def test_log_odds_are_exact():
    comp = engine.compile_kb(KB)
    state = engine.State(KB, comp, 30, "female")
    state.answer("a.one", True)
    state.answer("a.two", False)
    alpha, bravo, charlie, delta = state.log_odds()
    assert alpha == pytest.approx(math.log(0.3 / 0.7 * 8 * (0.7 / 0.4)), abs=1e-12)
    assert bravo == pytest.approx(math.log(0.25 * 0.4), abs=1e-12)
    assert charlie == pytest.approx(math.log(0.01 / 0.99), abs=1e-12)
    assert delta == charlie


# --- answers ------------------------------------------------------------------------------


def test_yes_multiplies_the_odds_by_given_over_other():
    p = probs(run(a__one=True))
    assert p["alpha"] == round(expected(0.3, 0.8 / 0.1), 4) == 0.7742
    assert p["bravo"] == round(expected(0.2, 0.2 / 0.5), 4) == 0.0909
    assert p["charlie"] == 0.01  # not listed: likelihood ratio 1


def test_no_multiplies_the_odds_by_one_minus_given_over_one_minus_other():
    p = probs(run(a__one=False))
    assert p["alpha"] == round(expected(0.3, 0.2 / 0.9), 4) == 0.087
    assert p["bravo"] == round(expected(0.2, 0.8 / 0.5), 4) == 0.2857


def test_answers_combine_by_multiplying_odds():
    p = probs(run(a__one=True, a__two=False))
    assert p["alpha"] == round(expected(0.3, 8, 0.7 / 0.4), 4) == 0.8571  # odds 6
    p = probs(run(a__one=True, a__two=True, u__sign=True))
    assert p["alpha"] == round(expected(0.3, 8, 0.5), 4)
    assert p["bravo"] == round(expected(0.2, 0.4, 0.9 / 0.05), 4)
    assert p["charlie"] == round(expected(0.01, 0.9 / 0.05), 4)


def test_an_uninformative_finding_changes_nothing():
    assert probs(run(n__flat=True)) == probs(run(n__flat=False)) == probs(run())


def test_unknown_is_not_absent():
    assert probs(run())["alpha"] == 0.3
    assert probs(run(a__two=False))["alpha"] == round(expected(0.3, 0.7 / 0.4), 4)


def test_not_sure_changes_no_probability_and_no_triage():
    plain = run(a__one=True)
    unsure = run(a__one=True, not_sure=("a.two", "c.x", "red.bad", "e.sign"))
    assert unsure.conditions == plain.conditions
    assert unsure.triage == plain.triage


def test_a_location_a_condition_does_not_list_argues_against_it():
    alpha = dataclasses.replace(
        KB.conditions[0],
        findings={**KB.conditions[0].findings, "loc.spot": Likelihood(given=0.9, other=0.1)},
    )
    kb = make_kb(
        findings=(*FINDINGS, "loc.spot"),
        background={"loc.spot": 0.1},
        conditions=(alpha, *KB.conditions[1:]),
    )
    p = probs(run(kb=kb, loc__spot=True))
    assert p["alpha"] == round(expected(0.3, 9), 4)
    assert p["bravo"] == round(expected(0.2, kb.unlisted_location / 0.1), 4)
    p = probs(run(kb=kb, loc__spot=False))
    assert p["bravo"] == round(expected(0.2, (1 - kb.unlisted_location) / 0.9), 4)


# --- clusters -----------------------------------------------------------------------------


def test_cluster_below_its_cap_counts_in_full():
    assert probs(run(c__x=True))["alpha"] == round(expected(0.3, 9), 4)
    assert probs(run(c__x=False))["alpha"] == round(expected(0.3, 1 / 9), 4)
    assert probs(run(c__x=True, c__y=False))["alpha"] == 0.3  # 9 x 1/9


def test_cluster_cap_limits_the_combined_ratio_upwards():
    assert probs(run(c__x=True, c__y=True))["alpha"] == round(expected(0.3, 20), 4)  # not 81


def test_cluster_cap_limits_the_combined_ratio_downwards():
    assert probs(run(c__x=False, c__y=False))["alpha"] == round(expected(0.3, 1 / 20), 4)


def test_cluster_cap_leaves_other_findings_alone():
    p = probs(run(c__x=True, c__y=True, a__one=True))
    assert p["alpha"] == round(expected(0.3, 20, 8), 4)


# --- supporting / against -----------------------------------------------------------------


def test_supporting_and_against_list_the_strong_answers_strongest_first():
    result = run(a__one=True, c__x=True, a__two=True, a__weak=True, n__flat=True)
    alpha = next(c for c in result.conditions if c.slug == "alpha")
    assert alpha.supporting == ("c.x", "a.one")  # log 9, log 8; a.weak (x1.1) is too weak
    assert alpha.against == ("a.two",)  # x0.5
    bravo = next(c for c in result.conditions if c.slug == "bravo")
    assert bravo.supporting == ()
    assert bravo.against == ("a.one",)  # x0.4
    charlie = next(c for c in result.conditions if c.slug == "charlie")
    assert charlie.supporting == charlie.against == ()


def test_a_no_answer_never_supports():
    # "No" to a.two raises alpha (x1.75), but a reason is only ever a yes answer.
    alpha = run(a__two=False).conditions[0]
    assert alpha.slug == "alpha"
    assert alpha.probability > run().conditions[0].probability
    assert alpha.supporting == ()
    assert alpha.against == ()


def test_conditions_are_ranked_by_probability_then_slug():
    result = run()
    assert [c.slug for c in result.conditions] == ["alpha", "bravo", "charlie", "delta"]
    assert [c.usual_triage for c in result.conditions] == [
        "appointment", "self_care", "urgent", "emergency",
    ]  # fmt: skip
    assert result.knowledge_version == "test-1"


# --- triage -------------------------------------------------------------------------------


def test_triage_from_the_leading_condition():
    triage = run(30, "female").triage
    assert (triage.level, triage.destination, triage.advice) == (
        "appointment", "podiatry", "Book a podiatrist.",
    )  # fmt: skip
    assert [(r.rule, r.condition) for r in triage.reasons] == [(None, "alpha")]
    triage = run(50, "male").triage  # bravo 0.2 leads; charlie 0.03 and delta 0.01 are low
    assert (triage.level, triage.destination, triage.advice) == (
        "self_care", "self_care", "Rest at home.",
    )  # fmt: skip
    assert [(r.rule, r.condition) for r in triage.reasons] == [(None, "bravo")]


def test_triage_from_an_urgent_condition_over_its_threshold():
    result = run(50, "male", u__sign=True)
    p = probs(result)
    assert p["bravo"] == round(expected(0.2, 18), 4)  # leads
    assert p["charlie"] == round(expected(0.03, 18), 4) == 0.3576  # >= 0.2
    assert result.conditions[0].slug == "bravo"
    triage = result.triage
    assert (triage.level, triage.destination, triage.advice) == (
        "urgent", "gp_today", "See a GP today.",
    )  # fmt: skip
    assert [(r.rule, r.condition) for r in triage.reasons] == [(None, "charlie")]
    assert "is possible (about 36 in 100)" in triage.reasons[0].text
    assert triage.reasons[0].findings == ("u.sign",)


def test_an_urgent_condition_under_its_threshold_does_not_set_the_triage():
    result = run(30, "female", u__sign=True)
    assert probs(result)["charlie"] == round(expected(0.01, 18), 4) == 0.1538  # < 0.2
    assert result.triage.level == "self_care"  # bravo leads
    assert [r.condition for r in result.triage.reasons] == ["bravo"]


def test_triage_from_an_emergency_condition_over_its_threshold():
    result = run(50, "male", e__sign=True)
    p = probs(result)
    assert p["delta"] == round(expected(0.01, 12), 4) == 0.1081  # >= 0.1
    assert result.conditions[0].slug == "bravo"
    triage = result.triage
    assert (triage.level, triage.destination, triage.advice) == (
        "emergency",
        "a_and_e",
        "Go to A&E.",
    )
    assert [(r.rule, r.condition) for r in triage.reasons] == [(None, "delta")]


def test_triage_from_a_rule_takes_the_rules_destination_and_advice():
    result = run(30, "female", red__bad=True)
    assert probs(result)["charlie"] == 0.1538  # under the urgent threshold
    triage = result.triage
    assert (triage.level, triage.destination, triage.advice) == (
        "urgent", "urgent_care", "Rule r-bad: go to urgent care today.",
    )  # fmt: skip
    assert [(r.rule, r.condition, r.findings) for r in triage.reasons] == [
        ("r-bad", None, ("red.bad",))
    ]
    assert triage.reasons[0].text == "You said it is bad."


def test_an_emergency_rule_sets_999_and_its_advice():
    triage = run(30, "female", inj__injury=True, red__worse=True).triage
    assert (triage.level, triage.destination, triage.advice) == (
        "emergency", "999", "Rule r-worse: call 999.",
    )  # fmt: skip
    assert [(r.rule, r.findings) for r in triage.reasons] == [
        ("r-worse", ("inj.injury", "red.worse"))
    ]


def test_triage_is_the_most_urgent_of_rules_and_conditions():
    # r-bad fires (urgent) but delta is over the emergency threshold: emergency wins.
    result = run(50, "male", red__bad=True, e__sign=True)
    triage = result.triage
    assert (triage.level, triage.destination, triage.advice) == (
        "emergency",
        "a_and_e",
        "Go to A&E.",
    )
    assert [r.condition for r in triage.reasons] == ["delta"]
    # Both rules fire: only the emergency one gives the reason.
    triage = run(30, "female", inj__injury=True, red__bad=True).triage
    assert triage.level == "emergency"
    assert [(r.rule, r.findings) for r in triage.reasons] == [
        ("r-worse", ("inj.injury", "red.bad"))
    ]


def test_a_rule_and_a_condition_at_the_same_level_keep_the_rules_destination():
    # r-bad (urgent, urgent_care) fires and charlie (urgent, gp_today) is at 0.36.
    triage = run(50, "male", red__bad=True).triage
    assert (triage.level, triage.destination, triage.advice) == (
        "urgent", "urgent_care", "Rule r-bad: go to urgent care today.",
    )  # fmt: skip
    assert [(r.rule, r.condition) for r in triage.reasons] == [("r-bad", None), (None, "charlie")]


def test_at_the_same_level_the_more_urgent_destination_wins():
    # A rule pointing somewhere less urgent than a condition at its level.
    slow = dataclasses.replace(RULE_BAD, destination="gp_soon")
    kb = make_kb(rules=(slow, RULE_WORSE), advice={**ADVICE, "gp_soon": "See a GP soon."})
    triage = run(50, "male", kb=kb, red__bad=True).triage
    assert (triage.level, triage.destination, triage.advice) == (
        "urgent", "gp_today", "See a GP today.",
    )  # fmt: skip


@pytest.mark.parametrize(("age", "fires"), [(15, False), (16, True), (60, True), (61, False)])
def test_a_rule_fires_only_inside_its_age_window(age, fires):
    answers = {"inj.injury": True, "red.worse": True}
    assert [r.id for r in engine.fired_rules(KB, age, answers)] == (["r-worse"] if fires else [])
    result = engine.assess(KB, age=age, answers=answers)
    assert (result.triage.level == "emergency") is fires
    assert (result.triage.destination == "999") is fires


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"red.bad": False},
        {"inj.injury": True},
        {"inj.injury": True, "red.worse": False},
        {"inj.injury": False, "red.worse": True},
        {"red.worse": True},
    ],
)
def test_a_rule_does_not_fire_on_false_or_unknown(answers):
    assert engine.fired_rules(KB, 30, answers) == []
    triage = engine.assess(KB, age=30, sex="female", answers=answers).triage
    assert all(r.rule is None for r in triage.reasons)
    assert triage.level not in ("emergency", "urgent")


def test_a_rule_fires_on_true_in_every_group():
    assert engine.fired_rules(KB, 30, {"red.bad": True}) == [RULE_BAD]
    assert engine.fired_rules(KB, 30, {"inj.injury": True, "red.worse": True}) == [RULE_WORSE]
    assert engine.fired_rules(KB, 30, {"inj.injury": True, "red.bad": True}) == [
        RULE_BAD,
        RULE_WORSE,
    ]


# --- next question ------------------------------------------------------------------------


def test_screening_questions_come_first_in_their_order():
    assert run().next_question == "scr.first"
    assert run(a__one=True, red__bad=True).next_question == "scr.first"
    assert run(scr__first=False).next_question == "scr.second"
    assert run(scr__first=True).next_question == "scr.second"
    assert run(not_sure=("scr.first",)).next_question == "scr.second"
    assert run(scr__second=True).next_question == "scr.first"
    after = engine.assess(KB, age=30, answers=SCREENED).next_question
    assert after is not None
    assert after not in SCREENED
    reversed_kb = make_kb(screening=("scr.second", "scr.first"))
    assert run(kb=reversed_kb).next_question == "scr.second"


def test_a_not_sure_finding_is_never_the_next_question():
    not_sure: list[str] = []
    while True:
        question = engine.assess(
            KB, age=30, sex="female", answers=SCREENED, not_sure=not_sure
        ).next_question
        if question is None:
            break
        assert question not in not_sure
        assert question not in SCREENED
        not_sure.append(question)
    assert not_sure  # something was worth asking
    assert len(not_sure) == len(set(not_sure))


def test_a_half_met_rule_asks_for_its_missing_group():
    question = engine.assess(KB, age=30, answers={**SCREENED, "inj.injury": True}).next_question
    assert question in {"red.bad", "red.worse"}


def test_next_question_is_none_when_everything_is_answered():
    answers = dict.fromkeys(FINDINGS, False)
    assert engine.assess(KB, age=30, answers=answers).next_question is None


def test_next_question_is_none_when_no_answer_could_change_the_outcome():
    # Only n.flat is left, and it has a likelihood ratio of 1 for every condition.
    answers = {f: False for f in FINDINGS if f != "n.flat"}
    assert engine.assess(KB, age=30, answers=answers).next_question is None
    # ... or everything informative is in not_sure.
    informative = [f for f in FINDINGS if f not in SCREENED and f != "n.flat"]
    result = engine.assess(KB, age=30, answers=SCREENED, not_sure=informative)
    assert result.next_question is None


def test_an_unlisted_finding_outside_every_rule_is_never_asked():
    kb = make_kb(findings=(*FINDINGS, "z.unused"))
    not_sure: list[str] = []
    while q := engine.assess(kb, age=30, answers=SCREENED, not_sure=not_sure).next_question:
        assert q != "z.unused"
        not_sure.append(q)


# --- determinism --------------------------------------------------------------------------


def test_same_request_same_result():
    answers = {"a.one": True, "c.x": True, "red.bad": False, "u.sign": True}
    first = engine.assess(KB, age=44, sex="male", answers=answers, not_sure=["e.sign"])
    again = engine.assess(KB, age=44, sex="male", answers=answers, not_sure=["e.sign"])
    fresh = engine.assess(make_kb(), age=44, sex="male", answers=answers, not_sure=["e.sign"])
    reordered = engine.assess(
        KB, age=44, sex="male", answers=dict(reversed(answers.items())), not_sure={"e.sign"}
    )
    assert first == again == fresh == reordered


# --- what counts as a change worth a question ------------------------------------------

NOW = (0, frozenset({3}), 2, frozenset({0, 1, 3}), 5)  # leader, dangers, level, top 3, where


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (NOW, 0.0),
        ((1, frozenset({3}), 2, frozenset({0, 1, 3}), 5), 0.0),  # a new leader alone
        ((0, frozenset({3}), 1, frozenset({0, 1, 3}), 5), 1.0),  # the triage level
        ((1, frozenset({3}), 2, frozenset({0, 1, 3}), 6), 1.0),  # where it sends the person
        ((0, frozenset(), 2, frozenset({0, 1, 2}), 5), 1.0),  # a danger leaves the top three
        ((0, frozenset(), 2, frozenset({0, 1, 3}), 5), 0.0),  # ... but is still among them
        ((0, frozenset({3}), 2, frozenset({0, 3, 2}), 5), 0.25),  # a newcomer, by its share
    ],
)
def test_a_change_is_other_advice_an_uncovered_danger_or_a_likely_newcomer(outcome, expected):
    assert questions._change(outcome, NOW, {2: 0.25, 1: 0.5}) == expected


@pytest.mark.parametrize(("delta", "top3"), [(0.31, {0, 1, 2}), (0.4, {0, 1, 3})])
def test_a_newcomer_among_the_leading_three_must_be_clearly_ahead(delta, top3):
    # alpha 0.5, bravo 0.4, charlie 0.3, delta 0.29: delta must reach 1.25 x 0.3 to
    # displace charlie, as a new leader must be 1.25 times as likely.
    comp = engine.compile_kb(KB)
    now = questions._Now(KB, comp, [0.5, 0.4, 0.3, 0.29], 3)
    assert now.outcome[3] == {0, 1, 2}
    assert now.with_changes({3: delta}, 3, 0)[3] == top3
