"""PUT201 critical-field-became-omittable."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import certificates, change, unmarked

from linter.facts import OperationPair
from linter.rule import Hit, Rule

FORMS = (("absent", "omittable", "left out"), ("null", "nullable", "sent as null"),
         ("empty", "emptiable", "sent empty"))


HEAD_SPEC = certificates(required="[cert]", at_snis="PUT201, PUT001")


def check(pair: OperationPair) -> Iterator[Hit]:
    for media_type, before, after in pair.critical_fields():
        if after is None:
            continue
        opened = [(words, verdict) for form, attr, words in FORMS
                  for verdict in [getattr(after, attr)]
                  if getattr(before, attr).holds is False and verdict.holds is not False
                  and not (form == "absent" and after.mark.on_omit == "preserve")]
        if opened:
            example = next((v for _, v in opened if v.holds), opened[0][1])
            yield Hit(f"critical field '{after.path}' can now be "
                      f"{' or '.join(w for w, _ in opened)}; base did not allow it",
                      after.loc(), media_type, after.path, example.example,
                      example.holds is True, example.decided_by,
                      related=after.related(pair.head.op))


RULE = Rule(
    id="PUT201",
    name="critical-field-became-omittable",
    severity="error",
    summary="A critical field that base kept from being omitted, nulled or emptied, head lets go.",
    what_it_does=(
        "Compares each critical field's verdicts in base and head: a body that leaves the field "
        "out, sends it as null or sends it empty, which base's schema rejected and head's "
        "accepts. Changes through `allOf`/`oneOf` branches, `$ref` retargeting and other files "
        "are seen, since both versions are analysed whole."),
    why_bad=(
        "This is the change that turned Konnect's certificate PUT into an SNI purge: an "
        "omission that used to be refused reaches the server. Clients that leave the field out "
        "(the Kong Operator) lose data from the day it ships."),
    # base, then head after the separator line: `putlint diff` reports the change
    example=change(certificates(), HEAD_SPEC),
    # the reverse change is safe: no finding
    use_instead=change(unmarked(HEAD_SPEC), certificates()),
    fix=(
        "Restore what base had: list the field in `required`, drop the `null` type or "
        "`nullable`, keep `minItems: 1` - in the schema the operation uses now, including the "
        "branch or file that changed."),
    check=check,
    reads=OperationPair,
)
