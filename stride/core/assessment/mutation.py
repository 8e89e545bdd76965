"""Mutation check of the red-flag rules: every rule must matter to some independent check.

For every rule, each mutation below is applied in memory (``dataclasses.replace`` on the
frozen knowledge base; ``compile_kb`` caches by identity, so a mutant compiles afresh):

- ``delete``: the rule is gone;
- ``lower-level``: one level less urgent (a ``self_care`` rule has none);
- ``drop-finding:<id>``: one finding removed from its ``when`` group (a group left empty
  can never be met, so the rule never fires: that is still the mutant);
- ``narrow-age:no-children``: ``age_min`` raised to 16 when the rule covered anyone under
  16; ``narrow-age:no-older``: ``age_max`` lowered to 64 when it covered anyone 65 or over.

A mutant is killed when at least one check fails on it. The checks are not generated
from the rules: the vignettes (``stride/knowledge/vignettes/*.yaml``), each replayed once
with every answer given, fail on under-triage or, where the unmutated knowledge was
exact, on any change of level; the clinical expectations table (``rule-checks.yaml``:
a person and the least urgent level a clinician would accept) fails when the triage is
less urgent than that. A check the unmutated knowledge already fails counts for nothing.

A survivor is one of: covered (other rules fire, at least as urgently, for everyone the
mutant lost, so no check can tell: a redundancy to review, not a missing check);
accepted by name in ``rule-checks.yaml`` (``accepted_survivors``, with why); or
unexplained (a clinical check is missing).

The functions are pure (knowledge and checks in, verdicts out); ``stride.knowledge.mutation``
reads the shipped files, and ``python -m stride.knowledge.mutation`` prints the mutants,
the killed, the survivors and the time, and exits 1 if a survivor is unexplained.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from stride.core.assessment.engine import assess
from stride.core.assessment.evaluate import Case
from stride.core.assessment.model import LEVELS, KnowledgeBase, Rule, urgency

CHILD_BELOW = 16  # narrow-age:no-children leaves the rule to people this old or older
OLDER_FROM = 65  # narrow-age:no-older leaves the rule to people younger than this


# --- mutants -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    name: str  # "<rule id>/<mutation>", e.g. "cold-pale-foot/lower-level"
    rule: Rule  # the rule as it was before the mutation
    kb: KnowledgeBase
    lost: Rule  # the people (and level) the mutation no longer sends where the rule did


def rule_mutations(rule: Rule) -> Iterator[tuple[str, Rule | None, Rule]]:
    """(mutation, the mutated rule or None when deleted, what it lost) for one rule.

    What it lost is written as a rule: the people it no longer covers at its level."""
    yield "delete", None, rule
    if urgency(rule.level) < len(LEVELS) - 1:
        yield "lower-level", replace(rule, level=LEVELS[urgency(rule.level) + 1]), rule
    seen: dict[str, int] = {}
    for group in rule.when:
        for finding in group:
            seen[finding] = seen.get(finding, 0) + 1
    for g, group in enumerate(rule.when):
        for finding in sorted(group):
            when = tuple(grp - {finding} if i == g else grp for i, grp in enumerate(rule.when))
            lost = tuple(frozenset({finding}) if i == g else grp for i, grp in enumerate(rule.when))
            name = f"drop-finding:{finding}" + (f"@{g}" if seen[finding] > 1 else "")
            yield name, replace(rule, when=when), replace(rule, when=lost)
    if rule.age_min < CHILD_BELOW:
        yield ("narrow-age:no-children", replace(rule, age_min=max(rule.age_min, CHILD_BELOW)),
               replace(rule, age_max=min(rule.age_max, CHILD_BELOW - 1)))  # fmt: skip
    if rule.age_max >= OLDER_FROM:
        yield ("narrow-age:no-older", replace(rule, age_max=min(rule.age_max, OLDER_FROM - 1)),
               replace(rule, age_min=max(rule.age_min, OLDER_FROM)))  # fmt: skip


def mutants(kb: KnowledgeBase) -> Iterator[Mutant]:
    """Every mutant of every rule, each a knowledge base with one rule changed."""
    for k, rule in enumerate(kb.rules):
        for mutation, changed, lost in rule_mutations(rule):
            rules = kb.rules[:k] + ((changed,) if changed else ()) + kb.rules[k + 1 :]
            yield Mutant(name=f"{rule.id}/{mutation}", rule=rule,
                         kb=replace(kb, rules=rules), lost=lost)  # fmt: skip


def covered_by(kb: KnowledgeBase, mutant: Mutant, max_routes: int = 10_000) -> list[str]:
    """Other rules that fire, at the rule's level or a more urgent one, for everyone the
    mutant lost: a survivor they explain is a redundancy to report, not a missing check.

    Rules fire on answers given as yes, so it is enough to look at the least someone
    can say to meet the lost rule: one finding from each group (a route). Every route
    must meet, at every age the rule lost (within the knowledge's age bands), some
    other rule that is no safety net. Empty when one does not (or there are too many
    routes to look at)."""
    lost = mutant.lost
    oldest = max(high for _, high in kb.age_bands.values())
    low, high = lost.age_min, min(lost.age_max, oldest)
    others = [r for r in kb.rules
              if r.id != mutant.rule.id and not r.safety_net
              and urgency(r.level) <= urgency(lost.level)]  # fmt: skip
    routes = 1
    for group in lost.when:
        routes *= len(group)
    if not lost.when or not routes or routes > max_routes or low > high:
        return []
    used: set[str] = set()
    for route in itertools.product(*(sorted(g) for g in lost.when)):
        said = set(route)
        covering = sorted((r for r in others if all(g & said for g in r.when)),
                          key=lambda r: r.age_min)  # fmt: skip
        reached = low  # every age below this is covered
        for other in covering:
            if other.age_min > reached:
                break
            reached = max(reached, other.age_max + 1)
        if reached <= high:
            return []
        used.update(r.id for r in covering if r.age_max >= low and r.age_min <= high)
    return [r.id for r in kb.rules if r.id in used]


# --- checks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One person; their triage must be at least ``at_least`` (and ``exact`` if set)."""

    id: str  # "<file>:<id>"
    age: int
    sex: str
    answers: Mapping[str, bool]
    at_least: str
    not_sure: tuple[str, ...] = ()
    exact: str | None = None  # vignettes the unmutated knowledge answered exactly
    why: str = ""

    def level(self, kb: KnowledgeBase) -> str:
        result = assess(kb, age=self.age, sex=self.sex, answers=self.answers,
                        not_sure=self.not_sure)  # fmt: skip
        return result.triage.level

    def fails(self, kb: KnowledgeBase) -> bool:
        return self.fails_at(self.level(kb))

    def fails_at(self, level: str) -> bool:
        return urgency(level) > urgency(self.at_least) or (
            self.exact is not None and level != self.exact
        )


@dataclass
class Checks:
    """The checks that hold on the unmutated knowledge, and those left out, with why."""

    checks: list[Check] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (check id, why)


def vignette_checks(kb: KnowledgeBase, cases: Iterable[tuple[str, Case]]) -> Checks:
    """(file name, case) pairs as checks: no under-triage; exact stays exact."""
    out = Checks()
    for source, case in cases:
        check = Check(id=f"{source}:{case.id}", age=case.age, sex=case.sex,
                      answers=dict(case.answers), at_least=case.triage)  # fmt: skip
        level = check.level(kb)
        if urgency(level) > urgency(case.triage):
            out.left_out.append((check.id, f"under-triaged already ({level}, not {case.triage})"))
            continue
        out.checks.append(replace(check, exact=level) if level == case.triage else check)
    return out


def table_checks(kb: KnowledgeBase, entries: Iterable[tuple[str, Check]]) -> Checks:
    """Clinical expectation checks: kept only if the unmutated knowledge meets them."""
    out = Checks()
    for _, check in entries:
        level = check.level(kb)
        if check.fails_at(level):
            out.left_out.append((check.id, f"fails already ({level}, not {check.at_least})"))
        else:
            out.checks.append(check)
    return out


def parse_check(source: str, entry: Mapping[str, Any], vocabulary: Iterable[str]) -> Check:
    """One entry of the expectations table; unknown finding IDs or levels are errors."""
    known = set(vocabulary)
    cid = f"{source}:{entry['id']}"
    answers = {str(k): bool(v) for k, v in (entry.get("answers") or {}).items()}
    not_sure = tuple(str(f) for f in entry.get("not_sure") or ())
    unknown = sorted((set(answers) | set(not_sure)) - known)
    if unknown:
        raise ValueError(f"{cid}: unknown findings {unknown}")
    level = entry["expect_at_least"]
    if level not in LEVELS:
        raise ValueError(f"{cid}: expect_at_least {level!r} is not one of {LEVELS}")
    if not str(entry.get("why") or "").strip():
        raise ValueError(f"{cid}: no why")
    return Check(id=cid, age=int(entry["age"]), sex=str(entry.get("sex", "unspecified")),
                 answers=answers, at_least=level, not_sure=not_sure,
                 why=str(entry["why"]).strip())  # fmt: skip


# --- killing -------------------------------------------------------------------------------


def failing(kb: KnowledgeBase, checks: Iterable[Check]) -> Iterator[Check]:
    return (c for c in checks if c.fails(kb))


def kill(kb: KnowledgeBase, checks: Iterable[Check]) -> bool:
    """True when at least one check fails on ``kb`` (stops at the first)."""
    return next(failing(kb, checks), None) is not None


def could_fire(rule: Rule, check: Check) -> bool:
    """Whether ``rule`` can fire for the person in ``check``: every group of its ``when``
    has a finding answered true, at an age it applies to.

    A mutation only removes people from a rule or lowers it, so where the unmutated
    rule cannot fire the mutant gives the unmutated result, which passes the check
    (checks the unmutated knowledge fails are left out): only the other checks are run."""
    true = {f for f, v in check.answers.items() if v is True}
    return rule.applies_to(check.age) and all(group & true for group in rule.when)


@dataclass
class Report:
    mutants: int
    checks: int
    seconds: float  # wall time
    cpu_seconds: float  # this process's CPU time: what a busy machine does not inflate
    killed: dict[str, str]  # mutant -> the first check that failed on it
    covered: dict[str, list[str]]  # survivor -> the other rules that fire for all it lost
    accepted: dict[str, str]  # survivor -> why the table accepts it
    unexplained: list[str]  # survivors nothing explains: a check is missing
    left_out: list[tuple[str, str]]  # (check id, why): checks the knowledge fails already
    stale: list[str]  # accepted survivors that are no longer survivors

    @property
    def survivors(self) -> list[str]:
        return [*self.covered, *self.accepted, *self.unexplained]

    def lines(self, verbose: bool = False) -> list[str]:
        out = [
            f"mutants: {self.mutants}  killed: {len(self.killed)}  survivors: "
            f"{len(self.survivors)} ({len(self.covered)} covered by other rules, "
            f"{len(self.accepted)} accepted, {len(self.unexplained)} unexplained)  "
            f"checks: {self.checks}  time: {self.seconds:.2f} s ({self.cpu_seconds:.2f} s CPU)"
        ]
        if self.left_out:
            out.append(f"checks left out, as the unmutated knowledge fails them: "
                       f"{len(self.left_out)}")  # fmt: skip
            out.extend(f"  {cid}: {why}" for cid, why in self.left_out)
        if verbose:
            out.append("killed:")
            out.extend(f"  {m}  by {check}" for m, check in self.killed.items())
        if self.covered:
            out.append("survivors covered by other rules (they fire, at least as urgently, "
                       "for everyone the mutant lost: no check can tell):")  # fmt: skip
            out.extend(f"  {m}  (by {', '.join(rules)})" for m, rules in self.covered.items())
        if self.accepted:
            out.append("survivors accepted by rule-checks.yaml:")
            out.extend(f"  {m}  ({why})" for m, why in self.accepted.items())
        if self.stale:
            out.append("accepted in rule-checks.yaml but no longer surviving (remove them):")
            out.extend(f"  {m}" for m in self.stale)
        if self.unexplained:
            out.append("SURVIVORS (no check fails on them; add a clinical check or accept):")
            out.extend(f"  {m}" for m in self.unexplained)
        return out


@dataclass
class Suite:
    """What a mutation run needs: the knowledge, the checks and the accepted survivors."""

    kb: KnowledgeBase
    vignettes: Checks
    table: Checks
    accepted: dict[str, str] = field(default_factory=dict)  # mutant name -> why


def run(suite: Suite) -> Report:
    """Every mutant against the checks that could notice it (see ``could_fire``)."""
    started, cpu = time.perf_counter(), time.process_time()
    kb = suite.kb
    checks = suite.vignettes.checks + suite.table.checks
    killed: dict[str, str] = {}
    covered: dict[str, list[str]] = {}
    accepted: dict[str, str] = {}
    unexplained: list[str] = []
    count = 0
    for mutant in mutants(kb):
        count += 1
        relevant = [c for c in checks if could_fire(mutant.rule, c)]
        first = next(failing(mutant.kb, relevant), None) if relevant else None
        if first is not None:
            killed[mutant.name] = first.id
        elif rules := covered_by(kb, mutant):
            covered[mutant.name] = rules
        elif mutant.name in suite.accepted:
            accepted[mutant.name] = suite.accepted[mutant.name]
        else:
            unexplained.append(mutant.name)
    return Report(mutants=count, checks=len(checks), seconds=time.perf_counter() - started,
                  cpu_seconds=time.process_time() - cpu, killed=killed, covered=covered,
                  accepted=accepted, unexplained=unexplained,
                  left_out=suite.vignettes.left_out + suite.table.left_out,
                  stale=sorted(set(suite.accepted) - set(accepted)))  # fmt: skip
