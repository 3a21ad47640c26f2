"""PUT204 request-body-became-optional."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import certificates, change, unmarked

from linter.facts import OperationPair
from linter.rule import Hit, Rule

HEAD_SPEC = certificates(body_required="false", at_body="PUT204, PUT006")


def check(pair: OperationPair) -> Iterator[Hit]:
    required = {b.media_type: b.required for b in pair.base.op.bodies}
    for media in pair.head.media:
        if required.get(media.body.media_type) and not media.body.required:
            yield Hit(f"the {media.body.media_type} request body of {pair.head.op.label} was "
                      "required in base and is optional in head, so a PUT may carry none of "
                      "its critical fields", media.body.loc, media.body.media_type)


RULE = Rule(
    id="PUT204",
    name="request-body-became-optional",
    severity="error",
    summary="A request body with critical fields became optional.",
    what_it_does=(
        "Finds request bodies that were `required: true` in base and are optional in head while "
        "they carry critical fields."),
    why_bad=(
        "An empty PUT is the ultimate omission: every critical field is left out at once. On a "
        "replace-semantics upsert it erases the resource's state."),
    # base, then head after the separator line: `putlint diff` reports the change
    example=change(certificates(), HEAD_SPEC),
    # the reverse change is safe: no finding
    use_instead=change(unmarked(HEAD_SPEC), certificates()),
    fix=(
        "Set `requestBody.required: true` again (Swagger 2.0: `required: true` on the body "
        "parameter)."),
    check=check,
    reads=OperationPair,
)
