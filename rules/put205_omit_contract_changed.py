"""PUT205 omit-contract-changed."""

from __future__ import annotations

from collections.abc import Iterator

from linter.rules._specs import certificates, change, unmarked

from linter.facts import OperationPair
from linter.rule import Hit, Rule

DANGEROUS = {
    ("preserve", "purge"): "clients that leave the field out, as the contract allowed, will "
                           "now erase it (the Konnect incident)",
    ("preserve", "reject"): "clients that leave the field out, as the contract allowed, will "
                            "now fail (the Kong Operator manages SNIs separately and omits them)",
    ("reject", "purge"): "an omission that was refused will now erase the stored value",
}


BASE_SPEC = certificates(required="[cert]", mark="x-critical: {on-omit: preserve}")
HEAD_SPEC = certificates(required="[cert]", mark="x-critical: {on-omit: purge}",
                         at_snis="PUT205, PUT001")


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
    example=change(BASE_SPEC, HEAD_SPEC),
    # the reverse change is safe: no finding
    use_instead=change(unmarked(HEAD_SPEC), BASE_SPEC),
    fix=(
        "Keep `on-omit: preserve` while clients rely on omitting the field; move to `reject` "
        "only with a deprecation period, never to `purge`."),
    check=check,
    reads=OperationPair,
)
