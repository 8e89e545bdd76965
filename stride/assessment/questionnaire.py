"""The questionnaire's steps, with its whole state in a signed value the browser keeps.

Nothing is stored on the server: each form post carries the state (signed, so it
cannot be altered, and dated, so an old one expires), the engine answers, and the
next page is drawn from the result. The state holds the answers, the questions in
the order they were asked (for Back), the red-flag rules whose advice has been shown
and acknowledged, and the most urgent advice shown so far, which never goes away:
results never show less urgent advice than the person has already seen.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.core import signing

from stride import knowledge
from stride.core.assessment import Result
from stride.core.assessment.engine import fired_rules
from stride.core.assessment.model import Rule, urgency
from stride.knowledge import assessment_kb

SALT = "stride.assessment.questionnaire"
MAX_AGE_SECONDS = 3 * 60 * 60
SEXES = {
    "female": "Female",
    "male": "Male",
    "other": "Other",
    "unspecified": "I would rather not say",
}
MAX_QUESTIONS = 40  # a safety stop; the engine settles long before this


class BadState(Exception):
    """The state was altered, is from another site, or has expired."""


@dataclass
class Advice:
    level: str
    destination: str
    advice: str
    reasons: list[str]
    from_rule: bool = False  # red-flag advice: booking online is not offered


@dataclass
class State:
    age: int
    sex: str
    region: str
    places: list[str] | None = None  # the loc.* findings chosen; None until asked
    answers: dict[str, bool] = field(default_factory=dict)
    not_sure: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)  # questions, in the order answered
    question: str | None = None  # the question on screen
    acknowledged: list[str] = field(default_factory=list)  # red-flag rules seen and read
    seen: Advice | None = None  # the most urgent advice shown so far
    counted: list[str] = field(default_factory=list)  # usage counts already made
    run: str = ""  # this person's run, to match the advice floor kept in a cookie
    ticked: list[str] = field(default_factory=list)  # places ticked before (for Back)
    progress: float = 0.0  # the highest share of the way through shown so far

    @property
    def asked(self) -> int:
        return len(self.history)

    def engine_answers(self) -> dict[str, bool]:
        out = dict.fromkeys(self.places or (), True)
        out.update(self.answers)
        return out


def dumps(state: State) -> str:
    return signing.dumps(asdict(state), salt=SALT, compress=True)


def loads(token: str) -> State:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
        seen = data.pop("seen", None)
        state = State(**data)
        state.seen = Advice(**seen) if seen else None
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise BadState from error
    known = set(assessment_kb.finding_ids())
    used = set(state.answers) | set(state.not_sure) | set(state.places or ()) | set(state.history)
    rules = {r.id for r in assessment_kb.knowledge_base().rules}
    if (
        not used <= known
        or (state.question is not None and state.question not in known)
        or not set(state.acknowledged) <= rules
    ):
        raise BadState  # altered, or from before the knowledge changed
    return state


def region(slug: str) -> knowledge.Region | None:
    return next((r for r in knowledge.regions() if r.slug == slug), None)


def result_of(state: State) -> Result:
    from stride.assessment import selectors

    return selectors.assessment_result(
        age=state.age, sex=state.sex, answers=state.engine_answers(),
        not_sure=state.not_sure + outside_places(state),
    )  # fmt: skip


def outside_places(state: State) -> list[str]:
    """With no place ticked, places in other regions are not asked about (they stay
    unknown: "not sure" to the engine, never "no")."""
    if state.places:
        return []
    place = region(state.region)
    mine = set(place.findings) if place else set()
    return sorted(
        f for f in assessment_kb.finding_ids()
        if f.startswith("loc.") and f not in mine and f not in state.not_sure
    )  # fmt: skip


FLOOR_COOKIE = "stride_advice"


def floor_value(state: State) -> str:
    """The advice floor, kept by the browser apart from the form: re-posting an older
    page (Back and resubmit) cannot lower advice already shown, nor the progress bar."""
    return signing.dumps(
        {"run": state.run, "seen": asdict(state.seen) if state.seen else None,
         "acknowledged": state.acknowledged, "progress": state.progress},
        salt=SALT + ".floor", compress=True,
    )  # fmt: skip


def apply_floor(state: State, value: str) -> None:
    if not value or not state.run:
        return
    try:
        data = signing.loads(value, salt=SALT + ".floor", max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return
    if not isinstance(data, dict) or data.get("run") != state.run:
        return
    if data.get("seen"):
        try:
            remember(state, Advice(**data["seen"]))
        except TypeError:
            return
    if isinstance(data.get("progress"), float):  # the bar never goes back either
        state.progress = max(state.progress, data["progress"])
    rules = {r.id for r in assessment_kb.knowledge_base().rules}
    for rule in data.get("acknowledged") or []:
        if rule in rules and rule not in state.acknowledged:
            state.acknowledged.append(rule)


def new_red_flags(state: State) -> list[Rule]:
    """Rules that fire on these answers and whose advice the person has not yet read,
    with any safety net the result's triage gives (a danger that could not be ruled out
    is shown as soon as it is known, like a red flag answered yes)."""
    kb = assessment_kb.knowledge_base()
    fired = fired_rules(kb, state.age, state.engine_answers())
    if any(f in state.not_sure for f in kb.rechecks.values()):
        reasons = {r.rule for r in result_of(state).triage.reasons if r.rule}
        fired += [r for r in kb.rules if r.safety_net and r.id in reasons]
    return [r for r in fired if r.id not in state.acknowledged]


def unsure_warning_signs(state: State) -> list[str]:
    """The warning signs (findings worded as urgent) the person was not sure about, in the
    order asked: a rule's other findings (how it started, where it hurts) are not ones."""
    kb = assessment_kb.knowledge_base()
    words = assessment_kb.wording()
    return [f for f in state.history if f in state.not_sure and f in kb.red_flag_findings
            and words[f]["group"] == "urgent"]  # fmt: skip


def remember(state: State, advice: Advice) -> None:
    """Keep the most urgent advice shown (the first of equals: it was read first)."""
    if state.seen is None or urgency(advice.level) < urgency(state.seen.level):
        state.seen = advice


def red_flag_advice(rules: list[Rule]) -> Advice:
    most = min(rules, key=lambda r: (urgency(r.level), r.id))
    return Advice(
        level=most.level, destination=most.destination, advice=most.advice,
        reasons=[r.reason for r in sorted(rules, key=lambda r: (urgency(r.level), r.id))],
        from_rule=True,
    )  # fmt: skip


def shown_advice(state: State, result: Result) -> Advice:
    """What the results lead with: the result's triage, or more urgent advice seen before."""
    current = Advice(
        level=result.triage.level, destination=result.triage.destination,
        advice=result.triage.advice, reasons=[r.text for r in result.triage.reasons],
        from_rule=any(r.rule for r in result.triage.reasons),
    )  # fmt: skip
    if state.seen is not None and urgency(state.seen.level) < urgency(current.level):
        return state.seen
    return current


def answer(state: State, value: bool | None) -> None:
    """Record the answer to the question on screen (None: "not sure")."""
    finding = state.question
    if finding is None:
        return
    state.answers.pop(finding, None)
    if finding in state.not_sure:
        state.not_sure.remove(finding)
    if value is None:
        state.not_sure.append(finding)
    else:
        state.answers[finding] = value
    if finding in state.history:
        state.history.remove(finding)
    state.history.append(finding)
    state.question = None


def back(state: State) -> str | None:
    """Undo the last answer and put its question back on screen; earlier answers stay.

    Returns the answer being changed ("yes", "no", "not_sure") to show it selected.
    """
    if not state.history:
        state.ticked = list(state.places or [])  # shown ticked again
        state.places = None  # back to "where does it hurt?"
        state.question = None
        return None
    finding = state.history.pop()
    previous = "not_sure" if finding in state.not_sure else (
        "yes" if state.answers.get(finding) else "no"
    )  # fmt: skip
    state.answers.pop(finding, None)
    if finding in state.not_sure:
        state.not_sure.remove(finding)
    state.question = finding
    return previous
