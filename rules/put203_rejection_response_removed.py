"""PUT203 rejection-response-removed."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import certificates, change, unmarked

from linter.facts import OperationPair
from linter.rule import Hit, Rule

HEAD_SPEC = certificates(rejection=False, at_responses="PUT203, PUT005")


def check(pair: OperationPair) -> Iterator[Hit]:
    if not pair.base.rejection_documented or pair.head.rejection_documented:
        return
    guarded = pair.head.rejecting_fields
    if guarded:
        names = ", ".join(sorted({f.path for _, f in guarded}))
        yield Hit(f"{pair.head.op.label} no longer documents a {pair.head.rejection_words}, "
                  f"though it has critical fields ({names})", pair.head.op.responses_loc)


RULE = Rule(
    id="PUT203",
    name="rejection-response-removed",
    severity="error",
    summary="An upsert with critical fields no longer documents its 400, 422 or 4XX response.",
    what_it_does=(
        "Finds operations whose base documented a rejection (`400`, `422` or `4XX`) and whose "
        "head documents none, while they carry critical fields that must be rejected when "
        "missing."),
    why_bad=(
        "The documented 400 is the contract's promise that a missing critical field is refused "
        "rather than acted on. Removing it is the first step of the Konnect change: the server "
        "may now accept, and purge."),
    # base, then head after the separator line: `putlint diff` reports the change
    example=change(certificates(), HEAD_SPEC),
    # the reverse change is safe: no finding
    use_instead=change(unmarked(HEAD_SPEC), certificates()),
    fix=(
        "Document the `400` (or `422`) again, saying that a missing critical field is rejected "
        "- and keep the server answering it."),
    check=check,
    reads=OperationPair,
)
