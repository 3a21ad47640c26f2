"""PUT302 omission-accepted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.rule import Hit, Rule, observed_hit

if TYPE_CHECKING:
    from linter.probe import ProbeFacts


def check(facts: ProbeFacts) -> Iterator[Hit]:
    if facts.observation.outcome.value == "preserved" and facts.on_omit == "reject":
        yield observed_hit("the contract says reject, but the server answered 2xx and kept "
                           "the stored value", facts)


RULE = Rule(
    id="PUT302",
    name="omission-accepted",
    severity="error",
    summary="The contract says omission is rejected, but the server accepted it.",
    what_it_does=(
        "The field is critical with `on-omit: reject` (the default), yet the server answered "
        "2xx to a body without it. It kept the stored value this time, but the contract and the "
        "server disagree."),
    why_bad=(
        "The contract lies: clients and tools (putlint check among them) trust the documented "
        "400, and a server that silently accepts is one refactoring away from purging. Either "
        "make the server answer 400 or document `on-omit: preserve`."),
    example="""\
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
    put:  # expect: PUT302
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
