"""PUT208 critical-operation-left-scope."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import certificates, change

from linter.facts import LeftScope
from linter.rule import Hit, Rule


def check(facts: LeftScope) -> Iterator[Hit]:
    names = ", ".join(sorted({f.path for _, f in facts.base.fields()}))
    yield Hit(f"{facts.base.op.label} had critical fields ({names}) and is no longer checked "
              f"as an upsert: {facts.why}", facts.loc)


RULE = Rule(
    id="PUT208",
    name="critical-operation-left-scope",
    severity="error",
    summary="An upsert with critical fields is taken out of putlint's scope.",
    what_it_does=(
        "Finds operations that base checked as upserts with critical fields and that head, "
        "with the same path still there, no longer checks: marked `x-upsert: false`, or the "
        "method changed (a PUT turned PATCH)."),
    why_bad=(
        "Every other rule compares what head checks, so taking the operation out of scope "
        "silences them all at once: the change that makes omission destructive would pass "
        "with it. A PATCH that replaces lists still loses what it omits."),
    example=change(certificates(), certificates().replace(
        "    put:\n", "    put:  # expect: PUT208\n      x-upsert: false\n", 1)),
    use_instead=change(certificates(), certificates()),
    fix=("Keep the operation in scope; if it really stopped replacing stored data, say so in "
         "review and take its critical marks out in a separate change."),
    check=check,
    reads=LeftScope,
)
