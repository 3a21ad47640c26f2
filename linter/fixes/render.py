"""Values written into a spec's text, in the style the surrounding text uses."""

from __future__ import annotations

import json
import re
from typing import Any


class Refused(Exception):
    """The text cannot be edited with confidence here: the fix is not offered."""

# A string YAML reads back as the same string when written plain in flow or block context.
_PLAIN = re.compile(r"^[A-Za-z_$][A-Za-z0-9_.$/-]*(?: [A-Za-z0-9_.$/-]+)*$")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def yaml_scalar(value: Any, quote: str | None = None) -> str:
    """A YAML scalar; ``quote`` ('"' or "'") follows how the neighbours are written."""
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if not isinstance(value, str):
        raise Refused("not a scalar")
    if quote == '"':
        return json.dumps(value)
    if quote == "'" or not _PLAIN.match(value) or value.lower() in _RESERVED:
        if "\n" in value:
            return json.dumps(value)
        return "'" + value.replace("'", "''") + "'"
    return value


def yaml_flow(value: Any, quote: str | None = None) -> str:
    """A YAML value in flow style (one line, whatever the nesting)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_scalar(str(k), quote)}: {yaml_flow(v, quote)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_flow(v, quote) for v in value) + "]"
    return yaml_scalar(value, quote)


def json_value(value: Any, colon: str = ": ") -> str:
    """A JSON value on one line, with the object's own spacing after colons."""
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, separators=(", ", colon), ensure_ascii=False)
