"""What probe must never print: the user's credentials, in any encoding a server echoes them.

The secrets are the parts of each `--header` value that can be a credential (`secret_parts`):
the whole value, the token after an auth scheme (`Bearer xyz` -> `xyz`), the user and password
inside `Basic` credentials, and every piece of at least 8 characters between `;`, `,`, `=` and
spaces (cookies, `key=value` lists); and the password and query values of the base URL.

A server may echo a secret back escaped, so each one is matched in these encodings, mixed
freely character by character: literal, backslash-escaped (`\\/`), `\\uXXXX` (surrogate pairs
too) and `\\xXX`, percent-encoded (also twice, and `+` for a space), HTML character references
(decimal, hex, named); and whole: base64 (standard and URL-safe, at any alignment inside a
longer base64 text) and hex. Matching ignores case character by character, so a secret
upper-cased is caught too.
Bodies are redacted after JSON decoding as well as before, so a value is caught whatever the
JSON around it escaped.
"""

from __future__ import annotations

import base64
import html.entities
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

MASK = "***"
MIN_PART = 8  # a piece of a header value this long is treated as a credential on its own
CREDENTIAL_NAMES = re.compile(r"auth|cookie|key|token|secret|pass|session|signature|credential",
                              re.I)
_NAMED: dict[str, list[str]] = {}
for _name, _char in html.entities.html5.items():
    if _name.endswith(";") and len(_char) == 1:
        _NAMED.setdefault(_char, []).append(_name)


def secret_parts(name: str, value: str) -> set[str]:
    """The parts of one header value that may be a credential."""
    value = value.strip()
    if not value:
        return set()
    shortest = 1 if CREDENTIAL_NAMES.search(name) else MIN_PART
    whole = {value}
    scheme, _, token = value.partition(" ")
    token = token.strip()
    if token:
        whole.add(token)
        if scheme.lower() == "basic":
            whole |= _basic_parts(token)
    pieces = {p.strip("\"'") for p in re.split(r"[\s,;=]+", value)}
    return {p for p in whole if len(p) >= shortest} | {p for p in pieces if len(p) >= MIN_PART}


def _basic_parts(token: str) -> set[str]:
    try:
        decoded = base64.b64decode(token, validate=True).decode("utf-8")
    except ValueError:
        return set()
    user, _, password = decoded.partition(":")  # a user name is a secret only when long
    return {decoded, password} - {""} | ({user} if len(user) >= MIN_PART else set())


def url_secrets(url: str) -> set[str]:
    """The credential parts of a URL: user and password, and query values."""
    try:
        parts = urlsplit(url)
        found = {parts.username or "", parts.password or ""}
        found |= {v for _, v in parse_qsl(parts.query) if len(v) >= MIN_PART}
    except ValueError:
        return set()
    return found - {""}


def _char_forms(char: str) -> list[str]:
    """Regex alternatives for one character, in every encoding a server may echo it in."""
    point = ord(char)
    forms = [re.escape(char)]
    if not char.isalnum():
        forms.append(re.escape("\\" + char))
    if point <= 0xFFFF:
        forms.append(re.escape(f"\\u{point:04x}"))
    else:
        high = 0xD800 + ((point - 0x10000) >> 10)
        low = 0xDC00 + ((point - 0x10000) & 0x3FF)
        forms.append(re.escape(f"\\u{high:04x}\\u{low:04x}"))
    if point < 0x100:
        forms.append(re.escape(f"\\x{point:02x}"))
    raw = char.encode("utf-8")
    forms.append("".join(f"%{b:02x}" for b in raw))
    forms.append("".join(f"%25{b:02x}" for b in raw))
    if char == " ":
        forms.append(r"\+")
    forms.append(f"&#0*{point};")
    forms.append(f"&#x0*{point:x};")
    forms += [re.escape("&" + name) for name in _NAMED.get(char, [])]
    return forms


def _whole_forms(secret: str) -> list[str]:
    """Encodings of the secret as a whole: base64 at each alignment, and hex."""
    raw = secret.encode("utf-8")
    forms = [re.escape(raw.hex())] if len(raw) >= 4 else []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode("ascii").rstrip("=")
        start = -(-8 * offset // 6)  # the first character made of the secret's bits alone
        end = (8 * (offset + len(raw)) - 6) // 6 + 1
        core = encoded[start:end]
        if len(core) >= 6:
            forms.append(re.escape(core))
            forms.append(re.escape(core.translate(str.maketrans("+/", "-_"))))
    return forms


class Redactor:
    """Replaces every secret with `***`, in text and in decoded JSON values."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        alternatives = []
        for secret in self.secrets:
            alternatives.append("".join(f"(?:{'|'.join(_char_forms(c))})" for c in secret))
            alternatives += _whole_forms(secret)
        self._pattern = re.compile("|".join(alternatives), re.I) if alternatives else None
        # the longest text one secret can take once encoded: how far a cut must look ahead
        self.reach = max((len(s.encode("utf-8")) * 15 for s in self.secrets), default=0)

    @classmethod
    def for_probe(cls, headers: dict[str, str], base_url: str | None = None) -> Redactor:
        secrets: set[str] = set()
        for name, value in headers.items():
            secrets |= secret_parts(name, value)
        if base_url:
            secrets |= url_secrets(base_url)
        return cls(secrets)

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, text: str) -> str:
        if self._pattern is None:
            return text
        out = self._pattern.sub(MASK, text)
        if "\x00" in out and self._pattern.search(out.replace("\x00", "")):
            return MASK  # a secret spelled with NULs between its characters (UTF-16 misread)
        return out

    def cut(self, text: str, limit: int) -> str:
        """The first `limit` characters of the redacted text, redacting before cutting so
        that no secret is left half-shown at the cut."""
        # The whole text, then the cut (the text is capped at MAX_BODY already): a window cut
        # first could end inside a secret, which no pattern then matches, and when the masks
        # shortened the window that partial secret moved back in front of the cut.
        redacted = self.text(text)
        return redacted if len(redacted) <= limit else redacted[:limit] + "..."

    def value(self, value: Any) -> Any:
        """A decoded JSON value with every string (keys too) and number redacted."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, (int, float)):
            text = repr(value)
            return value if self.text(text) == text else MASK
        if isinstance(value, dict):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(v) for v in value]
        return self.text(str(value))
