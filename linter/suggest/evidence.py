"""The kinds of evidence that a field of a PUT body holds state a replace would destroy.

Each kind is one function of (the operation, the field, the spec's facts); a field's evidence
is the list of those that apply, and confidence combines them as independent signals.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from linter.bundle import closure
from linter.model import Operation
from linter.suggest.facts import WRITES, SpecFacts, segments, spellings
from linter.suggest.schema import is_setting, kind_of, property_names, read_only, schema_default

# Kinds, strongest first (the order evidence is listed in).
CHILD_WRITES = "managed-child"
SAME_ITEMS = "same-items"
REFERENCES = "references"
RESETS = "replace-resets"
SAYS_REPLACE = "says-replace"
RETURNED = "returned"
NAME = "name"

WEIGHTS = {CHILD_WRITES: 0.60, SAME_ITEMS: 0.45, REFERENCES: 0.40, SAYS_REPLACE: 0.20,
           NAME: 0.10}
ONE_REFERENCE = 0.30  # one `{id}` object: a link, less often managed elsewhere than a list
SECURITY_SETTING = 0.45  # a security toggle a replace switches back to its default
OTHER_SETTING = 0.15  # any other setting: listed only with more evidence
RETURNED_WEIGHT = {"collection": 0.30, "object": 0.15, "scalar": 0.05}

STATE_NAMES = frozenset({
    "hosts", "host", "snis", "sans", "subject_alternative_names", "certificates", "certs",
    "ca_certificates", "routes", "targets", "members", "permissions", "rules", "acl", "acls",
    "roles", "scopes", "domains", "upstreams", "backends", "endpoints", "servers", "aliases",
    "allowlist", "denylist", "whitelist", "blacklist", "cidrs", "ips", "redirect_uris",
    "webhooks", "subscriptions", "groups", "policies", "origins", "paths", "plugins",
    "listeners", "secrets", "keys", "collaborators", "teams", "users", "admins", "owners",
    "inbound_rules", "outbound_rules", "forwarding_rules", "access_policies", "reviewers",
    "restrictions",
})
# Words about a thing rather than state it holds: replacing them is what a PUT is for, and an
# API listing them (`GET /tags`) says nothing about who else manages them.
DESCRIPTIVE = frozenset({"tags", "labels", "metadata", "annotations", "description", "notes",
                         "comment", "comments", "title", "name", "display_name", "summary",
                         "topics", "keywords"})
# Name words of settings that guard something (snake_case words of the field's name). STRONG
# words say so on their own (`tls_verify`, `networkAcls`); WEAK ones have other meanings too
# (`awsElasticBlockStore` is block storage, `nodeAffinity.required` a hard constraint,
# `requiresRepublish` a driver's wish) and count only where the field's path or the
# operation's path says the resource guards something (`/branches/{b}/protection` with
# `lock_branch`, `required_linear_history`).
STRONG_SECURITY_WORDS = frozenset({
    "protect", "protection", "protected", "verify", "verified", "verification", "encrypt",
    "encrypted", "encryption", "tls", "ssl", "https", "secure", "security", "auth",
    "authentication", "authorization", "rbac", "restrict", "restricted", "restrictions",
    "restriction", "mfa", "signed", "signature", "signatures", "deny", "access", "acl", "acls",
    "firewall",
})
WEAK_SECURITY_WORDS = frozenset({
    "require", "required", "requires", "enforce", "enforced", "enforcement", "lock", "locked",
    "allow", "allowed", "block", "blocked", "purge", "soft", "force", "admins", "deletion",
    "deletions", "dismiss", "approval", "approvals", "approving", "review", "reviews",
})
SECURITY_WORDS = STRONG_SECURITY_WORDS | WEAK_SECURITY_WORDS
# A name that starts by guarding (`BlockPublicAcls`, `RestrictPublicBuckets`) is a guard even
# though a permissive word follows: the verb negates it.
GUARD_VERBS = frozenset({"block", "deny", "restrict", "require", "enforce", "prevent", "ignore",
                         "disallow", "forbid", "reject", "protect"})
# Words that grant rather than guard: a switch named so that falls back to `false` gets
# stricter, not weaker (GitHub's allow_force_pushes).
PERMISSIVE_WORDS = frozenset({"allow", "allowed", "allows", "disable", "disabled", "skip", "exempt",
                              "bypass", "public", "insecure", "permit", "permitted"})
DEFAULT_VALUE = re.compile(r"\bdefaults?(?: value)?(?: is| to|:)?\s*`?(true|false)`?", re.I)
# The field's own words say a replace cannot switch it back.
IRREVERSIBLE = re.compile(r"cannot be (reverted|changed|disabled|undone)|irreversible|"
                          r"only (be set|applies) (on|at|when) creat", re.I)
REPLACE_WORDS = re.compile(
    r"(not provided|omitted|left out|not included|missing)[^.]{0,60}\b(reset|removed|deleted|"
    r"cleared|erased|set to (their |its )?default)|full representation|replaces? (the )?"
    r"(entire|whole|existing|all)", re.I)
DEFAULT_WORDS = re.compile(r"\bdefaults?\b|\bdefault(s| value)? (is|to)\b", re.I)
REFERENCE_NAME = re.compile(r"(_ids|Ids|_refs|Refs|_uuids|Uuids)$")
# "Array of CA Certificate object UUIDs": the field's own words say it holds references
REFERENCE_TEXT = re.compile(r"\b(UUIDs|IDs|ids of|identifiers of|references to)\b")


@dataclass(frozen=True)
class Evidence:
    kind: str
    weight: float
    text: str


def words(name: str) -> list[str]:
    """snake_case words of a name in any case style."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    return [w for w in re.split(r"[_\-\s.]+", snake) if w]


def descriptive(name: str) -> bool:
    return name.lower() in DESCRIPTIVE or "_".join(words(name)) in DESCRIPTIVE


# -- a child collection written on its own ------------------------------------------------

MAX_PART = 3  # a body that edits part of its parent carries a few of the parent's fields


def child_writes(op_path: str, name: str, facts: SpecFacts, parent: set[str]) -> list[str]:
    """`POST /firewalls/{id}/droplets`, ...: writes to a path below the operation's that carry
    `name`: by the path's own name (one or two literal steps below, then perhaps an id), or
    by a body that edits part of the parent (`POST /firewalls/{id}/rules` with `inbound_rules`,
    every field of it one of the parent's `parent` fields)."""
    base, names = segments(op_path), spellings(name)
    found: list[str] = []
    for key in facts.methods:
        segs = segments(key)
        rest = segs[len(base):]
        if segs[:len(base)] != base or not rest or "{}" in rest[:-1] or \
                len([s for s in rest if s != "{}"]) > 2:
            continue
        methods = facts.writes(key)
        if not methods:
            continue
        mine = facts.written_names(op_path)
        if mine and facts.written_names(key) == mine:
            # a subresource written with the parent's own representation (Kubernetes'
            # `/pods/{name}/ephemeralcontainers`): the parent's PUT leaves that part alone
            continue
        literal = [s for s in rest if s != "{}"]
        carried = facts.written_names(key)
        if (literal and literal[-1] in names) or (name in carried and carried < parent and \
                len(carried) <= MAX_PART):
            found.extend(f"{m.upper()} {key}" for m in WRITES if m in methods)
    return found


def managed_child(op: Operation, name: str, kind: str, facts: SpecFacts,
                  parent: set[str]) -> Evidence | None:
    if kind != "collection":
        return None
    writes = child_writes(op.path, name, facts, parent)
    if descriptive(name):  # tags count only where the API adds and removes them one by one
        adds = any(w.startswith(("POST", "PUT")) for w in writes)
        if not (adds and any(w.startswith("DELETE") for w in writes)):
            return None
    if not writes:
        return None
    shown = ", ".join(writes[:3]) + (", ..." if len(writes) > 3 else "")
    return Evidence(CHILD_WRITES, WEIGHTS[CHILD_WRITES],
                    f"the API also writes {name} on its own: {shown}")


# -- the same items created by a collection of their own -----------------------------------

def same_items(op: Operation, name: str, node: Any, schema: dict,
               facts: SpecFacts) -> Evidence | None:
    """A collection whose items have exactly the fields another collection's POST creates."""
    shape: set[str] = set()
    for part in closure(node, schema):
        items = part.get("items")
        if isinstance(items, dict):
            shape |= property_names(items, schema)
    # fields every resource of the spec carries match any collection: no evidence
    shape -= {"id", "created_at", "updated_at", "createdAt", "updatedAt"} | facts.generic_names()
    if len(shape) < 2:
        return None
    for key in facts.collections_creating([op.path]):
        if facts.written_names(key) - {"id"} - facts.generic_names() == shape:
            return Evidence(SAME_ITEMS, WEIGHTS[SAME_ITEMS],
                            f"POST {key} creates the same items ({', '.join(sorted(shape)[:4])}"
                            f"{', ...' if len(shape) > 4 else ''}): {name} holds resources "
                            "managed on their own")
    return None


# -- references ---------------------------------------------------------------------------

def _is_reference(node: Any, schema: dict) -> bool:
    for part in closure(node, schema):
        props = part.get("properties")
        if isinstance(props, dict) and props and "id" in props and \
                set(props) <= {"id", "name", "type", "href", "url", "key", "ref"} and \
                not read_only(props["id"], schema):  # an id the server sets links nothing
            return True
        if part.get("format") == "uuid":
            return True
    return False


def named_by_path(op: Operation, name: str) -> bool:
    """`certificate` in `PUT /certificates/{id}/snis/{sni}`: the server takes the link to the
    parent from the URL, so leaving it out of the body detaches nothing."""
    names = spellings(name)
    names |= {n + "s" for n in names}
    segs = segments(op.path)
    if any(seg in names and nxt == "{}" for seg, nxt in itertools.pairwise(segs)):
        return True
    # `workspace` in `PUT /{workspace}/group_rbac_roles/{id}`: a parameter named after it
    return _identity(name) in {_identity(p) for p in PATH_PARAM.findall(op.path)}


PATH_PARAM = re.compile(r"\{([^{}]+)\}")
ID_SUFFIXES = ("id_or_name", "or_name", "id", "ids", "uuid", "name", "key")


def _identity(name: str) -> str:
    """What a field or path parameter names, its id suffix aside: `ConsumerGroupId` and
    `consumer_group` are both `consumer_group`."""
    parts = words(name)
    for suffix in ID_SUFFIXES:
        tail = suffix.split("_")
        if len(parts) > len(tail) and parts[-len(tail):] == tail:
            parts = parts[:-len(tail)]
            break
    return "_".join(parts)


def references(op: Operation, name: str, node: Any, kind: str, schema: dict,
               text: str | None) -> Evidence | None:
    if kind == "object" and _is_reference(node, schema) and not named_by_path(op, name):
        return Evidence(REFERENCES, ONE_REFERENCE, f"{name} points to another resource (an id "
                                                   "object): leaving it out detaches the two")
    if kind != "collection":
        return None
    hit = bool(REFERENCE_NAME.search(name) or (text and REFERENCE_TEXT.search(text)))
    for part in closure(node, schema):
        for key in ("items", "additionalProperties"):
            inner = part.get(key)
            if isinstance(inner, dict) and _is_reference(inner, schema):
                hit = True
    if not hit:
        return None
    return Evidence(REFERENCES, WEIGHTS[REFERENCES],
                    f"{name} holds references to other resources")


# -- settings a replace resets ------------------------------------------------------------

def replaces(op: Operation, description: str | None) -> bool:
    """A PUT of something the API also reads back at the same path: a replace."""
    return op.method == "put" and ("get" in op.siblings or bool(
        description and REPLACE_WORDS.search(description)))


def guards(op: Operation, path: tuple[str, ...]) -> bool:
    """Is the field at `path` (its own path below wrappers) named as a security setting?"""
    mine = set(words(path[-1]))
    if mine & STRONG_SECURITY_WORDS:
        return True
    if not mine & WEAK_SECURITY_WORDS:
        return False
    context = {w for step in (*path[:-1], *segments(op.path)) if step != "{}"
               for w in words(step)}
    return bool(context & STRONG_SECURITY_WORDS)


def _numeric_choice(node: Any, schema: dict) -> bool:
    """An enum of numbers (a status code, a port) is a choice of value, not a guard."""
    values = [v for part in closure(node, schema) if isinstance(part.get("enum"), list)
              for v in part["enum"] if v is not None]
    return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool)
                                for v in values)


def resets(op: Operation, path: tuple[str, ...], node: Any, schema: dict, is_required: bool,
           text: str | None) -> Evidence | None:
    """An optional switch (boolean or enum) with a default: leaving it out of a replace sets
    it back to that default, whatever the resource had."""
    name = path[-1]
    if is_required or (text and IRREVERSIBLE.search(text)):
        return None
    security = guards(op, path) and not _numeric_choice(node, schema)
    if kind_of(node, schema) == "object" and security:
        return Evidence(RESETS, SECURITY_SETTING, f"optional security settings: a "
                                                  f"{op.method.upper()} that leaves {name} out "
                                                  "drops them")
    if not is_setting(node, schema):
        return None
    has_default, value = schema_default(node, schema)
    if not has_default and security and len(path) == 1 and "boolean" in _kinds(node, schema) \
            and not (text and DEFAULT_WORDS.search(text)) and not _stricter(name, False):
        # no default written: a replace that leaves a boolean out stores false (S3's
        # PutPublicAccessBlock without BlockPublicAcls), and false switches this guard off
        return Evidence(RESETS, SECURITY_SETTING, f"a security switch with no default written: "
                                                  f"a {op.method.upper()} that leaves it out "
                                                  "turns it off")
    if not has_default and not (text and DEFAULT_WORDS.search(text)):
        return None
    if not has_default and text and DEFAULT_VALUE.search(text):
        has_default, value = True, DEFAULT_VALUE.search(text).group(1).lower() == "true"
    shown = f" ({_show(value)})" if has_default else ""
    if security and value in (True, False) and _stricter(name, value):
        security = False  # falling back to the default only tightens it
    weight = SECURITY_SETTING if security else OTHER_SETTING
    what = "a security setting" if security else "a setting"
    return Evidence(RESETS, weight, f"{what} with a default{shown}: a {op.method.upper()} "
                                    "that leaves it out switches it back")


def _kinds(node: Any, schema: dict) -> set[str]:
    return {str(part.get("type")) for part in closure(node, schema) if "type" in part}


def _stricter(name: str, default: bool) -> bool:
    """Does resetting a boolean switch to `default` tighten security rather than loosen it?"""
    parts = words(name)
    permissive = bool(PERMISSIVE_WORDS.intersection(parts)) and \
        not (parts and parts[0] in GUARD_VERBS)
    return default is (not permissive)


def _show(value: Any) -> str:
    import json

    try:
        return json.dumps(value)[:40]
    except (TypeError, ValueError):
        return "?"


def says_replace(op: Operation, name: str, kind: str, op_text: str | None) -> Evidence | None:
    if not op_text or descriptive(name) or kind == "scalar" or not REPLACE_WORDS.search(op_text):
        return None
    return Evidence(SAYS_REPLACE, WEIGHTS[SAYS_REPLACE],
                    f"{op.label} says fields left out are reset or removed")


# -- read back, and names -----------------------------------------------------------------

def returned(op: Operation, name: str, kind: str, top: bool, is_required: bool,
             facts: SpecFacts) -> Evidence | None:
    """The GET of the same path returns the field and this operation may leave it out."""
    if not top or descriptive(name) or is_required or "get" not in op.siblings or \
            name not in facts.returned(op.path):
        return None
    return Evidence(RETURNED, RETURNED_WEIGHT[kind],
                    f"GET {op.path} returns {name} and the "
                    f"{op.method.upper()} may leave it out (a replace would erase it)")


def by_name(name: str) -> Evidence | None:
    last = words(name)[-1:] or [""]
    if name.lower() in STATE_NAMES or "_".join(words(name)) in STATE_NAMES or \
            last[0] in STATE_NAMES:
        return Evidence(NAME, WEIGHTS[NAME], f"'{name}' usually carries routing or security "
                                             "state")
    return None


def evidence_for(op: Operation, path: tuple[str, ...], node: Any, schema: dict, *,
                 top: bool, is_required: bool, facts: SpecFacts, text: str | None,
                 op_text: str | None, parent: set[str]) -> list[Evidence]:
    """Every kind that applies to field `path` (its own path below wrappers) of `op`."""
    name = path[-1]
    kind = kind_of(node, schema)
    found = [
        managed_child(op, name, kind, facts, parent) if top else None,
        same_items(op, name, node, schema, facts) if kind == "collection" else None,
        references(op, name, node, kind, schema, text),
        resets(op, path, node, schema, is_required, text) if replaces(op, op_text) else None,
        None if is_required else says_replace(op, name, kind, op_text),
        returned(op, name, kind, top, is_required, facts),
        by_name(name),
    ]
    return [e for e in found if e is not None]
