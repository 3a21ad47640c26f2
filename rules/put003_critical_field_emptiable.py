"""PUT003 critical-field-emptiable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.facts import FieldFacts, OperationFacts
from linter.rule import Hit, Rule, verdict_hit


def check(facts: OperationFacts) -> Iterator[Hit]:
    for media, field in facts.fields():
        verdict = field.emptiable
        if field.read_only or field.kept_why or field.mark.on_empty == "clear" or \
                verdict.holds is False:
            continue
        fix = "minItems: 1" if _empty_kind(field, verdict.example) == "array" else \
            "required properties or minProperties: 1"
        message = f"critical field '{field.path}' can be sent empty; add {fix}"
        yield verdict_hit(message, facts.op, media, field, verdict)


def _empty_kind(field: FieldFacts, example: Any) -> str:
    value = example
    for step in field.field.path:
        if step == "[]":
            value = value[0] if isinstance(value, list) and value else None
        elif isinstance(value, dict):
            value = value.get(step)
    return "object" if isinstance(value, dict) else "array"


RULE = Rule(
    id="PUT003",
    name="critical-field-emptiable",
    severity="warning",
    summary="A valid PUT/upsert body can send a critical collection empty.",
    what_it_does=(
        "Finds critical fields that accept an empty array (no `minItems: 1`) or an empty "
        "object (nothing required in it). A Swagger 2.0 / OpenAPI 3.0 schema without `type` "
        "whose keywords describe an object (`properties` alone) is an object, never `[]`. "
        "Under an OpenAPI `discriminator`, only the branches that declare the field are "
        "judged."),
    why_bad=(
        "An empty list is a complete replacement: `snis: []` deletes every SNI as surely as "
        "omitting it does. On 2025-11-08 Kustomer shipped a certificate whose list of Subject "
        "Alternative Names was missing required entries; a contract that admits an empty list "
        "cannot even catch the extreme case."),
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
              required: [subject_alternative_names]
              properties:
                subject_alternative_names:             # expect: PUT003
                  type: array
                  items: {type: string, format: hostname}
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
              required: [subject_alternative_names]
              properties:
                subject_alternative_names:
                  type: array
                  minItems: 1
                  items: {type: string, format: hostname}
                  x-critical: true
      responses:
        '200': {description: replaced}
        '400': {description: a critical field is missing}
""",
    check=check,
)
