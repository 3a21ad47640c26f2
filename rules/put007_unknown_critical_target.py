"""PUT007 unknown-critical-target."""

from __future__ import annotations

from collections.abc import Iterator

from linter.facts import RunFacts
from linter.rule import Hit, Rule


def check(facts: RunFacts) -> Iterator[Hit]:
    for unreached in facts.unreached:
        name = unreached.name
        where = "configured" if name.origin else "given with --critical"
        marked = ", ".join(unreached.in_base)
        if unreached.removed:  # diff: the pull request deleted what it named, on purpose
            yield Hit(f"critical name '{name.name}' ({where}) marked a field of {marked} in "
                      "base, which this change removes: the entry names nothing now; remove "
                      "it in this change (`putlint check` reports it as an error once merged)",
                      None, place_override=facts.place_of(name), severity="warning")
            continue
        if unreached.in_base:  # diff: base has the property, head does not
            message = (f"critical name '{name.name}' ({where}) marked a field of {marked} in "
                       "base and matches no property of a PUT/upsert request body in head; "
                       "fix the name or remove it")
        elif not unreached.names_a_property:
            message = (f"critical name '{name.name}' ({where}) matches no schema property in "
                       "the checked specs; fix the name or remove it")
            if unreached.candidates:  # `variants` alone: the bodies that have such a field
                message += "; PUT/upsert bodies with a field of that name: " + \
                    "; ".join(unreached.candidates)
        else:
            message = (f"critical name '{name.name}' ({where}) names a property that no "
                       "PUT/upsert request body uses, so it protects nothing")
            if unreached.candidates:
                message += "; PUT/upsert bodies with such a field: " + \
                    "; ".join(unreached.candidates)
        yield Hit(message, None, place_override=facts.place_of(name))
    for operation_id in facts.unknown_upserts:
        yield Hit(f"upsert operation '{operation_id}' (configured in upsert-operations) names no "
                  "operation of the checked specs, so that operation is not checked; fix the "
                  "operationId or remove it", None, place_override=facts.upserts_origin)


# Kong's Admin API shape: the PUT's body is a requestBodies component, not the Certificate
# schema; the example names the schema, the fix names the body's property.
SPEC = """\
openapi: 3.0.3
info: {title: Certificates, version: '1'}
paths:
  /certificates/{id}:
    put:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        $ref: '#/components/requestBodies/cert-request'
      responses:
        '200': {description: Replaced}
        '400': {description: A critical field is missing}
components:
  requestBodies:
    cert-request:
      required: true
      content:
        application/json:
          schema:
            type: object
            required: [cert, snis]
            properties:
              cert: {type: string}
              snis: {type: array, minItems: 1, items: {type: string}}
  schemas:
    Certificate:
      type: object
      properties:
        snis: {type: array, items: {type: string}}
"""

# The name PUT007 proposes for the example: the property in the PUT's own request body.
BODY_SNIS = "#/components/requestBodies/cert-request/content/application~1json/schema" \
    "/properties/snis"

RULE = Rule(
    id="PUT007",
    name="unknown-critical-target",
    severity="error",
    summary="A critical field or upsert operation named in the config or on the command line "
            "matches nothing.",
    what_it_does=(
        "Checks that every `--critical NAME` and every `critical:` entry of the configuration "
        "denotes at least one property of a PUT/upsert request body in the specs of the run: "
        "a name that matches a schema no such body uses is reported too, with the request "
        "bodies that have a field of that name. Every `upsert-operations` entry must name the "
        "operationId of an operation in the checked specs. A NAME is "
        "`Schema.dotted.path` or a JSON pointer such as "
        "`#/components/schemas/Certificate/properties/snis`; a pointer into `paths` matches "
        "its path with parameter names ignored, as `diff` pairs operations.\n\n"
        "In `putlint diff` a name is resolved in base and in head: one that marked fields in "
        "base and matches nothing in head is this error, except when the pull request removed "
        "every operation it marked. Deleting an endpoint makes nothing more destructive and is "
        "the change's intent, so the stale entry is then a warning naming the removed "
        "operations; remove the entry in the same change, or `putlint check` reports it as "
        "this error once merged."),
    why_bad=(
        "A misspelt or stale name protects nothing and says nothing: the gate looks closed "
        "while the field it was meant to guard goes unchecked."),
    example="# putlint: --critical Certificate.snis --critical Cert.snis\n"
            "# expect-run: PUT007\n" + SPEC,
    use_instead="# putlint: --critical " + BODY_SNIS + "\n" + SPEC,
    check=check,
    reads=RunFacts,
)
