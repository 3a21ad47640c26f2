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
            yield Hit(f"critical field '{field.path}' {what} and every PUT replaces it with "
                      "nothing", field.loc(),
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
        "property is not required in them), so the client has no way to keep the value."),
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
