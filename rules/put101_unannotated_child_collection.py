"""PUT101 unannotated-child-collection."""

from __future__ import annotations

from collections.abc import Iterator

from linter.facts import OperationFacts, dotted
from linter.rule import Hit, Rule


def check(facts: OperationFacts) -> Iterator[Hit]:
    # suggest's modules are imported only when this rule runs (it is off unless selected):
    # their regexes are 0.01 s of every `check`'s start-up
    from linter.suggest import child_collection, decided, kind_of, properties, read_only

    seen: set[str] = set()
    for media_type, bundle in facts.bundles.items():
        schema = bundle.schema
        for path, node in properties(schema, depth=1):
            name = dotted(path)
            if name in seen or kind_of(node, schema) != "collection" or \
                    decided(node, schema) or read_only(node, schema):
                continue
            child = child_collection(facts.op.path, path[0], facts.api_paths)
            if child is None:
                continue
            seen.add(name)
            yield Hit(f"'{name}' is a child collection the API also manages at {child}, and "
                      "nobody has decided what omitting it from this PUT does: mark it "
                      "x-critical (with its on-omit) or x-critical: false",
                      bundle.loc_of(node), media_type, name)


RULE = Rule(
    id="PUT101",
    name="unannotated-child-collection",
    severity="info",
    summary="A PUT body carries a child collection the API also manages as its own resource, "
            "without a decision on x-critical.",
    what_it_does=(
        "Finds array (or map) properties of PUT/upsert bodies whose name is also a collection "
        "under the same resource (`snis` in `PUT /certificates/{id}` while "
        "`/certificates/{id}/snis` exists) and that carry no `x-critical` at all, neither "
        "`true` nor `false`. Off unless selected (`--select PUT101`)."),
    why_bad=(
        "This is the Kong shape: one client manages the children through their own endpoint "
        "and PUTs the parent without them. Whether that omission keeps, rejects or purges the "
        "children must be a decision written in the contract, made when the collection "
        "appears, not discovered in an outage."),
    example="""\
# putlint: --select PUT101
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
              properties:
                cert: {type: string}
                snis: {type: array, items: {type: string}}  # expect: PUT101
      responses:
        '200': {description: stored}
  /certificates/{id}/snis:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    post:
      responses:
        '201': {description: created}
""",
    use_instead="""\
# putlint: --select PUT101
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
              properties:
                cert: {type: string}
                snis:
                  type: array
                  items: {type: string}
                  x-critical: false  # managed at /certificates/{id}/snis; PUT leaves them alone
      responses:
        '200': {description: stored}
  /certificates/{id}/snis:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    post:
      responses:
        '201': {description: created}
""",
    check=check,
    default_enabled=False,
)
