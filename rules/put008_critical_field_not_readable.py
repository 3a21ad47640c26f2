"""PUT008 critical-field-not-readable."""

from __future__ import annotations

from collections.abc import Iterator

from linter.facts import OperationFacts
from linter.rule import Hit, Rule


def check(facts: OperationFacts) -> Iterator[Hit]:
    for media, field in facts.fields():
        # A field whose omission is preserved loses nothing when sent back missing; one a
        # request can never carry is PUT004's (one finding per cause).
        if field.unreadable is None or field.mark.on_omit == "preserve" or field.read_only:
            continue
        message = (f"critical field '{field.path}' is not readable: {field.unreadable}, so a "
                   "client that reads, modifies and PUTs back sends it missing")
        if field.mark.note:
            message += f" ({field.mark.note})"
        yield Hit(message, field.loc(), media.body.media_type, field.path,
                  related=field.related(facts.op))


_SPEC = """\
openapi: 3.0.3
info: {{title: Connections, version: '1'}}
paths:
  /connections/{{id}}:
    parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]
    get:
      responses:
        '200':
          description: the connection
          content:
            application/json:
              schema:
                type: object
                properties:
                  name: {{type: string}}
{returned}    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name, credentials]
              properties:
                name: {{type: string}}
                credentials:{marker}
                  type: object
                  required: [token]
                  properties: {{token: {{type: string}}}}
                  x-critical: {mark}
      responses:
        '200': {{description: replaced}}
        '400': {{description: a critical field is missing}}
"""

RULE = Rule(
    id="PUT008",
    name="critical-field-not-readable",
    severity="warning",
    summary="The GET of the same resource does not return a critical field, so a "
            "read-modify-write client sends it back missing.",
    what_it_does=(
        "For each critical field of a PUT/upsert, looks at the 2xx response schema of the GET "
        "of the same path: the field is absent from it (the schema lists its properties and "
        "not this one), or `writeOnly`, or - with `profile: azure-arm` - `x-ms-secret: true`, "
        "in the response or the request schema. Not reported when the field's `on-omit` is "
        "`preserve` (then a missing field keeps the stored value), nor when the GET documents "
        "no body or an open object."),
    why_bad=(
        "Terraform providers, operators and UIs read the resource, change what they manage "
        "and PUT the whole thing back. A field the GET never returns is missing from that "
        "PUT: `reject` fails every such client, `purge` erases the value. Airbyte's Terraform "
        "provider erased connection `credentials` this way; ARM's `x-ms-secret` properties are "
        "never returned by a GET."),
    example=_SPEC.format(returned="", marker="  # expect: PUT008", mark="true"),
    use_instead=_SPEC.format(
        returned="", marker="",
        mark="{on-omit: preserve, reason: a PUT without credentials keeps them}"),
    fix=(
        "Declare `on-omit: preserve` and make the server keep the stored value when the field "
        "is left out, or return the field (redacted if it must be) from the GET."),
    check=check,
)
