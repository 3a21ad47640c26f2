"""JSON that every strict parser reads, whatever values a spec put into a finding.

A spec can hold values JSON has no spelling for: YAML's `.inf` and `.nan` (and JSON's `1e400`,
read as infinity), integers too long to write out, text with lone surrogates (`"\\ud800"` in a
YAML string), keys that are numbers or null. `json.dumps` would write `Infinity` or `NaN` (not
JSON), raise on the long integer, or hand back text no UTF-8 file can hold. Here each one gets
an honest, documented spelling instead (docs/reference/json-report.md):

- infinity and NaN become the strings "Infinity", "-Infinity" and "NaN";
- an integer of more than MAX_DIGITS digits becomes a string saying how long it is;
- a surrogate code point becomes its escape as text (six characters, `\\ud800`);
- a key that is not text becomes text as JSON would write it (`3`, `null`, `Infinity`);
- anything else that is not JSON (a set, bytes) becomes a list or its text.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DIGITS = 4000  # below Python's own limit on int <-> str conversion (4,300 digits)
_MAX_BITS = int(MAX_DIGITS * math.log2(10))
_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(value: Any, **options: Any) -> str:
    """``json.dumps`` of ``value`` made JSON first; never writes NaN or Infinity."""
    return json.dumps(jsonable(value), allow_nan=False, **options)


def jsonable(value: Any) -> Any:
    """``value`` with everything JSON cannot spell replaced as the module docstring says."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return text(value)
    if isinstance(value, int):
        return _integer(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else _non_finite(value)
    if isinstance(value, dict):
        return {_key(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [jsonable(item) for item in items]
    if isinstance(value, (bytes, bytearray)):
        return text(bytes(value).decode("utf-8", "backslashreplace"))
    return text(str(value))


def text(value: str) -> str:
    """A string any UTF-8 encoder accepts: surrogates written out as escapes."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def _integer(value: int) -> int | str:
    if abs(value).bit_length() <= _MAX_BITS:
        return int(value)  # a bool-like int subclass becomes a plain int
    digits = int(abs(value).bit_length() * math.log10(2)) + 1
    return f"{'-' if value < 0 else ''}integer of about {digits} digits"


def _non_finite(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _key(key: Any) -> str:
    if isinstance(key, str):
        return text(key)
    value = jsonable(key)
    return value if isinstance(value, str) else json.dumps(value)
