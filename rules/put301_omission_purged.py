"""PUT301 omission-purged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.rule import Hit, Rule, observed_hit

if TYPE_CHECKING:
    from linter.probe import ProbeFacts


def check(facts: ProbeFacts) -> Iterator[Hit]:
    if facts.observation.outcome.value == "purged":
        yield observed_hit("the server purged the stored value", facts)


RULE = Rule(
    id="PUT301",
    name="omission-purged",
    severity="error",
    summary="A live omission of a critical field deleted the stored value.",
    what_it_does=(
        "probe created a resource with the critical field set, sent the same PUT without it (or "
        "with null, or empty), read the resource back, and found the stored value changed or "
        "the resource gone. Reported whatever the contract says: a documented purge is still a "
        "purge."),
    why_bad=(
        "This is the Konnect outage of 2025-11-06 as it happens on the wire: a client that "
        "manages the field elsewhere (the Kong Operator reconciling SNIs) PUTs without it, and "
        "the server deletes data the client never meant to touch."),
    example="""\
# reference-server: purge
openapi: 3.1.0
info: {title: Certificates, version: '1'}
paths:
  /v2/control-planes/{cp}/core-entities/certificates/{id}:
    parameters:
      - {name: cp, in: path, required: true, schema: {type: string, format: uuid}}
      - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      responses: {'200': {description: the certificate}}
    delete:
      responses: {'204': {description: deleted}}
    put:  # expect: PUT301
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
                  items: {type: string, format: hostname}
                  x-critical: true
      responses:
        '200': {description: stored}
        '400': {description: snis is missing}
""",
    use_instead="""\
# reference-server: reject
openapi: 3.1.0
info: {title: Certificates, version: '1'}
paths:
  /v2/control-planes/{cp}/core-entities/certificates/{id}:
    parameters:
      - {name: cp, in: path, required: true, schema: {type: string, format: uuid}}
      - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      responses: {'200': {description: the certificate}}
    delete:
      responses: {'204': {description: deleted}}
    put:
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
                  items: {type: string, format: hostname}
                  x-critical: true
      responses:
        '200': {description: stored}
        '400': {description: snis is missing}
""",
    check=check,
    scope="probe",
)
