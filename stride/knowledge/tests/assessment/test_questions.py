"""The next question on the real knowledge: pathways, the stopping rule and safety nets.

Each test plays a person through the adaptive questionnaire: they answer yes to what
they have, and "not sure" to everything else (the hardest case: no other answer helps).
"""

from __future__ import annotations

from stride.core.assessment.engine import assess
from stride.core.assessment.model import Result
from stride.core.assessment.questions import moot_test
from stride.knowledge import assessment_kb

KB = assessment_kb.knowledge_base()


def play(
    age: int, where: str, has: set[str], no: frozenset[str] = frozenset()
) -> tuple[Result, list[str]]:
    answers: dict[str, bool] = {where: True}
    not_sure: list[str] = []
    asked: list[str] = []
    result = assess(KB, age=age, answers=answers, not_sure=not_sure)
    while result.next_question is not None and len(asked) < 40:
        finding = result.next_question
        assert finding not in asked, f"{finding} asked twice"
        asked.append(finding)
        if finding in has or finding in no:
            answers[finding] = finding in has
        else:
            not_sure.append(finding)
        result = assess(KB, age=age, answers=answers, not_sure=not_sure)
    return result, asked


def test_after_a_fall_onto_the_heel_weight_bearing_and_squeeze_pain_are_asked():
    result, asked = play(45, "loc.heel_bottom", {"onset.any_injury", "onset.fall_or_heavy_landing",
                                                  "red.cannot_bear_weight"})  # fmt: skip
    assert {
        "onset.fall_or_heavy_landing",
        "red.cannot_bear_weight",
        "sym.heel_squeeze_pain",
    } <= set(asked)
    assert result.triage.level in {"urgent", "emergency"}


def test_not_sure_about_everything_never_skips_the_ottawa_questions():
    _, asked = play(30, "loc.ankle_outer", {"onset.any_injury", "onset.twisting_injury"})
    for finding in ("red.cannot_bear_weight", "red.tender_malleolus_posterior",
                    "red.tender_navicular", "red.tender_fifth_metatarsal_base"):  # fmt: skip
        assert finding in asked


def test_a_midfoot_misstep_with_a_bruised_sole_is_urgent():
    result, asked = play(
        38, "loc.midfoot_top", {"onset.any_injury", "onset.misstep", "sym.bruising_sole"}
    )
    assert "sym.bruising_sole" in asked
    assert result.triage.level == "urgent"


def test_calf_pain_without_swelling_reaches_the_clot_risk_factors():
    result, asked = play(34, "loc.calf", {"hx.pill_or_hrt", "hx.long_journey_4h"},
                         no=frozenset({"red.calf_swelling_one_leg"}))  # fmt: skip
    assert {"hx.recent_immobility_surgery_travel", "hx.clot_or_cancer"} <= set(asked)
    assert result.triage.level == "urgent"


def test_a_nail_session_asks_about_a_dark_streak_first_after_screening():
    result, asked = play(55, "loc.toenail", {"sym.dark_nail_streak_no_injury"})
    assert "sym.dark_nail_streak_no_injury" in asked[: len(KB.screening) + 2]
    assert result.triage.destination == "gp_soon"


def test_a_child_with_a_fever_who_will_not_walk_is_never_self_care():
    result, asked = play(4, "loc.ankle_front", {"red.fever_or_unwell", "red.will_not_bear_weight"})
    assert "red.will_not_bear_weight" in asked
    assert result.triage.level in {"urgent", "emergency"}


def test_unsure_about_a_cold_foot_with_an_irregular_heartbeat_is_asked_again_then_covered():
    has = {"hx.irregular_heartbeat", "onset.sudden_no_injury", "agg.rest_and_night", "sym.numbness"}
    result, asked = play(78, "loc.midfoot_top", has)
    assert "red.foot_colder_than_other" in asked
    assert asked.index("red.foot_colder_than_other") > asked.index("red.cold_pale_foot")
    assert result.triage.level == "emergency"
    assert "safety-net-cold-pale-foot" in {r.rule for r in result.triage.reasons}


def test_a_second_asking_answered_no_does_not_fire_the_safety_net():
    has = {"hx.irregular_heartbeat", "onset.sudden_no_injury", "agg.rest_and_night", "sym.numbness"}
    result, _ = play(78, "loc.midfoot_top", has, no=frozenset({"red.foot_colder_than_other"}))
    assert "safety-net-cold-pale-foot" not in {r.rule for r in result.triage.reasons}


def test_the_session_goes_on_while_a_question_could_exclude_a_danger():
    # An ankle injury with nothing else known: fracture cannot be excluded until the
    # Ottawa questions are answered, so a person who answers them no is asked them all.
    no = frozenset({"red.cannot_bear_weight", "red.tender_malleolus_posterior",
                    "red.tender_navicular", "red.tender_fifth_metatarsal_base"})  # fmt: skip
    result, asked = play(
        30, "loc.ankle_outer", {"onset.any_injury", "onset.twisting_injury"}, no=no
    )
    assert no <= set(asked)
    assert result.triage.level in {"self_care", "appointment"}


def test_once_an_emergency_rule_fires_the_calf_checklist_is_not_asked():
    # A cold, pale foot gone suddenly numb is an emergency whatever else is said: the
    # clot risk questions of calf pain could no longer change the advice or the cause.
    result, asked = play(60, "loc.calf", {"red.cold_pale_foot", "red.sudden_numb_weak_foot"})
    assert result.triage.level == "emergency"
    assert asked == list(KB.screening)


def test_after_an_urgent_injury_rule_the_emergency_red_flags_are_still_asked():
    # Not bearing weight after a twist fires the Ottawa rule (urgent); deformity and pain
    # out of proportion could still make it an emergency, so they are asked.
    result, asked = play(30, "loc.ankle_outer", {"onset.twisting_injury", "red.cannot_bear_weight"})
    assert result.triage.level == "urgent"
    assert {"red.deformity", "red.severe_pain_out_of_proportion"} <= set(asked)


def test_only_explicit_answers_make_a_pathway_question_moot():
    emergency = {"loc.calf": True, "red.cold_pale_foot": True, "red.sudden_numb_weak_foot": True}
    assert moot_test(KB, age=60, answers=emergency)("hx.previous_clot")
    unsure = moot_test(KB, age=60, answers={"loc.calf": True},
                       not_sure=["red.cold_pale_foot", "red.sudden_numb_weak_foot"])  # fmt: skip
    assert not unsure("hx.previous_clot")
    assert not unsure("red.calf_swelling_one_leg")


def test_a_pathway_question_that_could_raise_the_triage_is_never_moot():
    # Calf pain and nothing else: one-sided swelling could make it urgent (a clot).
    moot = moot_test(KB, age=40, answers={"loc.calf": True})
    assert not moot("red.calf_swelling_one_leg")
    assert not moot("red.breathless_or_chest_pain")


def test_after_an_a_and_e_rule_a_question_that_could_mean_999_is_still_asked():
    # Pain out of proportion after a crush sends the person to A&E (compartment
    # syndrome); chest pain or breathlessness would mean calling 999, so it still
    # matters, while one-sided calf swelling (a clot, seen the same day) no longer does.
    moot = moot_test(KB, age=40, answers={"loc.calf": True, "onset.crush_injury": True,
                                          "red.severe_pain_out_of_proportion": True})  # fmt: skip
    assert not moot("red.breathless_or_chest_pain")
    assert moot("red.calf_swelling_one_leg")
