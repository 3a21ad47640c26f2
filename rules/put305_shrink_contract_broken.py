"""PUT305 shrink-contract-broken."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from linter.rules._specs import reference_api

from linter.facts import ProbeFacts
from linter.rule import Hit, Rule, observed_hit

KEEP = "x-critical: {on-omit: reject, on-shrink: keep}"
# What each `on-shrink` accepts: the outcome it promises. Anything else is reported; an error
# when stored members were lost that the contract did not give up.
PROMISED = {"replace": "replaced", "reject": "rejected", "keep": "kept"}
LOST = {"replace": {"purged"}, "reject": {"replaced", "purged"}, "keep": {"replaced", "purged"}}


def check(facts: ProbeFacts) -> Iterator[Hit]:
    if facts.observation.case.kind != "shrink":
        return
    contract, outcome = facts.contract, facts.observation.outcome.value
    if outcome == "inconclusive" or outcome == PROMISED.get(contract):
        return
    lost = outcome in LOST.get(contract, set())
    hit = observed_hit(f"the contract says on-shrink: {contract}, but the server "
                       f"{outcome} " + ("the stored collection: members were lost"
                                        if lost else "it"), facts)
    yield replace(hit, severity="error" if lost else "warning")


RULE = Rule(
    id="PUT305",
    name="shrink-contract-broken",
    severity="error",
    summary="A PUT with a shorter critical collection did not do what `on-shrink` says.",
    what_it_does=(
        "probe set up a resource whose critical list or map holds two members, sent the same "
        "PUT with only the first, and read it back: `replaced` (the shorter collection is "
        "stored), `rejected` (4xx, nothing changed), `kept` (every stored member is still "
        "there) or `purged` (members the PUT sent were lost too). It is compared with "
        "`on-shrink` (default `replace`). An error when stored members were lost that the "
        "contract keeps (`reject`, `keep`), or when members the PUT sent were lost; a warning "
        "when the server is safer than the contract says (it kept or rejected where the "
        "contract says replace)."),
    why_bad=(
        "Kustomer's replacement certificate lacked SANs, and Key Vault access policies are "
        "replaced wholesale: a client that sends the members it knows about, meaning to add "
        "to the stored ones, deletes the rest when the server replaces."),
    example=reference_api("reject shrink=replace", "PUT305", mark=KEEP),
    use_instead=reference_api("reject shrink=keep", mark=KEEP),
    check=check,
    reads=ProbeFacts,
)
