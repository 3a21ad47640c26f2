"""PUT002 critical-field-nullable."""

from __future__ import annotations

from collections.abc import Iterator

from linter.facts import OperationFacts, dotted
from linter.rule import Hit, Rule, verdict_hit


def check(facts: OperationFacts) -> Iterator[Hit]:
    for media, field in facts.fields():
        verdict = field.nullable
        if field.read_only or field.kept_why or field.mark.on_null == "clear" or \
                verdict.holds is False:
            continue
        step = field.null_step()
        if step is not None and step < len(field.field.path) - 1:
            parent = dotted(field.field.path[: step + 1])
            message = (f"critical field '{field.path}' can be wiped by sending its parent "
                       f"'{parent}' as null")
        else:
            message = f"critical field '{field.path}' accepts null"
        yield verdict_hit(message, facts.op, media, field, verdict, field.loc(step))


RULE = Rule(
    id="PUT002",
    name="critical-field-nullable",
    severity="error",
    summary="A valid PUT/upsert body can send a critical field, or a parent of it, as null.",
    what_it_does=(
        "Finds critical fields that accept `null` (`nullable: true` in OpenAPI 3.0, "
        "`type: [..., 'null']` in 3.1, `x-nullable` in Swagger 2.0), or whose parent object "
        "does. Kong's own 3.1 spec writes `nullable: true` on `snis`: putlint honours what "
        "the author evidently meant in every version. In Swagger 2.0 and OpenAPI 3.0 a "
        "schema without `type` (Azure's `properties: {...}` alone) admits no null unless it "
        "says `nullable`/`x-nullable`; in 3.1 (JSON Schema) it does. Under an OpenAPI "
        "`discriminator`, only the branches that declare the field are judged."),
    why_bad=(
        "Kong Gateway turns a missing `snis` into null and then deletes every SNI. A contract "
        "that accepts null invites exactly that: `null` reads as 'clear it' to one side and "
        "'no opinion' to the other."),
    example="""\
openapi: 3.1.0
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
              required: [cert, snis]
              properties:
                cert: {type: string}
                snis:                                   # expect: PUT002
                  type: [array, 'null']
                  minItems: 1
                  items: {type: string}
                  x-critical: true
      responses:
        '200': {description: replaced}
        '400': {description: a critical field is missing}
""",
    use_instead="""\
openapi: 3.1.0
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
              required: [cert, snis]
              properties:
                cert: {type: string}
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
