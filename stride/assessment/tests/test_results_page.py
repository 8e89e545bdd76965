"""The results page's likely causes agree with its advice, and its words can be believed.

Driven through the questionnaire pages (form posts), or with engine results made here
and passed to the page's own helper and templates.
"""

from __future__ import annotations

import itertools
import re
from html import unescape
from typing import Any

import pytest
from django.template.loader import render_to_string

from stride.assessment import results
from stride.assessment.tests.helpers import BENIGN, EXAMPLE, assess
from stride.assessment.tests.test_questionnaire import DANCER, _answer_all, _begin, _state, _step
from stride.core.assessment import Result
from stride.core.assessment.model import Ranked, Reason, Triage
from stride.knowledge import assessment_kb

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")

CORN = {"loc.ball_of_foot": True, "sym.hard_skin": True, "agg.tight_shoes": True,
        "onset.gradual": True, "sym.morning_stiffness": False}  # fmt: skip
LIKELY_WORDS = ("Most likely", "Likely", "Also likely", "good fit", "Fits your answers")


def _ranked(slug: str, probability: float, supporting=(), against=()) -> Ranked:
    kb = assessment_kb.knowledge_base()
    condition = next(c for c in kb.conditions if c.slug == slug)
    return Ranked(slug=slug, name=condition.name, probability=probability,
                  supporting=tuple(supporting), against=tuple(against),
                  usual_triage=condition.usual_triage)  # fmt: skip


def _result(level: str, destination: str, reasons: list[Reason], conditions: list[Ranked],
            advice: str = "Book an appointment.") -> Result:  # fmt: skip
    return Result(triage=Triage(level=level, destination=destination, reasons=tuple(reasons),
                                advice=advice),
                  conditions=tuple(conditions), next_question=None,
                  knowledge_version="test")  # fmt: skip


def _likely_section(html: str) -> str:
    start = html.index('id="likely-heading"')
    return html[start : html.index("</section>", start)]


def _labels(section: str) -> list[str]:
    """The wording under each cause's name, in the order shown."""
    return [unescape(m) for m in re.findall(r"</h3>\s*<p[^>]*>(?:<strong>)?([^<.]+)", section)]


def _names(section: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>|\(opens in a new tab\)", "", m)).strip()
            for m in re.findall(r"<h3>(.*?)</h3>", section)]  # fmt: skip


def _why_lines(section: str) -> list[str]:
    return [unescape(m) for m in re.findall(r"<p>Why: (.*?)</p>", section)]


def _finish(client, answers: dict[str, bool], **begin: Any) -> str:
    """Answer every question from ``answers``, "no" to any other."""
    response, _ = _answer_all(client, _begin(client, **begin), answers, limit=60, silent="no")
    return response.content.decode()


# --- a fired red flag's condition comes first ---------------------------------------


def test_a_fired_rules_condition_is_shown_first_even_when_the_engine_did_not_list_it():
    kb = assessment_kb.knowledge_base()
    rule = next(r for r in kb.rules if r.condition)
    name = next(c.name for c in kb.conditions if c.slug == rule.condition)
    others = [_ranked(c.slug, p, supporting=["loc.calf"])
              for c, p in zip([c for c in kb.conditions if c.slug != rule.condition][:3],
                              (0.9, 0.5, 0.1), strict=True)]  # fmt: skip
    result = _result(rule.level, rule.destination,
                     [Reason(rule=rule.id, condition=None, findings=(), text=rule.reason)],
                     others, advice=rule.advice)  # fmt: skip
    likely = results.causes(result, {"loc.calf": True}, level=rule.level, urls={})
    first = likely["pinned"][0]
    assert (first["slug"], first["name"]) == (rule.condition, name)
    assert first["advice"] == rule.advice
    assert first["where"] == results.WHERE[rule.destination]
    assert "needs checking first" in first["fit"]
    if rule.level in results.URGENT:
        assert not {c["fit"] for c in likely["others"]} & set(LIKELY_WORDS)
    html = render_to_string("assessment/_likely.html", {
        "likely": likely, "heading": "What it might be", "answered": 3,
        "advice": {"level": rule.level, "advice": rule.advice},
    })  # fmt: skip
    assert _names(html)[0] == name
    if rule.level in results.URGENT:
        assert "Other possible causes, once the urgent problem is ruled out" in html


def test_a_cold_pale_foot_puts_the_blocked_blood_supply_first(client):
    kb = assessment_kb.knowledge_base()
    response = _step(
        client, _state(_begin(client, age=81, region="leg", places=("loc.calf",))), answer="yes"
    )  # a cold, pale foot; "not sure" to every other question
    response, _ = _answer_all(client, response, {})
    html = response.content.decode()
    assert "Call 999 now" in html
    section = _likely_section(html)
    ischaemia = next(c.name for c in kb.conditions if c.slug == "acute-limb-ischaemia")
    assert _names(section)[0] == ischaemia
    labels = _labels(section)
    assert "needs checking first" in labels[0]
    assert not set(labels[1:]) & set(LIKELY_WORDS)
    if len(labels) > 1:
        assert "Other possible causes, once the urgent problem is ruled out" in section


def test_with_no_to_the_rest_a_cold_pale_foot_still_calls_nothing_else_likely(client):
    html = _finish(client, {"red.cold_pale_foot": True}, age=81, region="leg",
                   places=("loc.calf",))  # fmt: skip
    assert "Call 999 now" in html
    section = _likely_section(html)
    assert not set(_labels(section)) & set(LIKELY_WORDS)
    assert "Other possible causes, once the urgent problem is ruled out" in section


def test_with_urgent_advice_no_other_cause_is_called_likely():
    kb = assessment_kb.knowledge_base()
    rule = next(r for r in kb.rules if r.level == "emergency")
    conditions = [_ranked(c.slug, 0.95 - 0.1 * n, supporting=["loc.calf"])
                  for n, c in enumerate(kb.conditions[:5])]  # fmt: skip
    result = _result("emergency", rule.destination,
                     [Reason(rule=rule.id, condition=None, findings=(), text=rule.reason)],
                     conditions, advice=rule.advice)  # fmt: skip
    likely = results.causes(result, {"loc.calf": True}, level="emergency", urls={})
    assert likely["others"] and likely["urgent"]
    assert not {c["fit"] for c in likely["others"]} & set(LIKELY_WORDS)
    assert likely["others"][0]["fit"] == "Possible"


# --- words a person can believe ----------------------------------------------------


def test_the_first_cause_is_never_less_likely():
    steps = (0.01, 0.05, 0.15, 0.3, 0.5, 0.7, 0.9, 0.99)
    for size in range(1, 4):
        for combo in itertools.combinations_with_replacement(steps, size):
            probabilities = sorted(combo, reverse=True)
            for urgent in (False, True):
                words = results.labels(probabilities, urgent=urgent)
                assert words[0] in ("Most likely", "Likely", "Possible")
                assert "Less likely" not in words[:1]
                if urgent:
                    assert not set(words) & set(LIKELY_WORDS)


def test_most_likely_only_when_clearly_ahead():
    assert results.labels([0.9, 0.1], urgent=False) == ["Most likely", "Less likely"]
    assert results.labels([0.6, 0.55], urgent=False) == ["Likely", "Also likely"]
    assert results.labels([0.12, 0.1, 0.02], urgent=False) == [
        "Possible", "Also possible", "Less likely",
    ]  # fmt: skip


def test_the_dancer_sees_posterior_ankle_impingement_first_and_called_likely(client):
    response, _ = _answer_all(client, _begin(client), DANCER)
    section = _likely_section(response.content.decode())
    assert _names(section)[0] == "Posterior ankle impingement"
    labels = _labels(section)
    assert labels[0] in ("Most likely", "Likely")
    assert "Less likely" not in labels[:1]


# --- only causes an answer raised, and only yes answers say why --------------------


def test_a_cause_no_answer_raised_is_not_shown():
    raised = _ranked("posterior-ankle-impingement", 0.2, supporting=["loc.ankle_back"])
    lowered = _ranked("corns-and-calluses", 0.5, against=["loc.ankle_back"])
    said_no = _ranked("hallux-valgus", 0.4, supporting=["sym.big_toe_angled"])  # answered no
    result = _result("appointment", "podiatry", [], [lowered, said_no, raised])
    answers = {"loc.ankle_back": True, "sym.big_toe_angled": False}
    likely = results.causes(result, answers, level="appointment", urls={})
    assert [c["slug"] for c in likely["others"]] == ["posterior-ankle-impingement"]
    assert likely["others"][0]["fit"] == "Possible"  # the first shown: never "Less likely"


def test_when_nothing_qualifies_the_page_says_so_with_the_advice():
    lowered = _ranked("corns-and-calluses", 0.5, against=["loc.ankle_back"])
    result = _result("appointment", "podiatry", [], [lowered])
    likely = results.causes(result, {"loc.ankle_back": True}, level="appointment", urls={})
    assert (likely["pinned"], likely["others"], likely["urgent"]) == ([], [], False)
    html = render_to_string("assessment/_likely.html", {
        "likely": likely, "heading": "What it might be", "answered": 1,
        "advice": {"level": "appointment", "advice": "Book an appointment with a podiatrist."},
    })  # fmt: skip
    assert "Your answers did not point clearly to one cause." in html
    assert "Book an appointment with a podiatrist." in html
    assert "<h3>" not in html


def test_a_no_answer_never_explains_a_cause_it_goes_under_less_likely():
    words = assessment_kb.wording()
    corn = _ranked("corns-and-calluses", 0.6, supporting=["sym.hard_skin", "sym.morning_stiffness"],
                   against=["loc.ankle_back"])  # fmt: skip
    result = _result("self_care", "self_care", [], [corn])
    answers = {"sym.hard_skin": True, "sym.morning_stiffness": False, "loc.ankle_back": True}
    shown = results.causes(result, answers, level="self_care", urls={})["others"][0]
    assert shown["why"] == [words["sym.hard_skin"]["yes"]]
    assert words["sym.morning_stiffness"]["no"] not in shown["why"]
    assert shown["against"] == [words["loc.ankle_back"]["yes"]]


@pytest.mark.parametrize(
    ("answers", "begin"),
    [
        (CORN, {"age": 66, "region": "forefoot", "places": ("loc.ball_of_foot",)}),
        (DANCER, {}),
        ({"red.cold_pale_foot": True}, {"age": 81, "region": "leg", "places": ("loc.calf",)}),
    ],
    ids=["corn", "dancer", "cold-pale-foot"],
)
def test_no_no_statement_is_ever_a_reason_why(client, answers, begin):
    html = _finish(client, answers, **begin)
    section = _likely_section(html)
    statements = {w["no"] for w in assessment_kb.wording().values() if "no" in w}
    for line in _why_lines(section):
        assert not [s for s in statements if s in line], line
    assert "It is not stiff in the morning." not in " ".join(_why_lines(section))


def test_the_api_still_lists_at_least_five_conditions(client, db):
    for body in (EXAMPLE, BENIGN):
        assert len(assess(client, body)["conditions"]) >= 5
