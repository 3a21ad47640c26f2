"""PUT205 omit-contract-changed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.rule import Hit, Rule

if TYPE_CHECKING:
    from linter.diff import OperationPair

DANGEROUS = {
    ("preserve", "purge"): "clients that leave the field out, as the contract allowed, will "
                           "now erase it (the Konnect incident)",
    ("preserve", "reject"): "clients that leave the field out, as the contract allowed, will "
                            "now fail (the Kong Operator manages SNIs separately and omits them)",
    ("reject", "purge"): "an omission that was refused will now erase the stored value",
}


def check(pair: OperationPair) -> Iterator[Hit]:
    for media_type, before, after in pair.critical_fields():
        if after is None:
            continue
        why = DANGEROUS.get((before.mark.on_omit, after.mark.on_omit))
        if why:
            yield Hit(f"'{after.path}': on-omit changed from {before.mark.on_omit} to "
                      f"{after.mark.on_omit}: {why}", after.loc(), media_type, after.path,
                      related=after.related(pair.head.op))


RULE = Rule(
    id="PUT205",
    name="omit-contract-changed",
    severity="error",
    summary="A critical field's `on-omit` changed in a way that breaks clients or loses the guard.",
    what_it_does=(
        "Compares the `on-omit` of each critical field in base and head: `preserve` to `purge`, "
        "`preserve` to `reject` and `reject` to `purge` are reported; the reverse changes are "
        "safe."),
    why_bad=(
        "`on-omit` is what clients build on. Going from preserve to purge is exactly Konnect's "
        "2025-11-06 release; preserve to reject breaks every client that omits the field on "
        "purpose; reject to purge removes the guard."),
    # base, then head after the separator line: `putlint diff` reports the change
    example="""\
openapi: 3.1.0
info: {title: Certificates, version: '1'}
paths:
  /certificates/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Certificate'}
      responses:
        '200': {description: stored}
        '400': {description: snis is missing}
components:
  schemas:
    Certificate:
      type: object
      required: [cert]
      properties:
        cert: {type: string}
        snis:
          type: array
          minItems: 1
          items: {type: string}
          x-critical: {on-omit: preserve}
# --- head: the same spec after the change ---
openapi: 3.1.0
info: {title: Certificates, version: '1'}
paths:
  /certificates/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Certificate'}
      responses:
        '200': {description: stored}
        '400': {description: snis is missing}
components:
  schemas:
    Certificate:
      type: object
      required: [cert]
      properties:
        cert: {type: string}
        snis:  # expect: PUT205, PUT001
          type: array
          minItems: 1
          items: {type: string}
          x-critical: {on-omit: purge}
""",
    # the reverse change is safe: no finding
    use_instead="""\
openapi: 3.1.0
info: {title: Certificates, version: '1'}
paths:
  /certificates/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Certificate'}
      responses:
        '200': {description: stored}
        '400': {description: snis is missing}
components:
  schemas:
    Certificate:
      type: object
      required: [cert]
      properties:
        cert: {type: string}
        snis:
          type: array
          minItems: 1
          items: {type: string}
          x-critical: {on-omit: purge}
# --- head: the same spec after the change ---
openapi: 3.1.0
info: {title: Certificates, version: '1'}
paths:
  /certificates/{id}:
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Certificate'}
      responses:
        '200': {description: stored}
        '400': {description: snis is missing}
components:
  schemas:
    Certificate:
      type: object
      required: [cert]
      properties:
        cert: {type: string}
        snis:
          type: array
          minItems: 1
          items: {type: string}
          x-critical: {on-omit: preserve}
""",
    fix=(
        "Keep `on-omit: preserve` while clients rely on omitting the field; move to `reject` "
        "only with a deprecation period, never to `purge`."),
    check=check,
    scope="diff",
)
