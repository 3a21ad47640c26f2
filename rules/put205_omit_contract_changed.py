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
# The other contract keys: (key, before, after) -> why the change is unsafe.
DANGEROUS_KEYS = {
    ("on-null", "reject", "clear"): "a null that was refused will now erase the stored value",
    ("on-empty", "reject", "clear"): "an empty value that was refused will now erase the "
                                     "stored value",
    ("on-shrink", "keep", "replace"): "clients that send only the members they manage, as the "
                                      "contract allowed, will now remove all the others",
    ("on-shrink", "reject", "replace"): "a shorter list that was refused will now remove the "
                                        "members it leaves out",
}
MERGE_TO_REPLACE = ("clients that send only the fields they change, as a merge allowed, will "
                    "now reset every field they leave out")


BASE_SPEC = certificates(required="[cert]", mark="x-critical: {on-omit: preserve}")
HEAD_SPEC = certificates(required="[cert]", mark="x-critical: {on-omit: purge}",
                         at_snis="PUT205, PUT001")


def check(pair: OperationPair) -> Iterator[Hit]:
    before_op, after_op = pair.base.op, pair.head.op
    to_replace = before_op.semantics == "merge" and after_op.semantics == "replace"
    if to_replace:
        yield Hit(f"{after_op.label}: put-semantics changed from merge to replace: "
                  f"{MERGE_TO_REPLACE}", after_op.loc)
    for media_type, before, after in pair.critical_fields():
        if after is None:
            continue
        changes = []
        # one cause, one finding: an on-omit that only followed the operation's semantics
        # (merge made it preserve) changed with them, and that is reported above
        if not (to_replace and "on-omit" not in before.mark.stated):
            changes.append(("on-omit", before.mark.on_omit, after.mark.on_omit,
                            DANGEROUS.get((before.mark.on_omit, after.mark.on_omit))))
        changes += [(key, before.mark.value(key), after.mark.value(key),
                     DANGEROUS_KEYS.get((key, before.mark.value(key), after.mark.value(key))))
                    for key in ("on-null", "on-empty", "on-shrink")]
        for key, was, now, why in changes:
            if why:
                yield Hit(f"'{after.path}': {key} changed from {was} to {now}: {why}",
                          after.loc(), media_type, after.path,
                          related=after.related(pair.head.op))


RULE = Rule(
    id="PUT205",
    name="omit-contract-changed",
    severity="error",
    summary="A critical field's contract (or the operation's put-semantics) changed in a way "
            "that breaks clients or loses the guard.",
    what_it_does=(
        "Compares the contract of each critical field in base and head: `on-omit` from "
        "`preserve` to `purge`, `preserve` to `reject` and `reject` to `purge`; `on-null` or "
        "`on-empty` from `reject` to `clear`; `on-shrink` from `keep` or `reject` to "
        "`replace`; and an operation's `x-put-semantics` from `merge` to `replace`. The "
        "reverse changes are safe."),
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
