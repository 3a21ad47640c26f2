"""PUT207 critical-field-added."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import certificates, change, unmarked

from linter.facts import OperationPair
from linter.rule import Hit, Rule

BASE_SPEC = certificates(snis=False, required="[cert]")
HEAD_SPEC = certificates(at_snis="PUT207")
SAFE_HEAD = certificates(required="[cert]", mark="x-critical: {on-omit: preserve}")

WHY = {
    "reject": "clients written before it never send it, and every one of their PUTs will now "
              "fail",
    "purge": "clients written before it never send it, and every one of their PUTs will now "
             "erase it",
}


def check(pair: OperationPair) -> Iterator[Hit]:
    for media, field in pair.head.fields():
        why = WHY.get(field.mark.on_omit)
        if why is None or field.read_only:
            continue
        media_type = media.body.media_type
        if media_type not in pair.base.bundles or \
                pair.base_field(media_type, field.field.path):
            continue  # a new body, or a field base already had (PUT202's if it was unmarked)
        yield Hit(f"critical field '{field.path}' is new in the {media_type} request body of "
                  f"{pair.head.op.label} with on-omit: {field.mark.on_omit}: {why}; only "
                  "on-omit: preserve is safe for a field added later", field.loc(), media_type,
                  field.path, related=field.related(pair.head.op))


RULE = Rule(
    id="PUT207",
    name="critical-field-added",
    severity="error",
    summary="A critical field added to an existing request body must be `on-omit: preserve`.",
    what_it_does=(
        "Finds critical fields that head's request body has and base's body of the same "
        "operation and media type did not, whose `on-omit` is `reject` or `purge`."),
    why_bad=(
        "Clients written before the field existed never send it. With `reject` every one of "
        "their PUTs starts failing on the day of the release; with `purge` each of them erases "
        "the new field's value, which other clients set. Only `preserve` keeps old clients "
        "working and the new data safe."),
    # base, then head after the separator line: `putlint diff` reports the change
    example=change(BASE_SPEC, HEAD_SPEC),
    # the same field added as `preserve` is safe
    use_instead=change(BASE_SPEC, unmarked(SAFE_HEAD)),
    fix=(
        "Add the field as `x-critical: {on-omit: preserve}` (optional, kept when left out); "
        "move to `reject` once every client sends it."),
    check=check,
    reads=OperationPair,
)
