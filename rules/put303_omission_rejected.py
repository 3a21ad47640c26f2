"""PUT303 omission-rejected."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import reference_api

from linter.facts import ProbeFacts
from linter.rule import Hit, Rule, observed_hit

PRESERVE = "x-critical: {on-omit: preserve}"


def check(facts: ProbeFacts) -> Iterator[Hit]:
    if facts.observation.outcome.value == "rejected" and facts.on_omit == "preserve":
        yield observed_hit("the contract says omission preserves the stored value, but the "
                           "server rejected it", facts)


RULE = Rule(
    id="PUT303",
    name="omission-rejected",
    severity="warning",
    summary="The contract says omission preserves the stored value, but the server rejected it.",
    what_it_does=(
        "The field is critical with `on-omit: preserve`, so clients may leave it out, but the "
        "server answered 4xx to a body without it."),
    why_bad=(
        "Clients built on the contract (an operator that manages the field through another "
        "endpoint and omits it here) will fail on every update. Data is safe, but the "
        "integration breaks: fix the server or the contract."),
    example=reference_api("reject", "PUT303", mark=PRESERVE, required="[cert, key]",
                          min_items=False),
    use_instead=reference_api("preserve", mark=PRESERVE, required="[cert, key]",
                              min_items=False),
    check=check,
    reads=ProbeFacts,
)
