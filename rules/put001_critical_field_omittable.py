"""PUT001 critical-field-omittable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.facts import FieldFacts, OperationFacts, dotted
from linter.rule import Hit, Rule, verdict_hit


def check(facts: OperationFacts) -> Iterator[Hit]:
    for media, field in facts.fields():
        verdict = field.omittable
        if field.read_only or field.mark.on_omit == "preserve" or verdict.holds is False:
            continue
        how = "the body may leave it out"
        step = _optional_parent(field, verdict.example)
        if step is not None:
            how = f"the body may leave out its parent '{dotted(field.field.path[:step + 1])}'"
        if field.mark.on_omit == "purge":
            what = f"the API purges the stored '{field.path}' when it is omitted, and {how}"
        else:
            what = f"critical field '{field.path}' is not required: {how}"
        # at the property whose `required` entry is missing: the optional parent's, when a
        # parent is what the body may leave out (that is where the fix is written)
        yield verdict_hit(what, facts.op, media, field, verdict,
                          field.loc(step) if step is not None else None)


def _optional_parent(field: FieldFacts, example: Any) -> int | None:
    """The path step of the ancestor whose absence makes the field absent, when it is not the
    field itself."""
    value = example
    for i, step in enumerate(field.field.path[:-1]):
        if step == "[]":
            value = value[0] if isinstance(value, list) and value else None
            continue
        if not isinstance(value, dict) or step not in value:
            return i
        value = value[step]
    return None


RULE = Rule(
    id="PUT001",
    name="critical-field-omittable",
    severity="error",
    summary="A valid PUT/upsert body can leave out a critical field.",
    what_it_does=(
        "Finds request bodies of PUT and upsert operations in which a field marked critical "
        "(`x-critical`) is not required, directly or because an ancestor object is optional, "
        "or because a `oneOf`/`anyOf` branch does not require it. It reports a concrete body "
        "that the contract accepts without the field. Under an OpenAPI `discriminator`, only "
        "the branches that declare the field are judged: a body whose discriminator value "
        "selects another branch is another kind of resource, which has no such field."),
    why_bad=(
        "A PUT replaces the resource. When the contract lets a client leave out a critical "
        "child collection, the server must guess: keep it or delete it. On 2025-11-06 Kong's "
        "Konnect API chose to delete: certificates PUT without `snis` lost every SNI, and the "
        "Kong Operator, which PUTs certificates without them, broke customers' TLS traffic. "
        "Making the field required turns that omission into a 400 the client sees at once."),
    example="""\
openapi: 3.0.3
info: {title: Certificates, version: '1'}
paths:
  /certificates/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    put:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [cert, key]
              properties:
                cert: {type: string}
                key: {type: string}
                snis:                                   # expect: PUT001
                  type: array
                  minItems: 1
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
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [cert, key, snis]
              properties:
                cert: {type: string}
                key: {type: string}
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
