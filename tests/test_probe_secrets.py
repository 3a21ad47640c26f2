"""No credential given to probe appears in any output, however the server echoes it.

The unit half draws secrets and encodings (mixed character by character) and checks the
redactor; the end-to-end half runs `putlint probe` over real HTTP against a server that echoes
the credentials in every answer - JSON with PHP's `\\/` escapes, `\\uXXXX` escapes, percent- and
HTML-encoded, base64, as keys, inside a plain-text answer - and looks for them in all six
report formats, the progress lines and the errors.
"""

from __future__ import annotations

import base64
import html
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, unquote, unquote_plus
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from linter.errors import PutlintError
from linter.probe import check_base_url
from linter.redact import MASK, Redactor, secret_parts
from linter.refserver import ReferenceApi, running

ROOT = Path(__file__).resolve().parent.parent
PURGING = ROOT / "specs" / "konnect-certificates-2025-11-06.yaml"
PUTLINT = str(Path(sys.executable).parent / "putlint")
FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")

# what a header value can hold: printable ASCII, with the characters encodings treat specially
HEADER_CHARS = st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="*")
header_secrets = st.text(HEADER_CHARS, min_size=8, max_size=40)
any_secrets = st.text(st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="*"),
                      min_size=8, max_size=30).filter(lambda s: s.strip() == s)


def _char_encodings(char: str) -> list[str]:
    point = ord(char)
    if point <= 0xFFFF:
        u_escape = f"\\u{point:04x}"
    else:
        high, low = 0xD800 + ((point - 0x10000) >> 10), 0xDC00 + ((point - 0x10000) & 0x3FF)
        u_escape = f"\\u{high:04X}\\u{low:04X}"
    out = [char, u_escape, quote(char, safe=""), f"&#{point};", f"&#x{point:X};"]
    if not char.isalnum():
        out.append("\\" + char)
    return out


WHOLE_ENCODINGS = {
    "json-php": lambda s: json.dumps(s)[1:-1].replace("/", "\\/"),
    "json-ascii": lambda s: json.dumps(s, ensure_ascii=True)[1:-1],
    "percent": lambda s: quote(s, safe=""),
    "percent-plus": lambda s: quote_plus(s),
    "percent-twice": lambda s: quote(quote(s, safe=""), safe=""),
    "html": lambda s: html.escape(s),
    "base64": lambda s: base64.b64encode(s.encode()).decode(),
    "base64-in-text": lambda s: base64.b64encode(b"user:" + s.encode()).decode(),
    "base64url": lambda s: base64.urlsafe_b64encode(s.encode()).decode(),
    "hex": lambda s: s.encode().hex(),
    "upper": lambda s: s.upper(),
}


@settings(max_examples=200, deadline=None)
@given(secret=any_secrets, encoding=st.sampled_from(sorted(WHOLE_ENCODINGS)),
       before=st.text(max_size=10), after=st.text(max_size=10))
def test_each_encoding_of_a_secret_is_redacted(secret: str, encoding: str, before: str,
                                              after: str) -> None:
    # case is ignored character by character: 'ß'.upper() == 'SS' is not the same secret
    assume(encoding != "upper" or all(len(c.upper()) == 1 for c in secret))
    encoded = WHOLE_ENCODINGS[encoding](secret)
    redactor = Redactor([secret])
    out = redactor.text(f"{before}{encoded}{after}")
    assert encoded not in out
    assert secret not in out


@settings(max_examples=200, deadline=None)
@given(secret=any_secrets, data=st.data())
def test_encodings_mixed_character_by_character_are_redacted(secret: str,
                                                             data: st.DataObject) -> None:
    echoed = "".join(data.draw(st.sampled_from(_char_encodings(c))) for c in secret)
    out = Redactor([secret]).text(f"seen: {echoed}.")
    assert out == f"seen: {MASK}."


@settings(max_examples=200, deadline=None)
@given(secret=header_secrets, scheme=st.sampled_from(["Bearer", "Token", "Basic", "Digest"]))
def test_the_token_after_a_scheme_is_a_secret_by_itself(secret: str, scheme: str) -> None:
    value = f"{scheme} {secret}"
    redactor = Redactor.for_probe({"Authorization": value})
    assert redactor.text(f"token={secret};") == f"token={MASK};"
    decoded = json.loads(json.dumps({"echo": secret}).replace("/", "\\/"))
    assert redactor.value(decoded) == {"echo": MASK}


def test_basic_credentials_are_secret_decoded_too() -> None:
    token = base64.b64encode(b"deploy-bot:hunter2-but-longer").decode()
    redactor = Redactor.for_probe({"Authorization": f"Basic {token}"})
    assert redactor.text("pw hunter2-but-longer, user deploy-bot") == f"pw {MASK}, user {MASK}"


def test_every_long_piece_of_any_header_is_secret_and_short_plain_ones_are_not() -> None:
    parts = secret_parts("Cookie", "theme=dark; session=0123456789abcdef")
    assert "0123456789abcdef" in parts
    assert secret_parts("X-Tenant", "acme") == set()  # not a credential name, too short
    assert secret_parts("X-Tenant", "acme-corporation") == {"acme-corporation"}
    assert secret_parts("X-Api-Key", "abc") == {"abc"}  # a credential name: any length


@settings(max_examples=100, deadline=None)
@given(secret=header_secrets, number=st.integers(min_value=10_000_000))
def test_decoded_values_keys_and_numbers_are_redacted(secret: str, number: int) -> None:
    redactor = Redactor([secret, str(number)])
    value = {secret: [secret, {"deep": f"x{secret}y"}], "n": number, "ok": True}
    assert redactor.value(value) == {MASK: [MASK, {"deep": f"x{MASK}y"}], "n": MASK,
                                     "ok": True}


@settings(max_examples=100, deadline=None)
@given(secret=header_secrets, cut_at=st.integers(min_value=0, max_value=700))
def test_cutting_evidence_is_redacting_all_then_cutting(secret: str, cut_at: int) -> None:
    """A secret across the cut is redacted whole, never left half-shown."""
    text = "a" * cut_at + quote(secret, safe="") + "b" * 5000
    redactor = Redactor([secret])
    assert redactor.cut(text, 600) == redactor.text(text)[:600] + "..."


def test_a_bad_base_url_is_refused_without_its_password() -> None:
    with pytest.raises(PutlintError) as refused:
        check_base_url("ftp://deploy:pa55w0rd-s3cret@127.0.0.1/", allow_remote=False)
    assert "pa55w0rd-s3cret" not in refused.value.message


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text("abcXYZ019#/?[]:@%!$", min_size=1, max_size=24),
       st.sampled_from(["http", "https", "ftp", ""]),
       st.sampled_from(["127.0.0.1:9/", "[::1/", "localhost:x/", "h/p"]))
@example("Sup3rS3#cretPw", "http", "127.0.0.1:9/")
def test_no_part_of_a_password_survives_a_url_too_malformed_to_parse(
        password: str, scheme: str, rest: str) -> None:
    """A password with a bare `#`, `/`, `?` or `@` defeats every URL parser: whatever the URL
    is refused for, nothing before its last `@` is shown."""
    url = f"{scheme + ':' if scheme else ''}//admin:{password}@{rest}"
    try:
        check_base_url(url, allow_remote=False)
    except PutlintError as refused:
        said = refused.message
        shown = said.replace("127.0.0.0/8, ::1", "")  # the message's own list of loopbacks
        assert password not in shown or len(password) < 3 or password in f"{rest} {scheme}", said
        assert "admin" not in said, said


class EchoingApi:
    """The reference API, echoing the request's credentials into every answer, in many
    encodings: the worst case for secrecy, since probe records answers as evidence."""

    def __init__(self, app: ReferenceApi) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Any) -> list[bytes]:
        status, body = self.app.handle(environ)
        seen = [environ.get("HTTP_AUTHORIZATION", ""), environ.get("HTTP_X_API_KEY", "")]
        token = seen[0].partition(" ")[2]
        if environ["REQUEST_METHOD"] == "PUT" and isinstance(body, dict) and \
                not body.get("snis"):  # the omission's answer: plain text
            text = (f"stored; you sent {seen[1]} as {quote(seen[1], safe='')} and "
                    f"{html.escape(token)} / {base64.b64encode(token.encode()).decode()}")
            start_response(f"{status} X", [("Content-Type", "text/plain")])
            return [text.encode()]
        if isinstance(body, dict):
            body = {**body, "seen": seen, "token": token, token: "as a key",
                    "url": quote(seen[1], safe=""), "b64": base64.b64encode(
                        seen[1].encode()).decode(), "html": html.escape(token),
                    "nested": [{"header": f"X-Api-Key: {seen[1]}"}]}
        text = "" if body is None else json.dumps(body).replace("/", "\\/")  # PHP's default
        if body is not None:  # and one field with every character \u-escaped
            escaped = "".join(f"\\u{ord(c):04x}" for c in token)
            text = text[:-1] + f', "u": "{escaped}"}}'
        start_response(f"{status} X", [("Content-Type", "application/json")])
        return [text.encode()]


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


def _reveals(text: str, secret: str) -> bool:
    """Whether `text` shows `secret`, decoded as a reader might: literally, percent-decoded
    (twice), HTML-unescaped, with backslash escapes undone, or inside any base64 run. An
    oracle of its own, so that it does not share the redactor's blind spots."""
    unescaped = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    unescaped = re.sub(r"\\(.)", r"\1", unescaped)
    decoded = [text, unquote(text), unquote(unquote(text)), unquote_plus(text),
               html.unescape(text), unescaped]
    if any(secret in d or secret.lower() in d.lower() for d in decoded):
        return True
    raw = secret.encode()
    for run in re.findall(r"[A-Za-z0-9+/_-]{11,}={0,2}", text):
        for start in range(4):
            chunk = run[start:]
            chunk = chunk[:len(chunk) - len(chunk) % 4] if not chunk.endswith("=") else chunk
            for alphabet in (None, b"-_"):
                try:
                    if raw in base64.b64decode(chunk, altchars=alphabet):
                        return True
                except ValueError:
                    pass
    return False


def _views(fmt: str, text: str) -> list[str]:
    """The report as written, and what a reader of its format decodes from it."""
    views = [text]
    if fmt in ("json", "sarif"):
        views += _strings(json.loads(text))
    elif fmt == "junit":
        root = ElementTree.fromstring(text)
        views += [t for e in root.iter() for t in (e.text or "", *e.attrib.values())]
    return views


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(token=header_secrets, key=header_secrets)
@example(token="s3cr3t-tok", key="s3cr3t/k3y")  # the reproduction
def test_no_format_shows_a_secret_the_server_echoes(tmp_path_factory: pytest.TempPathFactory,
                                                   token: str, key: str) -> None:
    tmp = tmp_path_factory.mktemp("secrets")
    app = ReferenceApi("purge")
    args = []
    for fmt in FORMATS:
        args += ["--format", fmt, "--output", str(tmp / f"report.{fmt}")]
    with running(EchoingApi(app)) as url:  # type: ignore[arg-type]
        proc = subprocess.run(
            [PUTLINT, "probe", str(PURGING), "--base-url", url, "--allow-writes",
             "-H", f"Authorization: Bearer {token}", "-H", f"X-Api-Key: {key}", *args],
            capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    outputs = [("text", proc.stdout), ("text", proc.stderr)]
    outputs += [(fmt, (tmp / f"report.{fmt}").read_text(encoding="utf-8")) for fmt in FORMATS]
    for fmt, text in outputs[2:]:
        assert "PUT301" in text and "/core-entities/certificates/" in text, fmt
    for fmt, text in outputs:
        for view in _views(fmt, text):
            for secret in (token, key):
                assert not _reveals(view, secret), (fmt, secret)
    assert MASK in outputs[2][1]  # the echoes were redacted, not merely absent
    assert app.store.snapshot() == {"certificates": [], "snis": []}


@pytest.mark.parametrize("spec_text", ["openapi: [\n", "openapi: 3.0.3\npaths: {}\n"])
def test_a_probe_that_cannot_start_still_writes_its_report_files(tmp_path: Path,
                                                                spec_text: str) -> None:
    """A CI job uploads the reports it asked for: when the spec cannot be read (or has nothing
    to probe), each file still says why, and a secret of the run appears in none of them."""
    from tests.launcher import putlint

    (tmp_path / "api.yaml").write_text(spec_text)
    secret = "Bearer sekrit-7f3a9c2e1b"
    proc = putlint("probe", "api.yaml", "--base-url", "http://127.0.0.1:9", "-H",
                   f"Authorization: {secret}", "-f", "json", "-o", "probe.json",
                   "-f", "sarif", "-o", "probe.sarif", "-f", "junit", "-o", "probe.xml",
                   "--allow-writes", cwd=tmp_path)
    assert proc.returncode == 2, proc
    # on stderr when the run could not start, in the terminal's report when nothing was seen
    said = [line for line in (proc.stdout + proc.stderr).splitlines() if ": error: " in line]
    assert len(said) == 1, proc
    report = json.loads((tmp_path / "probe.json").read_text())
    assert [f"{e['file']}: error: {e['message']}" for e in report["errors"]] == \
        [said[0].split(":", 1)[0] + ": error: " + said[0].split(": error: ", 1)[1]]
    sarif = json.loads((tmp_path / "probe.sarif").read_text())
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [e["message"] for e in report["errors"]]
    ElementTree.parse(tmp_path / "probe.xml")
    for name in ("probe.json", "probe.sarif", "probe.xml"):
        assert "sekrit" not in (tmp_path / name).read_text()
    assert "sekrit" not in proc.stdout + proc.stderr
