"""The mutation check of the red-flag rules.

For every rule, deleting it, lowering its level, dropping one of its findings or
narrowing its age range must fail a check that is not generated from the rules: a
vignette (``stride/knowledge/vignettes/*.yaml``) or a clinical expectation
(``rule-checks.yaml``). Mutants that other rules cover (they fire at least as urgently
for everyone the mutant lost) cannot fail any check and are listed, not failed; those
no honest check can kill are accepted by name in ``rule-checks.yaml``. The report:
``python -m stride.knowledge.mutation``.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from stride.core.assessment import mutation
from stride.core.assessment.model import Rule, urgency
from stride.core.assessment.mutation import Check, Checks, Suite
from stride.core.assessment.scoring import compile_kb
from stride.knowledge import assessment_kb
from stride.knowledge import mutation as shipped


@pytest.fixture(scope="module")
def suite() -> Suite:
    return shipped.load()


@pytest.fixture(scope="module")
def report(suite: Suite) -> mutation.Report:
    return mutation.run(suite)


# --- the real knowledge --------------------------------------------------------------------


def test_every_mutant_is_killed(report):
    print(f"\n{report.mutants} mutants, {len(report.killed)} killed, "
          f"{len(report.survivors)} survivors, in {report.seconds:.1f} s "
          f"({report.cpu_seconds:.1f} s CPU)")  # fmt: skip
    assert report.mutants > 0
    assert report.unexplained == [], "\n".join(report.lines())


def test_the_run_is_fast(report):
    """Well under a minute on two cores: CPU time, as a busy machine stretches wall time."""
    assert report.cpu_seconds < 40, f"the mutation run took {report.cpu_seconds:.1f} s of CPU"


def test_the_unmutated_knowledge_meets_every_rule_check(suite):
    assert len(suite.table.checks) >= 100
    assert suite.table.left_out == []


def test_accepted_survivors_are_mutants_that_exist(suite):
    names = {m.name for m in mutation.mutants(suite.kb)}
    assert sorted(set(suite.accepted) - names) == []


def test_every_rule_has_a_rule_check_that_meets_it(suite):
    """The table names a person for every rule, safety nets (with the askings they wait
    on not sure) included: a rule other rules cover today is still checked if they go."""

    def meets(rule: Rule, check: Check) -> bool:
        unsure = set(check.not_sure)
        return mutation.could_fire(rule, check) and all(g & unsure for g in rule.unsure)

    unmet = [r.id for r in suite.kb.rules if not any(meets(r, c) for c in suite.table.checks)]
    assert unmet == []


# --- the mutants -----------------------------------------------------------------------------


RULE = Rule(
    id="r",
    level="urgent",
    destination="gp_today",
    when=(frozenset({"a", "b"}), frozenset({"c"})),
    reason="",
    advice="",
)


def names(rule: Rule) -> list[str]:
    return [name for name, _, _ in mutation.rule_mutations(rule)]


def test_mutations_of_one_rule():
    assert names(RULE) == [
        "delete",
        "lower-level",
        "drop-finding:a",
        "drop-finding:b",
        "drop-finding:c",
        "narrow-age:no-children",
        "narrow-age:no-older",
    ]
    made = {name: changed for name, changed, _ in mutation.rule_mutations(RULE) if changed}
    assert "delete" not in made  # deleted: no rule left
    assert made["lower-level"].level == "appointment"
    assert made["drop-finding:a"].when == (frozenset({"b"}), frozenset({"c"}))
    assert made["drop-finding:c"].when == (frozenset({"a", "b"}), frozenset())  # never fires
    children, older = made["narrow-age:no-children"], made["narrow-age:no-older"]
    assert (children.age_min, children.age_max) == (16, 200)
    assert (older.age_min, older.age_max) == (0, 64)


def test_no_lower_level_for_self_care_and_ages_only_where_covered():
    rule = replace(RULE, level="self_care", age_min=16, age_max=64)
    assert "lower-level" not in names(rule)
    assert not any(n.startswith("narrow-age") for n in names(rule))
    assert names(replace(RULE, age_max=15))[-1] == "narrow-age:no-children"


def test_a_finding_in_two_groups_is_named_by_group():
    rule = replace(RULE, when=(frozenset({"a"}), frozenset({"a", "c"})))
    assert [n for n in names(rule) if n.startswith("drop")] == [
        "drop-finding:a@0",
        "drop-finding:a@1",
        "drop-finding:c",
    ]


def test_each_mutant_changes_one_rule_and_compiles_afresh():
    kb = assessment_kb.knowledge_base()
    mutants = list(mutation.mutants(kb))
    assert len({m.name for m in mutants}) == len(mutants)
    first = mutants[0]
    assert first.name == f"{kb.rules[0].id}/delete"
    assert len(first.kb.rules) == len(kb.rules) - 1
    assert first.kb is not kb and compile_kb(first.kb) is not compile_kb(kb)
    lowered = next(m for m in mutants if m.name.endswith("/lower-level"))
    changed = [(a, b) for a, b in zip(kb.rules, lowered.kb.rules, strict=True) if a != b]
    assert len(changed) == 1
    assert urgency(changed[0][1].level) == urgency(changed[0][0].level) + 1


# --- checks and kills ------------------------------------------------------------------------


def test_kill_and_the_checks():
    kb = assessment_kb.knowledge_base()
    ottawa = next(r for r in kb.rules if r.id == "ottawa-cannot-bear-weight")
    person = Check(id="t:ankle", age=27, sex="female", at_least="urgent", answers={
        "onset.twisting_injury": True, "loc.ankle_outer": True, "sym.swelling": True,
        "red.cannot_bear_weight": True, "red.tender_malleolus_posterior": False,
        "red.tender_fifth_metatarsal_base": False, "red.tender_navicular": False,
    })  # fmt: skip
    assert mutation.could_fire(ottawa, person)
    assert not person.fails(kb)
    without = replace(kb, rules=tuple(r for r in kb.rules if r is not ottawa))
    assert mutation.kill(without, [person])
    assert not mutation.kill(kb, [person])
    assert mutation.could_fire(ottawa, replace(person, age=80))
    assert not mutation.could_fire(replace(ottawa, age_max=64), replace(person, age=80))
    assert not mutation.could_fire(ottawa, replace(person, answers={"sym.swelling": True}))


def test_a_check_the_knowledge_fails_already_is_left_out():
    kb = assessment_kb.knowledge_base()
    mild = Check(id="t:mild", age=30, sex="male", answers={"loc.heel_bottom": True},
                 at_least="emergency")  # fmt: skip
    kept = mutation.table_checks(kb, [("t", mild)])
    assert kept.checks == [] and [cid for cid, _ in kept.left_out] == ["t:mild"]


def test_parse_check_refuses_unknown_findings_and_levels():
    entry = {"id": "x", "age": 30, "answers": {"no.such": True}, "expect_at_least": "urgent",
             "why": "w"}  # fmt: skip
    with pytest.raises(ValueError, match="unknown findings"):
        mutation.parse_check("t", entry, ["loc.calf"])
    entry = {**entry, "answers": {"loc.calf": True}, "expect_at_least": "soon"}
    with pytest.raises(ValueError, match="expect_at_least"):
        mutation.parse_check("t", entry, ["loc.calf"])


def test_a_rule_covered_by_another_is_not_a_missing_check():
    kb = assessment_kb.knowledge_base()
    broad = replace(RULE, id="broad", when=(frozenset({"a", "b"}),))
    narrow = replace(RULE, id="narrow")
    small = replace(kb, rules=(broad, narrow))
    by_name = {m.name: m for m in mutation.mutants(small)}
    assert mutation.covered_by(small, by_name["narrow/delete"]) == ["broad"]
    assert mutation.covered_by(small, by_name["broad/delete"]) == []
    empty = Suite(small, Checks(), Checks())
    report = mutation.run(empty)
    assert "narrow/delete" in report.covered and "broad/delete" in report.unexplained
