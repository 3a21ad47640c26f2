"""PUT202 critical-mark-removed."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import certificates, change, unmarked

from linter.facts import OperationPair
from linter.rule import Hit, Rule

HEAD_SPEC = certificates(mark="description: SNIs of this certificate", at_snis="PUT202")


def check(pair: OperationPair) -> Iterator[Hit]:
    for media_type, before, after in pair.critical_fields():
        if after is not None:
            continue
        exists, loc = pair.head_field(media_type, before.field.path)
        if exists:
            yield Hit(f"'{before.path}' was critical in base and is not in head: its omission is "
                      "no longer checked", loc or pair.head_body(media_type), media_type,
                      before.path)


RULE = Rule(
    id="PUT202",
    name="critical-mark-removed",
    severity="error",
    summary="A field that was critical in base is not critical in head, while it still exists.",
    what_it_does=(
        "Finds fields marked critical in base (by `x-critical` or by configuration) that are "
        "still in head's request body but no longer marked, or marked `x-critical: false`."),
    why_bad=(
        "Dropping the annotation silently switches off every check that protects the field; the "
        "next change that makes it omittable then passes review. If the field really stopped "
        "being critical, say so in review and accept this finding once."),
    # base, then head after the separator line: `putlint diff` reports the change
    example=change(certificates(), HEAD_SPEC),
    # the reverse change is safe: no finding
    use_instead=change(unmarked(HEAD_SPEC), certificates()),
    fix=(
        "Put `x-critical` back on the field. If it is no longer critical, keep `x-critical: "
        "false` so the decision is written down, and accept this finding in review."),
    check=check,
    reads=OperationPair,
)
