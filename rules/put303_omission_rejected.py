"""PUT303 omission-rejected."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.rule import Hit, Rule, observed_hit

if TYPE_CHECKING:
    from linter.probe import ProbeFacts


def check(facts: ProbeFacts) -> Iterator[Hit]:
    if facts.observation.outcome.value == "rejected" and facts.on_omit == "preserve":
        yield observed_hit("the contract says omission preserves the stored value, but the "
                           "server rejected it", facts)


RULE = Rule(
    id="PUT303",
    name="omission-rejected",
    severity="warning",
    summary="The contract says omission preserves the stored value, but the server rejected it.",
    what_it_does=(
        "The field is critical with `on-omit: preserve`, so clients may leave it out, but the "
        "server answered 4xx to a body without it."),
    why_bad=(
        "Clients built on the contract (an operator that manages the field through another "
        "endpoint and omits it here) will fail on every update. Data is safe, but the "
        "integration breaks: fix the server or the contract."),
    example="""\
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
    put:  # expect: PUT303
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
                snis:
                  type: array
                  items: {type: string, format: hostname}
                  x-critical: {on-omit: preserve}
      responses:
        '200': {description: stored}
        '400': {description: snis is missing}
""",
    use_instead="""\
# reference-server: preserve
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
              required: [cert, key]
              properties:
                cert: {type: string}
                key: {type: string}
                snis:
                  type: array
                  items: {type: string, format: hostname}
                  x-critical: {on-omit: preserve}
      responses:
        '200': {description: stored}
        '400': {description: snis is missing}
""",
    check=check,
    scope="probe",
)
