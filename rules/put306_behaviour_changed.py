"""PUT306 behaviour-changed."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import reference_api

from linter.facts import BehaviourFacts
from linter.rule import Hit, Rule, observed_hit


def check(facts: BehaviourFacts) -> Iterator[Hit]:
    if facts.recorded == facts.observed:
        return
    if facts.probe is None:
        yield Hit(f"{facts.key}: recorded as {facts.recorded}, but this run has no such case "
                  "(the operation, field or form is gone, or was not selected)", None,
                  place_override=facts.place)
        return
    if facts.recorded is None:
        message = (f"a new case: {facts.observed}, not in the record (record again to accept "
                   "it)")
    else:
        message = f"the behaviour changed: recorded {facts.recorded}, now {facts.observed}"
    yield observed_hit(message, facts.probe)


RULE = Rule(
    id="PUT306",
    name="behaviour-changed",
    severity="error",
    summary="A probe case did something else than the behaviour record says it did.",
    what_it_does=(
        "`putlint probe --expect behaviour.yaml` (or the pytest plugin's `--putlint-expect`) "
        "runs the cases of a record written by `--record` and reports every case whose outcome "
        "changed (preserved to purged, rejected to replaced...), whatever the contract says; "
        "also every recorded case the run did not have, and every case the record lacks."),
    why_bad=(
        "Kong's spec did not change on 2025-11-06; the behaviour did: a certificate PUT "
        "without `snis` went from keeping them to deleting them all. A check against the "
        "contract alone stays silent when the contract never said; a check against yesterday's "
        "behaviour does not."),
    example=reference_api("preserve clear=reject then=purge", "PUT301, PUT306",
                          mark="x-critical: {on-omit: purge}", required="[cert, key]",
                          min_items=False),
    use_instead=reference_api("preserve clear=reject then=preserve",
                              mark="x-critical: {on-omit: purge}", required="[cert, key]",
                              min_items=False),
    check=check,
    reads=BehaviourFacts,
)
