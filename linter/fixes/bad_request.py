"""Which of a spec's own responses clearly documents a bad request, for the PUT005 fix.

A fix applied without `--unsafe-fixes` writes documentation its author will read as their own,
so it must not guess. An earlier rule took any response component "named like an error": on
Kong 3.15 that was `DuplicateApiKeyError` ("Duplicate API key found", status 401), written as the
400 of 29 upserts. A component is now reused only when everything it says fits a rejected
request body:

- its name is made of generic words only (`BadRequest`, `ValidationError`, `HTTP400Error`,
  `bad_request`; not `DuplicateApiKeyError`, `InvalidAuthCredError`, `ValidateEntityResponse`);
- its name or description says bad request, validation error, invalid or unprocessable, unless
  other operations already use it as their 400 (that use says so);
- nothing in it names another status or an unrelated error (`401`, `Unauthorized`, `not found`,
  `duplicate`, `rate limit`...), and every status its examples state is 400 or 422.

Anything else gives None, and the fix writes a plain description (INLINE_400).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from linter.source import pointer_text

INLINE_400 = "Bad Request: a critical field is missing"

# Words a generic bad-request response's name may be made of (split at case changes, digits
# and separators). Any other word makes the name specific to some other error.
_GENERIC = frozenset({
    "bad", "request", "requests", "req", "validation", "invalid", "unprocessable", "entity",
    "error", "errors", "err", "response", "responses", "resp", "failed", "failure", "fail",
    "problem", "problems", "detail", "details", "http", "status", "input", "body", "payload",
    "parameter", "parameters", "param", "params", "data", "common", "generic", "default",
    "api", "model", "400", "422"})
_SAYS_BAD_REQUEST = re.compile(
    r"\bbad ?request\b|\bvalidation (?:error|errors|failed|failure|problem)s?\b|"
    r"\bfailed validation\b|\binvalid\b|\bunprocessable\b|(?<!\d)(?:400|422)(?!\d)", re.I)
_OTHER_ERROR = re.compile(
    r"unauthori[sz]ed|unauthenticated|authenticat|authori[sz]ation|credential|forbidden|"
    r"permission|not ?found|conflict|duplicate|already exists|too ?many|rate ?limit|"
    r"internal|server ?error|unavailable|time ?out|timed out|\bgone\b|not ?allowed|"
    r"unsupported|too ?large|precondition|expired|licen[cs]e|payment|api ?key|\btoken\b|"
    r"\blocked\b|not ?acceptable", re.I)
_STATUS_NUMBER = re.compile(r"(?<![\d.])([1-5]\d\d)(?![\d.])")
_STATUS_KEYS = frozenset({"status", "code", "statuscode", "status_code", "httpstatus",
                          "http_status", "httpcode"})
_MAX_NODES = 2000  # a response's own text is small; a hostile one is cut short, and refused


def words(name: str) -> list[str]:
    """`DuplicateApiKeyError` -> duplicate api key error; `HTTP400Error` -> http 400 error."""
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]


def clearly_bad_request(name: str, response: Any, used_as_400: bool = False) -> bool:
    """Does this response component (its name, and its node as written) clearly document a
    rejected request body, and nothing else?"""
    if not isinstance(response, dict) or "$ref" in response:
        return False
    name_words = words(name)
    if not name_words or not set(name_words) <= _GENERIC:
        return False
    said = " ".join(name_words)
    description = response.get("description")
    description = description if isinstance(description, str) else ""
    if not used_as_400 and not (_SAYS_BAD_REQUEST.search(said)
                                or _SAYS_BAD_REQUEST.search(description)):
        return False
    texts, statuses = _contents(response)
    if texts is None:
        return False
    for text in [said, *texts]:
        if _OTHER_ERROR.search(text):
            return False
        if any(n not in ("400", "422") for n in _STATUS_NUMBER.findall(text)):
            return False
    return all(s in (400, 422) for s in statuses)


def _contents(node: Any) -> tuple[list[str] | None, list[int]]:
    """Every string written in a response (descriptions, summaries, example messages; not
    what a `$ref` names) and every status its examples state; (None, []) when too large."""
    texts: list[str] = []
    statuses: list[int] = []
    stack, seen = [node], 0
    while stack:
        current = stack.pop()
        seen += 1
        if seen > _MAX_NODES:
            return None, []
        if isinstance(current, dict):
            for key, value in current.items():
                if key == "$ref":
                    continue
                if str(key).lower() in _STATUS_KEYS:
                    status = _status(value)
                    if status is not None:
                        statuses.append(status)
                stack.append(value)
        elif isinstance(current, list):
            stack.extend(current)
        elif isinstance(current, str):
            texts.append(current)
    return texts, statuses


def _status(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        number = int(value)
        return number if 100 <= number <= 599 else None
    return None


def bad_request_response(data: Any, version: str) -> dict | None:
    """A `$ref` to the spec's own bad-request response: one other operations already use as
    their 400 (the most used first), else a response component; None when none clearly is."""
    base = ("responses",) if version.startswith("2") else ("components", "responses")
    components = _at(data, base)
    prefix = "#" + pointer_text(base) + "/"
    used = _used_as_400(data)
    for ref, _ in sorted(used.items(), key=lambda item: (-item[1], item[0])):
        escaped = ref[len(prefix):] if ref.startswith(prefix) else "/"
        name = escaped.replace("~1", "/").replace("~0", "~")
        if "/" not in escaped and \
                clearly_bad_request(name, components.get(name), used_as_400=True):
            return {"$ref": ref}
    names = sorted((str(n) for n in components),
                   key=lambda n: (not _SAYS_BAD_REQUEST.search(" ".join(words(n))), n))
    for name in names:
        if clearly_bad_request(name, components.get(name)):
            return {"$ref": prefix + pointer_text((name,)).lstrip("/")}
    return None


def _used_as_400(data: Any) -> Counter:
    """How many operations name each local `$ref` as their 400."""
    out: Counter = Counter()
    paths = data.get("paths") if isinstance(data, dict) else None
    for item in (paths.values() if isinstance(paths, dict) else ()):
        for op in (item.values() if isinstance(item, dict) else ()):
            responses = op.get("responses") if isinstance(op, dict) else None
            existing = responses.get("400", responses.get(400)) \
                if isinstance(responses, dict) else None
            if isinstance(existing, dict) and isinstance(existing.get("$ref"), str):
                out[existing["$ref"]] += 1
    return out


def _at(data: Any, pointer: tuple[str, ...]) -> dict:
    node = data
    for step in pointer:
        node = node.get(step) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}
