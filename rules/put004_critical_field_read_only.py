"""PUT004 critical-field-read-only."""

from __future__ import annotations

from collections.abc import Iterator

from linter.facts import OperationFacts
from linter.rule import Hit, Rule


def check(facts: OperationFacts) -> Iterator[Hit]:
    for media, field in facts.fields():
        if field.read_only:
            why = field.read_only_why or "readOnly"
            what = "is readOnly, so a request can never carry it" if why == "readOnly" else \
                f"cannot be sent on update ({why})"
            # What follows depends on the server, which the spec does not say: a server that
            # replaces the stored resource resets the field; one that keeps server-managed
            # fields does not, and then the mark should say `on-omit: preserve`.
            yield Hit(f"critical field '{field.path}' {what}: a PUT that replaces the stored "
                      "resource resets it, unless the server keeps it on its own", field.loc(),
                      media.body.media_type, field.path,
                      related=field.related(facts.op))


RULE = Rule(
    id="PUT004",
    name="critical-field-read-only",
    severity="error",
    summary="A critical field is readOnly in the request body, so it can never be sent.",
    what_it_does=(
        "Finds critical fields marked `readOnly: true` in a PUT/upsert request schema. "
        "OpenAPI says a readOnly property is not sent in requests (and a required readOnly "
        "property is not required in them), so the client has no way to keep the value. "
        "With `profile: azure-arm`, `x-ms-mutability` without `update` counts too, except "
        "a create-only field (`[create, read]`): ARM sets it at creation and keeps it on every "
        "later PUT, so the profile reads it as `on-omit: preserve` and reports nothing."),
    why_bad=(
        "If the server replaces the resource on PUT, a field the client cannot send is reset on "
        "every update. Either the field is managed elsewhere (then it is not part of this "
        "contract and should be preserved: `on-omit: preserve`), or it must be writable."),
    example="""\
openapi: 3.0.3
info: {title: Certificates, version: '1'}
paths:
  /certificates/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [snis]
              properties:
                snis:                                   # expect: PUT004
                  type: array
                  minItems: 1
                  readOnly: true
                  items: {type: string}
                  x-critical: true
      responses:
        '200': {description: replaced}
        '400': {description: a critical field is missing}
""",
    use_instead="""\
openapi: 3.0.3
info: {title: Certificates, version: '1'}
paths:
  /certificates/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [snis]
              properties:
                snis:
                  type: array
                  minItems: 1
                  items: {type: string}
                  x-critical: true
      responses:
        '200': {description: replaced}
        '400': {description: a critical field is missing}
""",
    check=check,
)
