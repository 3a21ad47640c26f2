"""PUT301 omission-purged."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import reference_api

from linter.facts import ProbeFacts
from linter.rule import Hit, Rule, observed_hit


def check(facts: ProbeFacts) -> Iterator[Hit]:
    outcome, kind = facts.observation.outcome.value, facts.observation.case.kind
    if kind == "shrink":  # a shorter list is PUT305's
        return
    if outcome == "purged":
        yield observed_hit("the server purged the stored value", facts)
    elif outcome == "cleared" and facts.contract != "clear":
        yield observed_hit(f"the server cleared the stored value, and the contract says "
                           f"{facts.contract_key}: {facts.contract}", facts)


RULE = Rule(
    id="PUT301",
    name="omission-purged",
    severity="error",
    summary="A live omission of a critical field deleted the stored value.",
    what_it_does=(
        "probe created a resource with the critical field set, sent the same PUT without it (or "
        "with null, or empty), read the resource back, and found the stored value changed or "
        "the resource gone. Reported whatever `on-omit` says: a documented purge is still a "
        "purge. A null or empty value that cleared the field is reported unless `on-null` / "
        "`on-empty` says `clear`; where it does, the field must be emptied and nothing else "
        "changed, or it is reported too."),
    why_bad=(
        "This is the Konnect outage of 2025-11-06 as it happens on the wire: a client that "
        "manages the field elsewhere (the Kong Operator reconciling SNIs) PUTs without it, and "
        "the server deletes data the client never meant to touch."),
    example=reference_api("purge", "PUT301"),
    use_instead=reference_api("reject"),
    check=check,
    reads=ProbeFacts,
)
