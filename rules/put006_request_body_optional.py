"""PUT006 request-body-optional."""

from __future__ import annotations

from collections.abc import Iterator

from linter.facts import OperationFacts
from linter.model import RequestBody
from linter.refs import Loc
from linter.rule import Hit, Rule


def check(facts: OperationFacts) -> Iterator[Hit]:
    seen = set()
    for media, _ in facts.guarded_fields:
        body = media.body
        if body.required or body.loc.key in seen:
            continue
        seen.add(body.loc.key)
        names = ", ".join(sorted({f.path for m, f in facts.guarded_fields if m.body is body}))
        yield Hit(f"the request body of {facts.op.label} is optional, yet it carries critical "
                  f"fields ({names}); add 'required: true'", declared_at(body), body.media_type)


def declared_at(body: RequestBody) -> Loc:
    """Where `required: true` must be written: the `requestBodies` component when the operation
    names one with a $ref (OpenAPI ignores keys beside a $ref), else the body itself."""
    pointer = body.schema_loc.pointer
    if pointer[-3:-1] == ("content", body.media_type) and pointer[-1] == "schema":
        return Loc(body.schema_loc.doc, pointer[:-3])
    return body.loc


RULE = Rule(
    id="PUT006",
    name="request-body-optional",
    severity="error",
    summary="The request body itself may be omitted while it carries critical fields.",
    what_it_does=(
        "Finds PUT/upsert operations whose request body is not required (OpenAPI 3 "
        "`requestBody.required` is false by default; a Swagger 2.0 `body` parameter likewise) "
        "while the body has critical fields."),
    why_bad=(
        "A PUT with no body at all omits every critical field at once. The per-field rules "
        "cannot see that case, so it gets its own finding: one cause, one finding."),
    example="""\
openapi: 3.0.3
info: {title: Certificates, version: '1'}
paths:
  /certificates/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    put:
      requestBody:                                      # expect: PUT006
        content:
          application/json:
            schema:
              type: object
              required: [snis]
              properties:
                snis: {type: array, minItems: 1, items: {type: string}, x-critical: true}
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
                snis: {type: array, minItems: 1, items: {type: string}, x-critical: true}
      responses:
        '200': {description: replaced}
        '400': {description: a critical field is missing}
""",
    check=check,
)
