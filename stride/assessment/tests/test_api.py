"""POST /api/assessment, clause by clause as CONTRACT.md states it."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from django.apps import apps
from django.test import Client
from django.test.client import FakePayload

from stride import knowledge
from stride.assessment.tests.helpers import (
    BENIGN,
    DESTINATIONS,
    EXAMPLE,
    LEVELS,
    MAX_BODY,
    URL,
    VOCABULARY_URL,
    assert_advice_says_where_to_go,
    assert_error_envelope,
    assess,
    post,
    post_raw,
    rule_reasons,
    with_answers,
)
from stride.knowledge import assessment_kb
from stride.library.models import Article

FINDINGS = assessment_kb.finding_ids()
RULES = tuple(r for r in assessment_kb.knowledge_base().rules if not r.safety_net)
SAFETY_NETS = tuple(r for r in assessment_kb.knowledge_base().rules if r.safety_net)
DEV_YAML = knowledge.ROOT / "vignettes" / "dev.yaml"  # the development vignettes, in the package
DEV_CASES = yaml.safe_load(DEV_YAML.read_text(encoding="utf-8"))["cases"]


def vignette_body(case: dict[str, Any]) -> dict[str, Any]:
    return {"age": case["age"], "sex": case["sex"], "answers": dict(case["answers"])}


def questions(client: Client) -> dict[str, str]:
    vocabulary = client.get(VOCABULARY_URL).json()
    return {f["id"]: f["question"] for f in vocabulary["findings"]}


def assert_contract_shape(result: dict[str, Any], body: dict[str, Any]) -> None:
    """Every field CONTRACT.md names, with its type; new optional fields may be added."""
    answered = set(body.get("answers", {}))
    not_sure = set(body.get("not_sure", []))
    conditions = knowledge.conditions()
    rule_ids = {r.id for r in RULES}

    assert {"triage", "conditions", "next_question", "knowledge_version"} <= set(result)

    triage = result["triage"]
    assert {"level", "destination", "reasons", "advice"} <= set(triage)
    assert triage["level"] in LEVELS
    assert triage["destination"] in DESTINATIONS
    assert isinstance(triage["advice"], str)
    assert isinstance(triage["reasons"], list)
    assert triage["reasons"], "a triage always says why"
    for reason in triage["reasons"]:
        assert {"rule", "condition", "findings", "text"} <= set(reason)
        # Each reason names either the rule that fired or the condition that set the level.
        assert (reason["rule"] is None) != (reason["condition"] is None), reason
        if reason["rule"] is not None:
            assert reason["rule"] in rule_ids
            assert set(reason["findings"]) <= {f for f in answered if body["answers"][f]}
        else:
            assert reason["condition"] in conditions
        assert isinstance(reason["findings"], list)
        assert all(isinstance(f, str) for f in reason["findings"])
        assert set(reason["findings"]) <= answered
        assert isinstance(reason["text"], str)
        assert reason["text"].strip()

    ranked = result["conditions"]
    assert isinstance(ranked, list)
    assert len(ranked) >= min(5, len(conditions))
    keys = {"slug", "name", "probability", "supporting", "against", "article_url",
            "usual_triage"}  # fmt: skip
    for entry in ranked:
        assert keys <= set(entry)
        assert entry["slug"] in conditions
        assert entry["name"] == conditions[entry["slug"]]["name"]
        assert entry["usual_triage"] == conditions[entry["slug"]]["triage"]
        assert isinstance(entry["probability"], float | int)
        assert not isinstance(entry["probability"], bool)
        assert 0 <= entry["probability"] <= 1
        for kind in ("supporting", "against"):
            assert isinstance(entry[kind], list)
            assert all(isinstance(f, str) for f in entry[kind])
            assert len(set(entry[kind])) == len(entry[kind])
            assert set(entry[kind]) <= answered, (entry["slug"], kind)
            assert not set(entry[kind]) & not_sure
        assert not set(entry["supporting"]) & set(entry["against"])
        url = entry["article_url"]
        assert url is None or url == f"/conditions/{entry['slug']}/"
    slugs = [e["slug"] for e in ranked]
    assert len(set(slugs)) == len(slugs)
    probabilities = [e["probability"] for e in ranked]
    assert probabilities == sorted(probabilities, reverse=True), "most likely first"

    question = result["next_question"]
    if question is not None:
        assert {"finding", "text"} <= set(question)
        assert question["finding"] in FINDINGS
        assert question["finding"] not in answered
        assert question["finding"] not in not_sure
        assert isinstance(question["text"], str)
        assert question["text"].strip()

    assert isinstance(result["knowledge_version"], str)
    assert result["knowledge_version"] == assessment_kb.knowledge_base().version


# --- the 200 answer -----------------------------------------------------------------


def test_the_contract_example_returns_posterior_ankle_impingement_first(client, demo_clinic):
    result = assess(client, EXAMPLE)

    assert_contract_shape(result, EXAMPLE)
    first = result["conditions"][0]
    assert first["slug"] == "posterior-ankle-impingement"
    assert first["name"] == "Posterior ankle impingement"
    assert first["article_url"] == "/conditions/posterior-ankle-impingement/"
    assert first["usual_triage"] == "appointment"
    assert {"loc.ankle_back", "agg.maximal_pointing", "act.ballet_pointe"} <= set(
        first["supporting"]
    )
    triage = result["triage"]
    assert (triage["level"], triage["destination"]) == ("appointment", "podiatry")
    assert any(
        r["rule"] is None
        and r["condition"] == "posterior-ankle-impingement"
        and "agg.maximal_pointing" in r["findings"]
        for r in triage["reasons"]
    )


@pytest.mark.parametrize("case", DEV_CASES, ids=lambda c: c["id"])
def test_every_answer_has_the_contract_shape_and_types(client, demo_clinic, case):
    body = vignette_body(case)
    assert_contract_shape(assess(client, body), body)


@pytest.mark.parametrize(
    "body",
    [
        {"age": 30},
        {"age": 0, "sex": "male"},
        {"age": 120, "sex": "other", "answers": {"loc.toenail": True}},
        {"age": 8, "answers": {"loc.heel_back_child": True}, "not_sure": ["red.cold_pale_foot"]},
        EXAMPLE,
        BENIGN,
    ],
    ids=["nothing-answered", "age-0", "age-120", "child", "example", "benign"],
)
def test_conditions_are_ranked_most_likely_first_with_at_least_five(client, db, body):
    result = assess(client, body)

    assert_contract_shape(result, body)
    assert len(result["conditions"]) >= 5
    probabilities = [c["probability"] for c in result["conditions"]]
    assert probabilities == sorted(probabilities, reverse=True)


@pytest.mark.parametrize("sex", ["female", "male", "other", "unspecified"])
def test_it_accepts_each_sex(client, db, sex):
    assert post(client, {**EXAMPLE, "sex": sex}).status_code == 200


def test_sex_defaults_to_unspecified(client, db):
    body = {k: v for k, v in EXAMPLE.items() if k != "sex"}

    assert post(client, body).content == post(client, {**body, "sex": "unspecified"}).content


def test_answers_and_not_sure_are_optional(client, db):
    result = assess(client, {"age": 40})

    assert_contract_shape(result, {"age": 40})
    assert rule_reasons(result) == []
    assert result["triage"]["level"] != "emergency"


def test_usual_triage_and_name_are_those_of_conditions_yaml(client, db):
    conditions = knowledge.conditions()
    seen = set()
    for case in DEV_CASES:
        for entry in assess(client, vignette_body(case))["conditions"]:
            assert entry["usual_triage"] == conditions[entry["slug"]]["triage"]
            assert entry["name"] == conditions[entry["slug"]]["name"]
            seen.add(entry["usual_triage"])
    assert seen == set(LEVELS), "the cases reach conditions of every usual triage"


# --- supporting and against ---------------------------------------------------------


def probability_of(result: dict[str, Any], slug: str) -> float | None:
    return next((c["probability"] for c in result["conditions"] if c["slug"] == slug), None)


# The example, plus pain in the heel and no ballet: answers that argue against the leader.
MIXED = with_answers(EXAMPLE, loc__heel_bottom=True, act__ballet_pointe=False)


@pytest.mark.parametrize("body", [EXAMPLE, MIXED], ids=["example", "mixed"])
def test_each_supporting_answer_raised_and_each_against_answer_lowered_its_condition(
    client, db, body
):
    result = assess(client, body)
    checked = {"supporting": 0, "against": 0}
    for entry in result["conditions"]:
        for kind in ("supporting", "against"):
            for finding in entry[kind]:
                without = assess(client, with_answers(body, **{finding.replace(".", "__"): None}))
                before = entry["probability"]
                after = probability_of(without, entry["slug"])
                if after is None:  # no longer listed: the list is the top few, so no measure
                    continue
                if kind == "supporting":
                    assert after < before, (entry["slug"], finding)
                else:
                    assert after > before, (entry["slug"], finding)
                checked[kind] += 1
    assert checked["supporting"], checked
    if body is MIXED:
        assert checked["against"], checked


@pytest.mark.parametrize("case", DEV_CASES, ids=lambda c: c["id"])
def test_supporting_and_against_are_answered_findings_that_pull_their_way(client, db, case):
    """Without a supporting answer the condition is never more likely, and without an
    against answer never less (correlated findings are capped together, so one of them
    alone may change nothing)."""
    body = vignette_body(case)
    result = assess(client, body)
    for entry in result["conditions"]:
        assert set(entry["supporting"]) | set(entry["against"]) <= set(body["answers"])
        for kind in ("supporting", "against"):
            for finding in entry[kind]:
                without = assess(client, with_answers(body, **{finding.replace(".", "__"): None}))
                after = probability_of(without, entry["slug"])
                if after is None:  # no longer listed: the list is the top few, so no measure
                    continue
                if kind == "supporting":
                    assert after <= entry["probability"], (entry["slug"], finding)
                else:
                    assert after >= entry["probability"], (entry["slug"], finding)


def test_not_sure_findings_are_never_supporting_or_against(client, db):
    body = {**EXAMPLE, "not_sure": ["hx.os_trigonum_known", "loc.ankle_back_inner"]}
    for entry in assess(client, body)["conditions"]:
        assert not {"hx.os_trigonum_known", "loc.ankle_back_inner"} & set(
            entry["supporting"] + entry["against"]
        )


# --- article_url --------------------------------------------------------------------


def test_article_url_is_the_condition_page_when_its_article_is_published(client, demo_clinic):
    published = set(
        Article.objects.published().exclude(condition="").values_list("condition", flat=True)
    )
    assert "posterior-ankle-impingement" in published
    seen_url = seen_null = False
    for case in DEV_CASES:
        for entry in assess(client, vignette_body(case))["conditions"]:
            if entry["slug"] in published:
                assert entry["article_url"] == f"/conditions/{entry['slug']}/"
                seen_url = True
            else:
                assert entry["article_url"] is None
                seen_null = True
    assert seen_url and seen_null


def test_the_article_url_serves_the_article(client, demo_clinic):
    url = assess(client, EXAMPLE)["conditions"][0]["article_url"]

    assert client.get(url).status_code == 200


def test_article_url_is_null_for_a_condition_without_an_article(client, demo_clinic):
    assert not Article.objects.published().filter(condition="deep-vein-thrombosis").exists()
    body = {"age": 50, "answers": {"loc.calf": True, "red.calf_swelling_one_leg": True}}

    result = assess(client, body)

    dvt = next(c for c in result["conditions"] if c["slug"] == "deep-vein-thrombosis")
    assert dvt["article_url"] is None


def test_article_url_is_null_everywhere_before_any_article_is_published(client, db):
    result = assess(client, EXAMPLE)

    assert [c["article_url"] for c in result["conditions"]] == [None] * len(result["conditions"])


def test_article_url_is_null_again_once_the_article_is_unpublished(client, demo_clinic):
    Article.objects.filter(condition="posterior-ankle-impingement").update(
        status=Article.Status.DRAFT
    )

    first = assess(client, EXAMPLE)["conditions"][0]

    assert first["slug"] == "posterior-ankle-impingement"
    assert first["article_url"] is None


# --- next_question ------------------------------------------------------------------


def test_next_question_is_an_unanswered_finding_with_its_question_wording(client, db):
    wording = questions(client)
    asked = 0
    for case in DEV_CASES:
        body = vignette_body(case)
        question = assess(client, body)["next_question"]
        if question is None:
            continue
        assert question["finding"] not in body["answers"]
        assert question["text"] == wording[question["finding"]]
        asked += 1
    assert asked


def test_next_question_is_null_when_every_finding_is_answered(client, db):
    body = {"age": 40, "answers": dict.fromkeys(FINDINGS, False)}

    assert assess(client, body)["next_question"] is None


def test_answering_not_sure_to_each_next_question_moves_on_until_null(client, db):
    """The adaptive questionnaire: every "not sure" is dropped from the questions,
    never asked again, and the questions end with null."""
    body: dict[str, Any] = {**EXAMPLE, "not_sure": list(EXAMPLE["not_sure"])}
    wording = questions(client)
    for _ in range(len(FINDINGS)):
        question = assess(client, body)["next_question"]
        if question is None:
            break
        assert question["finding"] not in body["not_sure"]
        assert question["finding"] not in body["answers"]
        assert question["text"] == wording[question["finding"]]
        body["not_sure"].append(question["finding"])
    else:
        pytest.fail("next_question never became null")
    assert len(body["not_sure"]) > len(EXAMPLE["not_sure"]) + 1


def test_a_not_sure_finding_is_not_offered_again_even_when_it_would_be_next(client, db):
    offered = assess(client, EXAMPLE)["next_question"]
    assert offered is not None

    again = assess(client, {**EXAMPLE, "not_sure": [*EXAMPLE["not_sure"], offered["finding"]]})

    assert again["next_question"] is None or again["next_question"]["finding"] != offered["finding"]


# --- unknown is never absent --------------------------------------------------------


def outcome(result: dict[str, Any]) -> tuple[Any, Any]:
    return result["triage"], result["conditions"]


def test_an_omitted_finding_counts_the_same_as_not_sure(client, db):
    body = {k: v for k, v in EXAMPLE.items() if k != "not_sure"}
    omitted = outcome(assess(client, body))
    for finding in FINDINGS:
        if finding in body["answers"]:
            continue
        assert outcome(assess(client, {**body, "not_sure": [finding]})) == omitted, finding


def test_an_omitted_finding_does_not_count_as_answered_false(client, db):
    unknown = assess(client, EXAMPLE)
    absent = assess(
        client,
        {**with_answers(EXAMPLE, hx__os_trigonum_known=False), "not_sure": []},
    )

    assert outcome(unknown) != outcome(absent)
    assert probability_of(absent, "posterior-ankle-impingement") != probability_of(
        unknown, "posterior-ankle-impingement"
    )


def test_many_findings_change_the_outcome_when_false_but_not_when_omitted(client, db):
    body = {k: v for k, v in EXAMPLE.items() if k != "not_sure"}
    omitted = outcome(assess(client, body))
    differs = [
        f
        for f in FINDINGS[::7]
        if f not in body["answers"]
        and outcome(assess(client, {**body, "answers": {**body["answers"], f: False}})) != omitted
    ]
    assert differs


# --- red flags ----------------------------------------------------------------------


def test_a_cold_pale_foot_is_an_emergency_naming_the_rule(client, db):
    result = assess(client, with_answers(BENIGN, red__cold_pale_foot=True))

    triage = result["triage"]
    assert triage["level"] == "emergency"
    assert triage["destination"] in {"999", "a_and_e"}
    fired = rule_reasons(result)
    assert fired
    assert any("red.cold_pale_foot" in r["findings"] for r in fired)
    assert all(r["text"].strip() for r in fired)
    assert_advice_says_where_to_go(result)


@pytest.mark.parametrize("how", ["false", "omitted", "not_sure"])
def test_a_cold_pale_foot_not_answered_true_is_no_emergency(client, db, how):
    body = {
        "false": with_answers(BENIGN, red__cold_pale_foot=False),
        "omitted": BENIGN,
        "not_sure": {**BENIGN, "not_sure": ["red.cold_pale_foot"]},
    }[how]

    result = assess(client, body)

    assert result["triage"]["level"] in {"appointment", "self_care"}
    assert rule_reasons(result) == []


def rule_age(rule: Any) -> int:
    return (
        30 if rule.age_min <= 30 <= rule.age_max else (rule.age_min + min(rule.age_max, 120)) // 2
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_red_flag_rule_fires_on_explicit_true_answers(client, db, rule):
    answers = {sorted(group)[0]: True for group in rule.when}

    result = assess(client, {"age": rule_age(rule), "answers": answers})

    level = result["triage"]["level"]
    assert LEVELS.index(level) <= LEVELS.index(rule.level)
    if level == rule.level:
        assert rule.id in {r["rule"] for r in rule_reasons(result)}
    assert_advice_says_where_to_go(result)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_no_red_flag_rule_fires_when_its_findings_are_false_or_unknown(client, db, rule):
    age = rule_age(rule)
    every_false = {"age": age, "answers": dict.fromkeys(rule.findings, False)}
    every_not_sure = {"age": age, "not_sure": sorted(rule.findings)}

    for body in (every_false, every_not_sure, {"age": age}):
        assert rule.id not in {r["rule"] for r in rule_reasons(assess(client, body))}


@pytest.mark.parametrize("rule", SAFETY_NETS, ids=lambda r: r.id)
def test_a_safety_net_fires_only_on_not_sure_and_only_raises_the_triage(client, db, rule):
    age = rule_age(rule)
    risk = {sorted(group)[0]: True for group in rule.when}
    unsure = [sorted(group)[0] for group in rule.unsure]
    # The danger it guards against made plausible by its strongest sign, asked no further.
    plausible: dict[str, bool] = {}
    if rule.if_plausible:
        plausible = dict.fromkeys(PLAUSIBLE.get(rule.if_plausible, ()), True)
    answers = {**risk, **plausible}
    without = assess(client, {"age": age, "answers": answers})
    with_net = assess(client, {"age": age, "answers": answers, "not_sure": unsure})
    answered_no = assess(
        client, {"age": age, "answers": {**answers, **dict.fromkeys(unsure, False)}}
    )

    assert rule.id in {r["rule"] for r in rule_reasons(with_net)}
    assert LEVELS.index(with_net["triage"]["level"]) <= LEVELS.index(rule.level)
    assert LEVELS.index(with_net["triage"]["level"]) <= LEVELS.index(without["triage"]["level"])
    assert rule.id not in {r["rule"] for r in rule_reasons(without)}
    assert rule.id not in {r["rule"] for r in rule_reasons(answered_no)}
    assert "could not rule out" in rule.reason.lower()


# Findings that make each guarded danger plausible (a clinician's picture of it).
PLAUSIBLE = {
    "acute-limb-ischaemia": ("onset.sudden_no_injury", "agg.rest_and_night", "sym.numbness"),
    "charcot-foot": ("sym.swelling", "sym.warmth", "hx.reduced_sensation_feet"),
    "septic-arthritis": (
        "loc.ankle_front",
        "sym.swelling",
        "sym.warmth",
        "sym.redness",
        "onset.sudden_no_injury",
        "agg.rest_and_night",
    ),
    "deep-vein-thrombosis": ("loc.calf", "sym.swelling"),
}


def test_no_rule_fires_with_every_red_flag_finding_answered_false(client, db):
    findings = assessment_kb.knowledge_base().red_flag_findings
    body = {"age": 30, "answers": {**BENIGN["answers"], **dict.fromkeys(findings, False)}}

    result = assess(client, body)

    assert rule_reasons(result) == []
    assert result["triage"]["level"] not in {"emergency", "urgent"}


# --- emergency and urgent advice ----------------------------------------------------


@pytest.mark.parametrize("case", DEV_CASES, ids=lambda c: c["id"])
def test_emergency_and_urgent_advice_says_where_to_go(client, db, case):
    result = assess(client, vignette_body(case))

    assert_advice_says_where_to_go(result)
    assert result["triage"]["advice"].strip()


def test_urgent_or_emergency_set_by_a_condition_alone_still_says_where_to_go(client, db):
    """No red flag answered, yet the leading or a likely condition is urgent (e.g. a
    stress fracture): the advice still says where to go."""
    by_condition = []
    for case in DEV_CASES:
        result = assess(client, vignette_body(case))
        if result["triage"]["level"] in {"emergency", "urgent"} and not rule_reasons(result):
            by_condition.append(case["id"])
            assert_advice_says_where_to_go(result)
    assert by_condition, "some case is urgent through its condition alone"


# --- deterministic ------------------------------------------------------------------


def test_the_same_request_twice_gives_byte_identical_json(client, demo_clinic):
    first = post(client, EXAMPLE)
    second = post(client, EXAMPLE)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content


@pytest.mark.parametrize("seed", range(3))
def test_the_order_of_answer_keys_does_not_matter(client, demo_clinic, seed):
    case = DEV_CASES[seed * 11]
    body = vignette_body(case)
    items = list(body["answers"].items())
    random.Random(seed).shuffle(items)
    reordered = {**body, "answers": dict(reversed(items))}
    assert list(reordered["answers"]) != list(body["answers"])

    assert post(client, reordered).content == post(client, body).content


# --- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"age": 30, "answers": {"loc.foo": True}}, "answers.loc.foo", "unknown_finding"),
        ({"age": 30, "answers": {"loc.ankle_back": True, "nope": False}}, "answers.nope",
         "unknown_finding"),
        ({"age": 30, "not_sure": ["loc.foo"]}, "not_sure.loc.foo", "unknown_finding"),
        ({"age": 30, "answers": {"age": 30}}, "answers.age", None),
    ],
    ids=["unknown-in-answers", "unknown-among-known", "unknown-in-not-sure", "context-as-finding"],
)  # fmt: skip
def test_it_answers_400_for_unknown_finding_ids(client, db, body, field, code):
    errors = assert_error_envelope(post(client, body), 400)

    assert field in {e["field"] for e in errors}
    if code:
        assert code in {e["code"] for e in errors if e["field"] == field}


def test_it_answers_400_for_a_finding_both_answered_and_not_sure(client, db):
    body = {"age": 30, "answers": {"loc.ankle_back": True}, "not_sure": ["loc.ankle_back"]}

    errors = assert_error_envelope(post(client, body), 400)

    assert {e["field"] for e in errors} & {"answers.loc.ankle_back", "not_sure.loc.ankle_back"}


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, None, [], {}], ids=repr)
def test_it_answers_400_for_a_non_boolean_answer(client, db, value):
    body = {"age": 30, "answers": {"loc.ankle_back": value}}

    errors = assert_error_envelope(post(client, body), 400)

    assert [e["field"] for e in errors] == ["answers.loc.ankle_back"]


@pytest.mark.parametrize(
    "body",
    [{}, {"sex": "female"}, {"age": None}],
    ids=["empty", "no-age", "null-age"],
)
def test_it_answers_400_for_a_missing_age(client, db, body):
    errors = assert_error_envelope(post(client, body), 400)

    assert "age" in {e["field"] for e in errors}


@pytest.mark.parametrize("age", [-1, 121, 1000], ids=repr)
def test_it_answers_400_for_an_age_out_of_range(client, db, age):
    errors = assert_error_envelope(post(client, {"age": age}), 400)

    assert [e["field"] for e in errors] == ["age"]


@pytest.mark.parametrize("age", [0, 120], ids=repr)
def test_it_accepts_the_ages_at_either_end_of_the_range(client, db, age):
    assert post(client, {"age": age}).status_code == 200


@pytest.mark.parametrize("age", ["27", 27.5, 27.0, True, [27]], ids=repr)
def test_it_answers_400_for_an_age_that_is_not_an_integer(client, db, age):
    errors = assert_error_envelope(post(client, {"age": age}), 400)

    assert [e["field"] for e in errors] == ["age"]


@pytest.mark.parametrize("sex", ["f", "Female", "", None, 1], ids=repr)
def test_it_answers_400_for_an_unknown_sex(client, db, sex):
    errors = assert_error_envelope(post(client, {"age": 30, "sex": sex}), 400)

    assert [e["field"] for e in errors] == ["sex"]


@pytest.mark.parametrize(
    "body",
    [[], [{"age": 30}], "age", 30, None, True],
    ids=["list", "list-of-object", "string", "number", "null", "true"],
)
def test_it_answers_400_for_a_body_that_is_not_an_object(client, db, body):
    assert_error_envelope(post(client, body), 400)


@pytest.mark.parametrize(
    "data",
    [b"", b"{", b'{"age": 30,}', b"{'age': 30}", b'{"age": 30, "sex": "\xff"}', b'{"age": 30} x'],
    ids=["empty", "unclosed", "trailing-comma", "single-quotes", "not-utf8", "trailing-text"],
)
def test_it_answers_400_for_invalid_json(client, db, data):
    assert_error_envelope(post_raw(client, data), 400)


@pytest.mark.parametrize(
    "body",
    [
        {"age": 30, "answers": ["loc.ankle_back"]},
        {"age": 30, "not_sure": "loc.ankle_back"},
        {"age": 30, "not_sure": [1]},
    ],
    ids=["answers-a-list", "not-sure-a-string", "not-sure-a-number"],
)
def test_it_answers_400_for_answers_or_not_sure_of_the_wrong_type(client, db, body):
    assert_error_envelope(post(client, body), 400)


def test_it_lists_every_problem_in_one_envelope(client, db):
    body = {"age": 30, "answers": {"loc.foo": True, "loc.bar": False}}

    errors = assert_error_envelope(post(client, body), 400)

    assert {e["field"] for e in errors} == {"answers.loc.foo", "answers.loc.bar"}


def padded(size: int) -> bytes:
    """A valid request of exactly ``size`` bytes, padded with JSON whitespace."""
    data = json.dumps(EXAMPLE).encode()
    return data + b" " * (size - len(data))


def test_it_accepts_a_body_of_exactly_64_kib(client, db):
    data = padded(MAX_BODY)
    assert len(data) == 64 * 1024

    response = post_raw(client, data)

    assert response.status_code == 200
    assert response.json()["conditions"][0]["slug"] == "posterior-ankle-impingement"


def test_it_answers_413_above_64_kib(client, db):
    assert_error_envelope(post_raw(client, padded(MAX_BODY + 1)), 413)


def test_it_answers_413_for_a_body_of_several_megabytes(client, db):
    assert_error_envelope(post_raw(client, padded(3 * 1024 * 1024)), 413)


def test_it_answers_413_above_64_kib_even_when_the_body_is_not_json(client, db):
    assert_error_envelope(post_raw(client, b"x" * (MAX_BODY + 1)), 413)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
     "application/xml", "text/json"],
)  # fmt: skip
def test_it_answers_415_for_a_non_json_content_type(client, db, content_type):
    response = post_raw(client, json.dumps(EXAMPLE), content_type=content_type)

    assert_error_envelope(response, 415)


def test_it_answers_415_for_a_form_post(client, db):
    response = client.post(URL, {"age": "30"}, content_type="application/x-www-form-urlencoded")

    assert_error_envelope(response, 415)


def test_it_answers_415_for_a_missing_content_type(client, db):
    data = json.dumps(EXAMPLE).encode()
    environ = {"wsgi.input": FakePayload(data), "CONTENT_LENGTH": str(len(data))}

    response = client.generic("POST", URL, **environ)

    assert not response.wsgi_request.META.get("CONTENT_TYPE")
    assert_error_envelope(response, 415)


def test_it_accepts_json_with_a_charset_parameter(client, db):
    response = post_raw(client, json.dumps(EXAMPLE), "application/json; charset=utf-8")

    assert response.status_code == 200


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_it_answers_405_with_allow_post_for_other_methods(client, db, method):
    response = client.generic(method, URL, json.dumps(EXAMPLE), content_type="application/json")

    assert_error_envelope(response, 405)
    assert response["Allow"] == "POST"


def test_it_answers_405_with_allow_post_to_head(client, db):
    response = client.head(URL)

    assert response.status_code == 405
    assert response["Allow"] == "POST"


Request = tuple[str, bytes | str, str]  # method, body, content type
INVALID_REQUESTS: dict[str, Request] = {
    "get": ("GET", b"", ""),
    "invalid-json": ("POST", b"{", "application/json"),
    "unknown-finding": ("POST", json.dumps({"age": 30, "answers": {"loc.foo": True}}),
                        "application/json"),
    "age-a-word": ("POST", json.dumps({"age": "old"}), "application/json"),
    "unknown-sex": ("POST", json.dumps({"age": 30, "sex": "x"}), "application/json"),
    "answer-a-word": ("POST", json.dumps({"age": 30, "answers": {"loc.ankle_back": "yes"}}),
                      "application/json"),
    "text-plain": ("POST", json.dumps(EXAMPLE), "text/plain"),
    "too-large": ("POST", padded(MAX_BODY + 1), "application/json"),
}  # fmt: skip


@pytest.mark.parametrize("request_", list(INVALID_REQUESTS.values()), ids=list(INVALID_REQUESTS))
def test_it_never_answers_422(client, db, request_):
    method, data, content_type = request_
    response = client.generic(method, URL, data, content_type=content_type)

    assert response.status_code != 422
    assert 400 <= response.status_code < 500
    assert_error_envelope(response, response.status_code)


def test_it_needs_no_csrf_token_or_cookie(db):
    client = Client(enforce_csrf_checks=True)

    response = post(client, EXAMPLE)

    assert response.status_code == 200


# --- nothing stored or logged -------------------------------------------------------


@pytest.fixture
def every_log_record(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog at DEBUG on every logger, including any that do not propagate to the root."""
    caplog.set_level(logging.DEBUG)
    detached = []
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
            if not logger.propagate:
                logger.addHandler(caplog.handler)
                detached.append(logger)
    yield caplog
    for logger in detached:
        logger.removeHandler(caplog.handler)


def assert_not_logged(caplog: pytest.LogCaptureFixture, secrets: set[str]) -> None:
    assert secrets
    for record in caplog.records:
        said = " ".join([record.getMessage(), repr(record.args), record.exc_text or ""])
        assert not {s for s in secrets if s in said}, (record.name, said)
    assert not {s for s in secrets if s in caplog.text}


def test_a_valid_request_logs_no_finding_or_answer(client, demo_clinic, every_log_record):
    response = post(client, EXAMPLE)
    assert response.status_code == 200

    secrets = set(EXAMPLE["answers"]) | set(EXAMPLE["not_sure"])
    assert_not_logged(every_log_record, secrets)


SECRET_ANSWER = "zebra-crossing-answer"
INVALID_WITH_SECRETS: dict[str, Request] = {
    "answer-a-word": ("POST", json.dumps({"age": 30, "answers": {"loc.ankle_back": SECRET_ANSWER}}),
                      "application/json"),
    "unknown-finding": ("POST", json.dumps({"age": 30, "answers": {"loc.secret_probe": True}}),
                        "application/json"),
    "unknown-not-sure": ("POST", json.dumps({"age": 30, "not_sure": ["loc.secret_probe"]}),
                         "application/json"),
    "answered-and-not-sure": ("POST", json.dumps({"age": 30, "answers": {"loc.ankle_back": True},
                                                  "not_sure": ["loc.ankle_back"]}),
                              "application/json"),
    "age-a-word": ("POST", json.dumps({"age": SECRET_ANSWER, "answers": {"loc.ankle_back": True}}),
                   "application/json"),
    "unknown-sex": ("POST", json.dumps({"age": 30, "sex": SECRET_ANSWER,
                                        "answers": {"loc.ankle_back": True}}), "application/json"),
    "invalid-json": ("POST", '{"age": 30, "answers": {"loc.ankle_back": ' + SECRET_ANSWER,
                     "application/json"),
    "text-plain": ("POST", json.dumps({"age": 30, "answers": {"loc.ankle_back": True}}),
                   "text/plain"),
    "too-large": ("POST", json.dumps({"age": 30, "answers": {"loc.ankle_back": True},
                                      "pad": SECRET_ANSWER * 4000}), "application/json"),
    "put": ("PUT", json.dumps({"age": 30, "answers": {"loc.ankle_back": True}}),
            "application/json"),
}  # fmt: skip


@pytest.mark.parametrize(
    "request_", list(INVALID_WITH_SECRETS.values()), ids=list(INVALID_WITH_SECRETS)
)
def test_an_invalid_request_logs_no_finding_or_answer(client, db, every_log_record, request_):
    method, data, content_type = request_
    response = client.generic(method, URL, data, content_type=content_type)
    assert 400 <= response.status_code < 500

    assert_not_logged(every_log_record, {"loc.ankle_back", "loc.secret_probe", SECRET_ANSWER})


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def test_it_stores_nothing_in_the_database(client, demo_clinic):
    before = row_counts()
    assert sum(before.values()), "the demo clinic has rows to compare against"

    assert post(client, EXAMPLE).status_code == 200
    assert post(client, BENIGN).status_code == 200
    for method, data, content_type in INVALID_WITH_SECRETS.values():
        client.generic(method, URL, data, content_type=content_type)

    assert row_counts() == before


def test_it_sets_no_cookie_and_forbids_caching(client, db):
    response = post(client, EXAMPLE)

    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert "no-store" in [d.strip() for d in response["Cache-Control"].split(",")]
    assert not client.cookies


# --- OpenAPI ------------------------------------------------------------------------


def openapi(client: Client) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def test_openapi_declares_the_assessment_request_and_its_responses(client, db):
    spec = openapi(client)
    operation = spec["paths"]["/api/assessment"]["post"]

    body = operation["requestBody"]
    assert body["required"] is True
    schema = resolve(spec, body["content"]["application/json"]["schema"])
    properties = schema["properties"]
    assert set(properties) == {"age", "sex", "answers", "not_sure"}
    assert schema["required"] == ["age"]
    assert properties["age"]["type"] == "integer"
    assert (properties["age"]["minimum"], properties["age"]["maximum"]) == (0, 120)
    assert set(resolve(spec, properties["sex"])["enum"]) == {"female", "male", "other",
                                                            "unspecified"}  # fmt: skip
    assert properties["answers"]["type"] == "object"
    assert properties["answers"]["additionalProperties"] == {"type": "boolean"}
    assert properties["not_sure"]["type"] == "array"

    responses = operation["responses"]
    assert {"200", "400", "413", "415"} <= set(responses)
    assert "422" not in responses
    ok = resolve(spec, responses["200"]["content"]["application/json"]["schema"])
    assert {"triage", "conditions", "next_question", "knowledge_version"} <= set(ok["properties"])
    for status in ("400", "413", "415"):
        error = resolve(spec, responses[status]["content"]["application/json"]["schema"])
        assert set(error["properties"]) == {"errors"}


def test_openapi_declares_the_vocabulary(client, db):
    spec = openapi(client)

    operation = spec["paths"]["/api/assessment/vocabulary"]["get"]

    assert "200" in operation["responses"]
    assert not set(spec["paths"]["/api/assessment/vocabulary"]) - {"get"}


def test_openapi_documents_only_post_for_the_assessment(client, db):
    assert set(openapi(client)["paths"]["/api/assessment"]) == {"post"}


def test_the_openapi_sex_choices_are_those_of_findings_yaml(client, db):
    findings = yaml.safe_load((knowledge.ROOT / "findings.yaml").read_text(encoding="utf-8"))
    context = {c["id"]: c for c in findings["context"]}
    spec = openapi(client)
    schema = spec["paths"]["/api/assessment"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]

    sex = resolve(spec, resolve(spec, schema)["properties"]["sex"])
    assert sex["enum"] == context["sex"]["choices"]
