"""Issue 11, item 4: corrections a clinical review made to the assessment knowledge.

Each test runs a concrete person through the engine on the REAL knowledge base
(``stride/knowledge/assessment/*.yaml``) and checks the clinical behaviour the review
asked for: the triage level, the rule that sets it, or where a condition ranks. The
source of each correction is written beside the number or rule in the YAML; the
letters (a-l) follow the issue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

from stride.core.assessment.engine import assess
from stride.core.assessment.model import LEVELS, Likelihood, Result
from stride.knowledge import assessment_kb

KB = assessment_kb.knowledge_base()
CONDITIONS = {c.slug: c for c in KB.conditions}
RULES = {r.id: r for r in KB.rules}
BACKGROUND = KB.background


def person(
    age: int, yes: Iterable[str], no: Iterable[str] = (), sex: str = "unspecified"
) -> Result:
    answers: dict[str, bool] = dict.fromkeys(yes, True)
    answers.update(dict.fromkeys(no, False))
    return assess(KB, age=age, sex=sex, answers=answers)


def ranking(result: Result) -> list[str]:
    return [c.slug for c in result.conditions]


def rank_of(result: Result, slug: str) -> int:
    """Position in the listed conditions (0 = first); a long way down if not listed."""
    slugs = ranking(result)
    return slugs.index(slug) if slug in slugs else 99


def probability(result: Result, slug: str) -> float:
    return next((c.probability for c in result.conditions if c.slug == slug), 0.0)


def fires(rule_id: str, age: int, answers: Mapping[str, bool]) -> bool:
    """The rule's own definition: in its age range, every group has a finding answered yes."""
    rule = RULES[rule_id]
    true = {f for f, v in answers.items() if v is True}
    return rule.age_min <= age <= rule.age_max and all(group & true for group in rule.when)


def rule_ids(result: Result) -> set[str]:
    return {r.rule for r in result.triage.reasons if r.rule}


def at_least(result: Result, level: str) -> bool:
    return LEVELS.index(result.triage.level) <= LEVELS.index(level)


def likelihood(slug: str, finding: str) -> Likelihood:
    return CONDITIONS[slug].findings[finding]


def lr_yes(slug: str, finding: str) -> float:
    lik = likelihood(slug, finding)
    return lik.given / lik.other


def lr_no(slug: str, finding: str) -> float:
    lik = likelihood(slug, finding)
    return (1 - lik.given) / (1 - lik.other)


def cluster_of(finding: str) -> set[str]:
    return {c.id for c in KB.clusters if finding in c.findings}


HOT_BIG_TOE = [
    "loc.big_toe_joint",
    "red.hot_swollen_joint",
    "sym.redness",
    "sym.warmth",
    "sym.swelling",
    "onset.sudden_no_injury",
]


# --- a. a hot swollen joint is an emergency with diabetes, inflammatory arthritis or age 80+
# (Margaretten 2007: fever is absent in about 4 in 10 septic joints)


@pytest.mark.parametrize("risk", ["hx.diabetes", "hx.inflammatory_arthritis"])
def test_a_hot_joint_without_fever_is_an_emergency_with_diabetes_or_inflammatory_arthritis(risk):
    result = person(
        58, ["loc.ankle_front", "red.hot_swollen_joint", risk], no=["red.fever_or_unwell"]
    )
    assert result.triage.level == "emergency"
    assert result.triage.destination == "a_and_e"
    assert "hot-swollen-joint-high-risk" in rule_ids(result)


def test_a_hot_joint_without_fever_at_82_is_an_emergency():
    result = person(
        82,
        ["loc.big_toe_joint", "red.hot_swollen_joint", "hx.gout"],
        no=["red.fever_or_unwell", "hx.diabetes"],
        sex="male",
    )
    assert result.triage.level == "emergency"
    assert "hot-swollen-joint-age-80" in rule_ids(result)


def test_a_the_age_rule_starts_at_80():
    answers = {"red.hot_swollen_joint": True}
    assert fires("hot-swollen-joint-age-80", 80, answers)
    assert not fires("hot-swollen-joint-age-80", 79, answers)


def test_a_a_classic_recurrent_gout_flare_at_64_stays_urgent():
    # Not every hot joint goes to A&E: no fever, no risk factor, a previous attack.
    result = person(
        64,
        [*HOT_BIG_TOE, "hx.gout", "hx.gout_risk_factors"],
        no=["red.fever_or_unwell", "hx.diabetes", "sym.open_wound"],
        sex="male",
    )
    assert result.triage.level == "urgent"
    assert ranking(result)[0] == "gout"


# --- b. Charcot: diabetes with a warm, swollen foot is urgent even painless and not red (NICE NG19)


def test_b_diabetes_with_a_warm_swollen_foot_that_is_not_red_is_urgent():
    result = person(
        57,
        ["hx.diabetes", "sym.warmth", "sym.swelling", "loc.midfoot_top"],
        no=["sym.redness", "red.hot_swollen_foot_diabetes", "red.fever_or_unwell"],
    )
    assert result.triage.level == "urgent"
    assert "charcot-diabetes-warm-swollen-foot" in rule_ids(result)


def test_b_diabetes_with_a_swollen_foot_that_hurts_less_than_it_looks_is_urgent():
    result = person(
        57,
        ["hx.diabetes", "sym.pain_mild_for_appearance", "sym.swelling"],
        no=["sym.warmth", "red.hot_swollen_foot_diabetes"],
    )
    assert result.triage.level == "urgent"
    assert "charcot-diabetes-warm-swollen-foot" in rule_ids(result)


def test_b_the_charcot_rule_needs_diabetes():
    answers = {"sym.warmth": True, "sym.swelling": True}
    assert not fires("charcot-diabetes-warm-swollen-foot", 57, answers)


# --- c. not bearing weight, with or without an injury; a child with fever and limb pain


def test_c_a_child_with_fever_who_will_not_bear_weight_is_an_emergency():
    result = person(6, ["red.fever_or_unwell", "red.will_not_bear_weight"])
    assert result.triage.level == "emergency"
    assert "child-fever-and-joint-or-cannot-walk" in rule_ids(result)


@pytest.mark.parametrize(
    "sign",
    ["sym.limping_but_can_walk", "agg.rest_and_night", "sym.swelling", "sym.bone_point_tender"],
)
def test_c_a_child_with_fever_and_a_limb_pain_sign_is_urgent_at_least(sign):
    result = person(7, ["red.fever_or_unwell", sign])
    assert at_least(result, "urgent")
    assert fires("child-fever-and-limp", 7, {"red.fever_or_unwell": True, sign: True})


@pytest.mark.parametrize("place", [[], ["loc.heel_bottom"], ["loc.ankle_front"], ["loc.arch"]])
def test_c_an_adult_who_cannot_bear_weight_without_an_injury_is_not_self_care(place):
    result = person(45, ["red.will_not_bear_weight", *place], no=["onset.any_injury"])
    assert at_least(result, "urgent")
    assert ranking(result)[0] != "ankle-sprain"


def test_c_no_injury_stops_a_sprain_leading_when_a_person_will_not_bear_weight():
    result = person(45, ["loc.ankle_front", "red.will_not_bear_weight"], no=["onset.any_injury"])
    assert rank_of(result, "ankle-sprain") > rank_of(result, "gout")
    assert lr_no("ankle-sprain", "onset.any_injury") <= 0.06


@pytest.mark.parametrize(
    "slug",
    [
        "septic-arthritis",
        "gout",
        "ankle-fracture",
        "charcot-foot",
        "acute-limb-ischaemia",
        "calcaneal-stress-fracture",
        "cellulitis",
    ],
)
def test_c_not_bearing_weight_points_to_the_conditions_that_stop_walking(slug):
    assert lr_yes(slug, "red.will_not_bear_weight") > 1.5


def test_c_not_bearing_weight_counts_once_with_the_ottawa_answers():
    assert "ottawa" in cluster_of("red.will_not_bear_weight")


# --- d. calf pain with one major or two minor clot risk factors (Wells 1997, 2003; NICE NG158)


@pytest.mark.parametrize(
    "risk",
    [
        "hx.active_cancer",
        "hx.surgery_plaster_bedbound_12w",
        "hx.previous_clot",
        "hx.pregnant_or_recent_birth",
        "hx.clot_or_cancer",
        "hx.recent_immobility_surgery_travel",
    ],
)
def test_d_calf_pain_with_one_major_clot_risk_is_urgent_and_dvt_leads(risk):
    # Urgent even when the calf is not swollen; with the swelling question unanswered,
    # the clot is also the first condition listed.
    no_swelling = person(38, ["loc.calf", risk], no=["red.calf_swelling_one_leg"], sex="female")
    assert no_swelling.triage.level == "urgent"
    assert no_swelling.triage.destination == "gp_today"
    assert "dvt-calf-pain-major-risk" in rule_ids(no_swelling)
    result = person(38, ["loc.calf", risk], sex="female")
    assert ranking(result)[0] == "deep-vein-thrombosis"
    calf_only = person(38, ["loc.calf"], sex="female")
    assert probability(result, "deep-vein-thrombosis") > 2 * probability(
        calf_only, "deep-vein-thrombosis"
    )


@pytest.mark.parametrize(
    ("rule", "pair"),
    [
        ("dvt-calf-pain-pill-and-journey", ["hx.pill_or_hrt", "hx.long_journey_4h"]),
        ("dvt-calf-pain-pill-and-weight", ["hx.pill_or_hrt", "hx.obesity"]),
        ("dvt-calf-pain-journey-and-weight", ["hx.long_journey_4h", "hx.obesity"]),
    ],
)
def test_d_calf_pain_with_two_minor_clot_risks_is_urgent(rule, pair):
    result = person(34, ["loc.calf", *pair], sex="female")
    assert result.triage.level == "urgent"
    assert rule in rule_ids(result)
    assert rank_of(result, "deep-vein-thrombosis") <= 1


def test_d_over_60_counts_as_one_minor_risk():
    answers = {"loc.calf": True, "hx.obesity": True}
    assert fires("dvt-calf-pain-over-60-minor-risk", 61, answers)
    assert not fires("dvt-calf-pain-over-60-minor-risk", 60, answers)
    result = person(66, ["loc.calf", "hx.obesity"], sex="male")
    assert result.triage.level == "urgent"


def test_d_one_minor_risk_alone_sets_no_clot_rule():
    answers = {"loc.calf": True, "hx.long_journey_4h": True}
    dvt_rules = [r for r in RULES if r.startswith("dvt-calf-pain")]
    assert not [r for r in dvt_rules if fires(r, 40, answers)]


def test_d_clot_risk_factors_rank_dvt_above_a_calf_strain():
    plain = person(45, ["loc.calf"])
    with_risk = person(45, ["loc.calf", "hx.surgery_plaster_bedbound_12w"])
    assert rank_of(plain, "calf-strain") < rank_of(plain, "deep-vein-thrombosis")
    assert rank_of(with_risk, "deep-vein-thrombosis") < rank_of(with_risk, "calf-strain")
    for risk in [
        "hx.active_cancer",
        "hx.surgery_plaster_bedbound_12w",
        "hx.previous_clot",
        "hx.pill_or_hrt",
        "hx.long_journey_4h",
        "hx.obesity",
    ]:
        assert lr_yes("deep-vein-thrombosis", risk) > 1.4, risk


def test_d_the_old_and_new_clot_questions_are_not_counted_twice():
    assert cluster_of("hx.active_cancer") == cluster_of("hx.clot_or_cancer") == {"clot_risk"}
    assert cluster_of("hx.surgery_plaster_bedbound_12w") == cluster_of(
        "hx.recent_immobility_surgery_travel"
    )


# --- e. a midfoot injury with bruising on the sole


def test_e_a_midfoot_injury_with_a_bruised_sole_is_urgent_and_a_sprain_does_not_lead():
    result = person(
        29,
        ["loc.midfoot_top", "onset.twisting_injury", "sym.bruising_sole", "sym.swelling"],
        sex="male",
    )
    assert result.triage.level == "urgent"
    assert ranking(result)[0] in {"ankle-fracture", "lisfranc-injury"}
    assert (
        lr_yes("ankle-sprain", "sym.bruising_sole")
        < 1
        < lr_yes("ankle-fracture", "sym.bruising_sole")
    )
    assert lr_yes("ankle-fracture", "sym.bruising_sole") < lr_yes(
        "lisfranc-injury", "sym.bruising_sole"
    )


# --- f. a tense, throbbing blood blister under a nail in the first 48 hours (trephining)


def test_f_a_throbbing_blood_blister_under_a_nail_within_48_hours_is_same_day():
    result = person(
        35,
        [
            "loc.toenail",
            "sym.nail_dark_under",
            "sym.nail_throbbing",
            "duration.under_48_hours",
            "onset.direct_blow_to_toe",
        ],
        no=["sym.dark_nail_streak_no_injury"],
        sex="female",
    )
    assert result.triage.level == "urgent"
    assert result.triage.destination == "urgent_care"
    assert "subungual-haematoma-painful-first-48-hours" in rule_ids(result)
    assert ranking(result)[0] == "subungual-haematoma"


def test_f_after_48_hours_a_bruised_nail_is_self_care_again():
    result = person(
        35,
        [
            "loc.toenail",
            "sym.nail_dark_under",
            "sym.nail_throbbing",
            "duration.under_1_week",
            "onset.direct_blow_to_toe",
        ],
        no=["duration.under_48_hours", "sym.dark_nail_streak_no_injury"],
    )
    assert result.triage.level == "self_care"


# --- g. night pain in a child sees a GP soon; more urgent rules still win


def test_g_night_pain_in_a_child_sees_a_gp_soon():
    result = person(9, ["loc.heel_back_child", "agg.rest_and_night"], no=["red.fever_or_unwell"])
    assert result.triage.level == "appointment"
    assert result.triage.destination == "gp_soon"
    assert "child-night-pain" in rule_ids(result)


def test_g_night_pain_in_an_adult_sets_no_child_rule():
    assert not fires("child-night-pain", 16, {"agg.rest_and_night": True})


def test_g_the_child_night_pain_rule_never_lowers_a_more_urgent_one():
    with_fever = person(9, ["agg.rest_and_night", "red.fever_or_unwell"])
    assert with_fever.triage.level == "urgent"
    not_walking = person(
        9, ["agg.rest_and_night", "red.fever_or_unwell", "red.will_not_bear_weight"]
    )
    assert not_walking.triage.level == "emergency"


# --- h. a hot swollen joint favours gout and septic arthritis, not cellulitis


def test_h_a_hot_swollen_joint_does_not_favour_cellulitis():
    assert lr_yes("cellulitis", "red.hot_swollen_joint") <= 1.0
    assert lr_yes("gout", "red.hot_swollen_joint") > 10
    assert lr_yes("septic-arthritis", "red.hot_swollen_joint") > 10


def test_h_a_hot_swollen_joint_is_not_hidden_in_the_inflammation_cluster():
    hidden_with = {"sym.redness", "sym.warmth", "sym.swelling"}
    for cluster in KB.clusters:
        if "red.hot_swollen_joint" in cluster.findings:
            assert not cluster.findings & hidden_with, cluster.id


def test_h_a_hot_red_swollen_joint_leads_to_gout_not_cellulitis():
    result = person(60, ["red.hot_swollen_joint", "sym.redness", "sym.warmth", "sym.swelling"])
    assert ranking(result)[0] == "gout"
    assert rank_of(result, "cellulitis") > rank_of(result, "gout")


def test_h_a_hot_ankle_with_fever_in_rheumatoid_arthritis_leads_to_septic_arthritis():
    # textbook t053: cellulitis used to lead
    story = [
        "red.hot_swollen_joint",
        "red.fever_or_unwell",
        "hx.inflammatory_arthritis",
        "hx.immunosuppressed",
        "sym.swelling",
        "sym.redness",
        "sym.warmth",
        "onset.sudden_no_injury",
    ]
    result = person(74, story, no=["hx.gout", "sym.open_wound"], sex="male")
    assert result.triage.level == "emergency"
    assert ranking(result)[0] == "septic-arthritis"


def test_h_a_hot_red_ankle_joint_with_fever_puts_septic_arthritis_above_cellulitis():
    result = person(
        50,
        [
            "loc.ankle_front",
            "red.hot_swollen_joint",
            "red.fever_or_unwell",
            "sym.redness",
            "sym.warmth",
            "sym.swelling",
        ],
    )
    assert ranking(result)[0] == "septic-arthritis"
    assert rank_of(result, "cellulitis") > rank_of(result, "septic-arthritis")


# --- i. a dark nail streak without injury points to melanoma, not a bruise


def test_i_a_streak_without_injury_argues_against_a_bruised_nail():
    assert lr_yes("subungual-haematoma", "sym.dark_nail_streak_no_injury") < 1


@pytest.mark.parametrize("age", [30, 55, 70])
def test_i_a_dark_streak_without_injury_puts_the_nail_melanoma_check_first(age):
    # Someone with a streak also says the nail is dark: the nail_pigment cluster must not
    # cancel the streak's evidence.
    result = person(age, ["loc.toenail", "sym.dark_nail_streak_no_injury", "sym.nail_dark_under"])
    assert ranking(result)[0] == "possible-nail-melanoma"
    assert result.triage.level == "appointment"
    assert result.triage.destination == "gp_soon"


# --- j. fever does not raise gout


def test_j_fever_never_raises_gout():
    assert lr_yes("gout", "red.fever_or_unwell") <= 1.0


def test_j_a_hot_joint_with_fever_puts_septic_arthritis_above_gout():
    result = person(
        50,
        [
            "loc.ankle_front",
            "red.hot_swollen_joint",
            "red.fever_or_unwell",
            "sym.redness",
            "sym.warmth",
            "sym.swelling",
        ],
    )
    assert rank_of(result, "septic-arthritis") < rank_of(result, "gout")


# --- k. ankle arthritis is against a sudden, warm onset


@pytest.mark.parametrize(
    "finding",
    ["onset.sudden_no_injury", "sym.warmth", "red.hot_swollen_joint", "duration.under_48_hours"],
)
def test_k_a_sudden_warm_start_argues_against_ankle_arthritis(finding):
    assert lr_yes("ankle-osteoarthritis", finding) < 0.5


def test_k_a_suddenly_hot_ankle_is_not_put_down_to_wear_and_tear():
    result = person(
        66,
        [
            "loc.ankle_front",
            "onset.sudden_no_injury",
            "sym.warmth",
            "sym.swelling",
            "duration.under_48_hours",
            "red.hot_swollen_joint",
        ],
    )
    assert rank_of(result, "ankle-osteoarthritis") > 2
    assert ranking(result)[0] in {"gout", "septic-arthritis"}


# --- l. a sudden cold, pale foot with vascular risk leads to acute limb ischaemia


def test_l_the_reviewers_case_leads_to_limb_ischaemia():
    result = person(72, ["hx.irregular_heartbeat", "red.cold_pale_foot", "onset.sudden_no_injury"])
    assert ranking(result)[0] == "acute-limb-ischaemia"
    assert probability(result, "acute-limb-ischaemia") > 0.5
    assert result.triage.level == "emergency"
    assert result.triage.destination == "999"


@pytest.mark.parametrize(
    "risk", ["hx.irregular_heartbeat", "hx.poor_circulation", "hx.smoker", "hx.diabetes"]
)
@pytest.mark.parametrize("age", [66, 72, 85])
@pytest.mark.parametrize(
    "more", [[], ["sym.numbness"], ["loc.toe_skin"], ["loc.ball_of_foot", "agg.rest_and_night"]]
)
def test_l_a_sudden_cold_pale_foot_with_vascular_risk_leads_to_limb_ischaemia(risk, age, more):
    result = person(age, ["red.cold_pale_foot", "onset.sudden_no_injury", risk, *more])
    assert ranking(result)[0] == "acute-limb-ischaemia"


def test_l_the_six_ps_weigh_more_for_limb_ischaemia():
    assert lr_yes("acute-limb-ischaemia", "red.cold_pale_foot") > 20
    assert lr_yes("acute-limb-ischaemia", "sym.numbness") > 10
    assert lr_yes("acute-limb-ischaemia", "hx.irregular_heartbeat") > 12


# --- review of the whole model: findings that raised the wrong condition


@pytest.mark.parametrize(
    ("slug", "finding"),
    [
        ("deep-vein-thrombosis", "red.fever_or_unwell"),
        ("charcot-foot", "red.fever_or_unwell"),
        ("deep-vein-thrombosis", "sym.spreading_redness"),
        ("charcot-foot", "sym.spreading_redness"),
        ("septic-arthritis", "sym.spreading_redness"),
        ("gout", "sym.spreading_redness"),
        ("ingrown-toenail", "sym.spreading_redness"),
        ("acute-limb-ischaemia", "red.calf_swelling_one_leg"),
        ("cellulitis", "red.severe_pain_out_of_proportion"),
    ],
)
def test_review_a_finding_that_points_elsewhere_does_not_raise_the_condition(slug, finding):
    assert lr_yes(slug, finding) <= 1.0


def test_review_spreading_redness_at_a_toenail_puts_cellulitis_above_an_ingrown_nail():
    result = person(
        40,
        ["loc.toenail", "sym.spreading_redness", "sym.redness", "sym.warmth", "sym.swelling"],
        no=["sym.nail_edge_digging"],
    )
    assert rank_of(result, "cellulitis") < rank_of(result, "ingrown-toenail")


def test_review_no_morning_stiffness_barely_changes_corns():
    assert lr_no("corns-and-calluses", "sym.morning_stiffness") < 1.2
    assert lr_yes("corns-and-calluses", "sym.morning_stiffness") < 1


def test_review_a_sudden_painful_cold_foot_is_not_a_corn():
    assert lr_yes("corns-and-calluses", "onset.sudden_no_injury") < 0.5
    assert lr_yes("corns-and-calluses", "agg.rest_and_night") < 1
    result = person(
        58, ["loc.toe_skin", "red.cold_pale_foot", "onset.sudden_no_injury", "hx.smoker"]
    )
    assert rank_of(result, "acute-limb-ischaemia") < rank_of(result, "corns-and-calluses")
