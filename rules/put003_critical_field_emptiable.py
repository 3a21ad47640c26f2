"""PUT003 critical-field-emptiable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.bundle import closure
from linter.facts import FieldFacts, OperationFacts, dotted
from linter.rule import Hit, Rule, verdict_hit
from linter.search import ITEMS


def check(facts: OperationFacts) -> Iterator[Hit]:
    for media, field in facts.fields():
        verdict = field.emptiable
        if field.read_only or field.kept_why or field.mark.on_empty == "clear" or \
                verdict.holds is False:
            continue
        step = field.empty_step()
        if step is None:
            kind = _empty_kind(field, verdict.example)
            message = f"critical field '{field.path}' can be sent empty; add {_FIXES[kind]}"
            shown = _format_of(field) if kind == "string" else None
            if shown is not None:  # why the format the author wrote is not enough
                message += f" (format: {shown} is an annotation, it does not forbid \"\")"
            yield verdict_hit(message, facts.op, media, field, verdict)
            continue
        # an empty list above the field: every element, and the field in it, is gone; the
        # fix is the parent's, and is written where the parent is (as PUT001 and PUT002 do)
        parent = dotted(field.field.path[:step])
        if parent:
            message = (f"critical field '{field.path}' can be wiped by sending its parent "
                       f"'{parent}' empty; add minItems: 1 to '{parent}'")
        else:
            message = (f"critical field '{field.path}' can be wiped by sending the body as "
                       f"an empty list; add minItems: 1 to the body")
        yield verdict_hit(message, facts.op, media, field, verdict,
                          field.loc(step - 1) if step else field.loc(-1))


_FIXES = {"array": "minItems: 1", "object": "required properties or minProperties: 1",
          "string": "minLength: 1"}


def _empty_kind(field: FieldFacts, example: Any) -> str:
    """What the example sends empty; without an example (an undecided verdict), what the
    field's schema says it is."""
    if example is None:
        return _declared_kind(field)
    value = example
    for step in field.field.path:
        if step == ITEMS:
            value = value[0] if isinstance(value, list) and value else None
        elif isinstance(value, dict):
            value = value.get(step)
    return "object" if isinstance(value, dict) else "string" if isinstance(value, str) \
        else "array"


def _format_of(field: FieldFacts) -> str | None:
    for part in closure(field.field.entries[-1], field.bundle.schema):
        if isinstance(part.get("format"), str):
            return str(part["format"])
    return None


def _declared_kind(field: FieldFacts) -> str:
    kinds: set[str] = set()
    for part in closure(field.field.entries[-1], field.bundle.schema):
        declared = part.get("type")
        kinds.update([declared] if isinstance(declared, str) else
                     [k for k in declared if isinstance(k, str)]
                     if isinstance(declared, list) else [])
    for kind in ("array", "object", "string"):
        if kind in kinds:
            return kind
    return "array"


RULE = Rule(
    id="PUT003",
    name="critical-field-emptiable",
    severity="warning",
    summary="A valid PUT/upsert body can send a critical field, or a list above it, empty.",
    what_it_does=(
        "Finds critical fields that accept an empty array (no `minItems: 1`), an empty "
        "object (nothing required in it) or, for a string, `\"\"` (no `minLength: 1`, and no "
        "`pattern` or `enum` that excludes it). `format` does not count: JSON Schema 2020-12 "
        "treats it as an annotation, and many servers' validators do not check it, so "
        "`format: hostname` alone lets `\"\"` through. It also finds a critical field below "
        "an array that may be sent empty (`certificates: []` carries no "
        "`certificates[].snis` at all), and names that parent and its fix (`minItems: 1` on "
        "it), as PUT001 names a parent the body may leave out and PUT002 one it may send as "
        "null. A Swagger 2.0 / OpenAPI 3.0 schema without `type` whose keywords describe an "
        "object (`properties` alone) is an object, never `[]` or `\"\"`. Under an OpenAPI "
        "`discriminator`, only the branches that declare the field are judged. A field "
        "marked `on-empty: clear` (sending it empty clears it on purpose) is not reported, "
        "whether the field or a list above it is sent empty."),
    why_bad=(
        "An empty list is a complete replacement: `snis: []` deletes every SNI as surely as "
        "omitting it does, and `certificates: []` deletes every certificate's SNIs with the "
        "certificates. On 2025-11-08 Kustomer shipped a certificate whose list of Subject "
        "Alternative Names was missing required entries; a contract that admits an empty list "
        "cannot even catch the extreme case. An empty string is a string's empty: an API may "
        "well clear a stored reference, a certificate or a comma-separated list sent as "
        "`\"\"`."),
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
