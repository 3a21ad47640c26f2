"""PUT007 unknown-critical-target."""

from __future__ import annotations

from collections.abc import Iterator

from linter.errors import Place
from linter.rule import Hit, Rule, RunFacts


def check(facts: RunFacts) -> Iterator[Hit]:
    for name in facts.unmatched_names:
        where = "configured" if name.origin else "given with --critical"
        yield Hit(f"critical name '{name.name}' ({where}) matches no schema property in the "
                  "checked specs; fix the name or remove it",
                  None, place_override=name.origin or Place("<command line>"))


RULE = Rule(
    id="PUT007",
    name="unknown-critical-target",
    severity="error",
    summary="A critical field named in the config or on the command line matches nothing.",
    what_it_does=(
        "Checks that every `--critical NAME` and every `critical:` entry of the configuration "
        "denotes at least one property schema in the specs of the run. A NAME is "
        "`Schema.dotted.path` or a JSON pointer such as "
        "`#/components/schemas/Certificate/properties/snis`."),
    why_bad=(
        "A misspelt or stale name protects nothing and says nothing: the gate looks closed "
        "while the field it was meant to guard goes unchecked."),
    example="""\
# putlint: --critical Certificate.snis
# expect-run: PUT007
openapi: 3.0.3
info: {title: Certificates, version: '1'}
paths: {}
components:
  schemas:
    Cert:
      type: object
      properties:
        snis: {type: array, items: {type: string}}
""",
    use_instead="""\
# putlint: --critical Cert.snis
openapi: 3.0.3
info: {title: Certificates, version: '1'}
paths: {}
components:
  schemas:
    Cert:
      type: object
      properties:
        snis: {type: array, items: {type: string}}
""",
    check=check,
    scope="run",
)
