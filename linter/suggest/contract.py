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


# The operation's own words say a field left out keeps its value (Bitbucket: "Fields not
# present in the request body are ignored"): a merge, whatever the method.
_KEPT = r"(ignored|unchanged|kept|preserved|retained|left (as is|alone|untouched)|not (be )?" \
        r"(changed|modified|updated|affected|touched|removed|cleared))"
MERGE_STATED = re.compile(
    rf"\b(fields|properties|attributes|values|parameters|keys)\b[^.]{{0,30}}\b(not (present|"
    rf"provided|included|specified|supplied|sent|passed)|omitted|left out|missing|absent)"
    rf"[^.]{{0,60}}\b{_KEPT}|"
    rf"\bonly (the )?(fields|properties|attributes|values|parameters)\b[^.]{{0,30}}\b(provided|"
    rf"specified|included|present|sent|supplied|passed|given)\b[^.]{{0,40}}\b(are |will be )?"
    rf"(updated|changed|modified|applied)|\bpartial(ly)? updat", re.I)
STATED = "its description says: "  # evidence from the operation's own words
_UPDATE = re.compile(r"\bupdat(e|es|ing)\b", re.I)
# ... unless it also creates ("Create or update", "Upsert", "Add or update": the body then
# is the whole resource) or says it replaces.
_WHOLE = re.compile(r"\b(creat(e|es|ing)|add|adds|insert|inserts)\s+or\s+(updat|replac)|"
                    r"\bupdat(e|es)\s+or\s+(creat|add|insert)|\bupserts?\b|"
                    r"\breplac(e|es|ing)\b|\boverwrit(e|es|ing)\b|\bfull representation\b",
                    re.I)


_END = re.compile(r"[.!?](\s|$)")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of `text` holding [start, end), as evidence."""
    left = max((m.end() for m in _END.finditer(text, 0, start)), default=0)
    right = _END.search(text, end)
    return " ".join(text[left:right.start() + 1 if right else len(text)].split())[:200]


def stated_merge(op_text: str | None, body_required: bool, required_fields: set[str]
                 ) -> str | None:
    """Why the operation merges rather than replaces, as evidence; None when it does not say.

    Either its words say omitted fields are kept, or it is described as an update (not a
    create-or-update, not a replace) whose body is optional with nothing required (Box's
    "Update file"): a body one may leave out entirely cannot be a full representation."""
    if not op_text:
        return None
    found = MERGE_STATED.search(op_text)
    if found:
        return f'{STATED}"{_sentence(op_text, found.start(), found.end())}"'
    update = _UPDATE.search(op_text)
    if update and not body_required and not required_fields and not _WHOLE.search(op_text):
        return (f'"{_sentence(op_text, update.start(), update.end())}" with an optional body and '
                "no required field: a partial update")
    return None
