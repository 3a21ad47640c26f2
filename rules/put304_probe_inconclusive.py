"""PUT304 probe-inconclusive."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import reference_api

from linter.facts import ProbeFacts
from linter.rule import Hit, Rule, observed_hit


def check(facts: ProbeFacts) -> Iterator[Hit]:
    if facts.observation.outcome.value == "inconclusive":
        yield observed_hit("probe could not tell what the omission does", facts)


RULE = Rule(
    id="PUT304",
    name="probe-inconclusive",
    severity="warning",
    summary="probe could not tell what an omission does.",
    what_it_does=(
        "A case probe could not observe: the path has no GET to read the resource back; "
        "probe could not prove the place empty before writing (a path without parameters, an "
        "item that exists already, a GET answering neither 404 nor 410: it writes only to what "
        "it creates, unless --allow-existing); the set-up was refused; the server answered "
        "5xx, timed out or sent more than probe reads; or the request budget ran out. The "
        "reason is in the message and the requests in the report. When no case of a run could "
        "be observed, probe exits 2."),
    why_bad=(
        "An unobserved case is not a passed case. A gate that stays silent when it could not "
        "look would let the next purge through."),
    example=reference_api("reject", "PUT304", get=False),
    use_instead=reference_api("reject"),
    check=check,
    reads=ProbeFacts,
)
