"""PUT304 probe-inconclusive."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.rule import Hit, Rule, observed_hit

if TYPE_CHECKING:
    from linter.probe import ProbeFacts


def check(facts: ProbeFacts) -> Iterator[Hit]:
    if facts.observation.outcome.value == "inconclusive":
        yield observed_hit("probe could not tell what the omission does", facts)


RULE = Rule(
    id="PUT304",
    name="probe-inconclusive",
    severity="warning",
    summary="probe could not tell what an omission does.",
    what_it_does=(
        "A case probe could not observe: the path has no GET to read the resource back, the "
        "set-up was refused, the server answered 5xx or timed out, or the request budget ran "
        "out. The reason is in the message and the requests in the report."),
    why_bad=(
        "An unobserved case is not a passed case. A gate that stays silent when it could not "
        "look would let the next purge through."),
    example="""\
# reference-server: reject
openapi: 3.1.0
info: {title: Certificates, version: '1'}
paths:
  /v2/control-planes/{cp}/core-entities/certificates/{id}:
    parameters:
      - {name: cp, in: path, required: true, schema: {type: string, format: uuid}}
      - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
    delete:
      responses: {'204': {description: deleted}}
    put:  # expect: PUT304
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
