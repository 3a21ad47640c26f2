"""PUT302 omission-accepted."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import reference_api

from linter.facts import ProbeFacts
from linter.rule import Hit, Rule, observed_hit


def check(facts: ProbeFacts) -> Iterator[Hit]:
    case = facts.observation.case
    if case.kind != "shrink" and facts.observation.outcome.value == "preserved" and \
            facts.contract == "reject":
        yield observed_hit(f"the contract says reject ({facts.contract_key}), but the server "
                           "answered 2xx and kept the stored value", facts)


RULE = Rule(
    id="PUT302",
    name="omission-accepted",
    severity="error",
    summary="The contract says omission is rejected, but the server accepted it.",
    what_it_does=(
        "The field is critical with `on-omit: reject` (the default), yet the server answered "
        "2xx to a body without it (or with null or an empty value where `on-null` / "
        "`on-empty` says reject). It kept the stored value this time, but the contract and the "
        "server disagree."),
    why_bad=(
        "The contract lies: clients and tools (putlint check among them) trust the documented "
        "400, and a server that silently accepts is one refactoring away from purging. Either "
        "make the server answer 400 or document `on-omit: preserve`."),
    example=reference_api("preserve", "PUT302"),
    use_instead=reference_api("reject"),
    check=check,
    reads=ProbeFacts,
)
