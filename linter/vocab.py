"""Every word putlint reads or writes with a fixed meaning, declared once, as data.

Severities, the values of a critical field's contract, the spec extensions putlint reads, and
the closeness test that turns a near miss (`x-critcal`, `PUT0O1`) into a message instead of a
silent pass. Modules import these names; none of them spells the words again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# -- severities --------------------------------------------------------------------------------

SEVERITIES = ("error", "warning", "info")  # most severe first, as --help lists them
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


def at_least(severity: str, threshold: str) -> bool:
    """Does a finding of ``severity`` reach the ``threshold`` (`--fail-on`)?"""
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]


# -- the contract of a critical field -------------------------------------------------------------

ON_OMIT = ("reject", "preserve", "purge")  # what a PUT that omits the field does
DEFAULT_ON_OMIT = "reject"
ON_NULL = ("reject", "clear")  # what a PUT that sends the field as null does
ON_EMPTY = ("reject", "clear")  # ... as [], {} or ""
ON_SHRINK = ("replace", "reject", "keep")  # ... as a list or map shorter than the stored one
PUT_SEMANTICS = ("replace", "merge")  # what a PUT does with the fields it leaves out
DEFAULT_PUT_SEMANTICS = "replace"


@dataclass(frozen=True)
class ContractKey:
    """One key of a contract object (`x-critical: {on-omit: purge}`, a config entry)."""

    name: str
    values: tuple[str, ...] | None  # None: free text
    default: str | None
    doc: str


CONTRACT_KEYS = (
    ContractKey("on-omit", ON_OMIT, DEFAULT_ON_OMIT,
                "What a PUT without the field does: reject it (400), preserve the stored "
                "value, or purge it."),
    ContractKey("on-null", ON_NULL, "reject",
                "What a PUT that sends the field as `null` does: reject it, or `clear` the "
                "field on purpose (a documented way to empty it: no PUT002)."),
    ContractKey("on-empty", ON_EMPTY, "reject",
                "What a PUT that sends the field empty (`[]`, `{}`, a string as `\"\"`), or "
                "a list above it as `[]`, does: reject it, or `clear` the field on purpose "
                "(no PUT003)."),
    ContractKey("on-shrink", ON_SHRINK, "replace",
                "What a list or map shorter than the stored one does: `replace` it (members "
                "not listed are removed), `reject` it (PUT005 then asks for a documented "
                "rejection), or `keep` the members it does not list."),
    ContractKey("reason", None, None, "Why the field is critical; shown in findings."),
)
CONTRACT_KEY_NAMES = tuple(k.name for k in CONTRACT_KEYS)
# The contract keys with a fixed set of values (every key but `reason`).
CONTRACT_CHOICES = tuple(k for k in CONTRACT_KEYS if k.values is not None)


def contract_attr(key: str) -> str:
    """The Mark attribute of a contract key: `on-omit` -> `on_omit`."""
    return key.replace("-", "_")

# -- spec extensions putlint reads ----------------------------------------------------------------


@dataclass(frozen=True)
class Annotation:
    name: str
    where: tuple[str, ...]  # "schema" (kept by the bundler), "operation"
    doc: str


ANNOTATIONS = (
    Annotation("x-critical", ("schema",),
               "`true`, `false` or a contract object: the field must survive a PUT."),
    Annotation("x-putlint-ignore", ("schema", "operation"),
               "A rule id or a list of them not to report here."),
    Annotation("x-upsert", ("operation",),
               "`true` marks a non-PUT operation as an upsert; `false` takes a PUT out."),
    Annotation("x-put-semantics", ("operation",),
               "`replace` (default) or `merge`: what the operation does with fields a body "
               "leaves out. In a `merge` operation a critical field's `on-omit` defaults to "
               "`preserve`."),
)
SCHEMA_ANNOTATIONS = tuple(a.name for a in ANNOTATIONS if "schema" in a.where)
OPERATION_ANNOTATIONS = tuple(a.name for a in ANNOTATIONS if "operation" in a.where)
ANNOTATION_NAMES = tuple(a.name for a in ANNOTATIONS)


@lru_cache(maxsize=4096)  # specs repeat a few extension keys thousands of times (x-github)
def near_annotation(key: str) -> str | None:
    """The annotation an unknown `x-` key is a typo of (`x-critcal` -> `x-critical`)."""
    if not key.startswith("x-") or key in ANNOTATION_NAMES:
        return None
    for name in ANNOTATION_NAMES:
        if edit_distance(key.lower(), name, limit=2) <= 2:
            return name
    return None


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), or limit+1 once it exceeds."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
