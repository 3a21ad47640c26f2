"""PUT303 omission-rejected."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import reference_api

from linter.facts import ProbeFacts
from linter.rule import Hit, Rule, observed_hit

PRESERVE = "x-critical: {on-omit: preserve}"


def check(facts: ProbeFacts) -> Iterator[Hit]:
    kind, outcome = facts.observation.case.kind, facts.observation.outcome.value
    if kind == "shrink":  # a shorter list is PUT305's
        return
    # each form is judged by its own contract key: a null refused under `on-null: reject` is
    # right, whatever `on-omit` says
    if outcome == "rejected" and facts.contract in ("preserve", "clear"):
        yield observed_hit(f"the contract says {facts.contract_key}: {facts.contract}, but "
                           "the server rejected it", facts)
    elif outcome == "preserved" and facts.contract == "clear":
        yield observed_hit(f"the contract says {facts.contract_key}: clear, but the server "
                           "kept the stored value", facts)


RULE = Rule(
    id="PUT303",
    name="omission-rejected",
    severity="warning",
    summary="The contract accepts an omission (preserve) or a clear, but the server refused it "
    "or did not clear.",
    what_it_does=(
        "The field is critical with `on-omit: preserve`, so clients may leave it out, but the "
        "server answered 4xx to a body without it; or `on-null` / `on-empty` says `clear` and "
        "the server refused the null or empty value, or kept the stored value."),
    why_bad=(
        "Clients built on the contract (an operator that manages the field through another "
        "endpoint and omits it here) will fail on every update. Data is safe, but the "
        "integration breaks: fix the server or the contract."),
    example=reference_api("reject", "PUT303", mark=PRESERVE, required="[cert, key]",
                          min_items=False),
    use_instead=reference_api("preserve clear=reject", mark=PRESERVE, required="[cert, key]",
                              min_items=False),
    check=check,
    reads=ProbeFacts,
)
