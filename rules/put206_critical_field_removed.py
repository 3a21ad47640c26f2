"""PUT206 critical-field-removed."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import certificates, change

from linter.facts import OperationPair
from linter.rule import Hit, Rule

HEAD_SPEC = certificates(snis=False, required="[cert]", at_schema="PUT206")


def check(pair: OperationPair) -> Iterator[Hit]:
    for media_type, before, after in pair.critical_fields():
        if after is None and not pair.head_field(media_type, before.field.path)[0]:
            yield Hit(f"critical field '{before.path}' is gone from the {media_type} request "
                      f"body of {pair.head.op.label}", pair.head_body(media_type), media_type,
                      before.path)


RULE = Rule(
    id="PUT206",
    name="critical-field-removed",
    severity="warning",
    summary="A critical field disappeared from a request body.",
    what_it_does=(
        "Finds fields critical in base that head's request body of the same media type no "
        "longer has at all."),
    why_bad=(
        "When a field leaves the request body, the server still holds its data: what does a PUT "
        "now do to it? If it is managed elsewhere now, say so (`on-omit: preserve` during a "
        "transition); if the server derives it, make sure nothing erases it."),
    # base, then head after the separator line: `putlint diff` reports the change
    example=change(certificates(), HEAD_SPEC),
    # keep the field, kept when left out, for a transition (adding it back as `reject` would
    # be PUT207's)
    use_instead=change(certificates(), certificates(
        required="[cert]", mark="x-critical: {on-omit: preserve}")),
    fix=(
        "If the data moved to another resource, mark the field `x-critical: {on-omit: "
        "preserve}` for a transition instead of removing it; otherwise make sure no PUT erases "
        "the stored value."),
    check=check,
    reads=OperationPair,
)
