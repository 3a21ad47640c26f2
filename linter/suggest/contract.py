"""The contract a field's own words state: deliberate clears (issue 16, item 6).

GitHub's branch protection documents "Set to `null` to disable"; Azure's virtual networks
delete every subnet on an empty list. Such a field is critical, and its null or empty value is
a decided, documented clear: the suggestion proposes `on-null: clear` / `on-empty: clear`, so
the finding a reviewer would argue with every time is not raised in the first place.
"""

from __future__ import annotations

import re

_VERBS = r"(disable|disables|remove|removes|clear|clears|delete|deletes|unset|unsets|reset|" \
         r"resets|detach|detaches|turn off|turns off)"
# "Set to `null` to disable", "null removes the ...", "pass null to clear"
NULL_CLEARS = re.compile(
    rf"\b(set|setting|send|sending|pass|passing|use)\b[^.]{{0,20}}\bnull`?[^.]{{0,12}}\bto "
    rf"{_VERBS}\b|\bnull`?\s+{_VERBS}\b|\bnull`? (value )?(will|to) {_VERBS}\b", re.I)
# "an empty list removes all ...", "`[]` deletes every ...", "set to an empty array to remove"
EMPTY_CLEARS = re.compile(
    rf"\bempty (list|array|map|object|set|collection)`?\s+(will )?{_VERBS}\b|"
    rf"`?(\[\]|\{{\}})`?\s+(will )?{_VERBS}\b|"
    rf"\b(set|setting|send|sending|pass|passing|use)\b[^.]{{0,20}}\b(empty (list|array|map|"
    rf"object)|`?\[\]`?|`?\{{\}}`?)[^.]{{0,12}}\bto {_VERBS}\b", re.I)


def stated_clears(text: str | None) -> dict[str, str]:
    """The contract keys a description states (`{"on-null": "clear"}`), in vocab's spelling."""
    if not text:
        return {}
    found = {}
    if NULL_CLEARS.search(text):
        found["on-null"] = "clear"
    if EMPTY_CLEARS.search(text):
        found["on-empty"] = "clear"
    return found
