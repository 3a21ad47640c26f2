"""PUT005 no-rejection-response."""

from __future__ import annotations

from collections.abc import Iterator

from linter.facts import OperationFacts
from linter.rule import Hit, Rule


def check(facts: OperationFacts) -> Iterator[Hit]:
    guarded = facts.rejecting_fields
    if not guarded or facts.rejection_documented:
        return
    names = ", ".join(sorted({f.path for _, f in guarded}))
    what = "leaves out" if all(f.mark.on_omit != "preserve" for _, f in guarded) else \
        "leaves out or shortens"  # `on-shrink: reject` asks for a rejection too
    yield Hit(f"{facts.op.label} documents no {facts.rejection_words} for a request that "
              f"{what} its critical fields ({names})", facts.op.responses_loc,
              related=tuple(("critical field", f.loc()) for _, f in guarded[:1]
                            if f.loc() is not None))


RULE = Rule(
    id="PUT005",
    name="no-rejection-response",
    severity="error",
    summary="An upsert with critical fields documents no 400 (or 422, or 4XX) response.",
    what_it_does=(
        "Finds PUT/upsert operations that carry critical fields not declared "
        "`on-omit: preserve` (or declared `on-shrink: reject`: a shorter list must be "
        "refused) but list no `400`, `422` or `4XX` response. With `profile: azure-arm` a "
        "`default` response with an error schema counts as the documented rejection, as ARM "
        "writes every error."),
    why_bad=(
        "Kong's fix for the Konnect incident was to answer 400 when a critical field is "
        "missing. A contract that documents no rejection tells clients and server authors that "
        "every body is accepted, which is how an omission silently becomes a deletion."),
    fix=(
        "Document the 400 (or 422) the API answers when a critical field is missing. `putlint "
        "check --fix` writes it as a safe fix: a `$ref` to the spec's own bad-request response "
        "only when that response clearly is one (generic name, says bad request or validation, "
        "states no other status), else `'400': {description: 'Bad Request: a critical field "
        "is missing'}`."),
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
              required: [snis]
              properties:
                snis: {type: array, minItems: 1, items: {type: string}, x-critical: true}
      responses:                                        # expect: PUT005
        '200': {description: replaced}
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
