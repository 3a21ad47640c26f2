"""Bad input: one clear error with its place, exit code 2, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from linter.config import Options
from linter.engine import run
from linter.errors import PutlintError
from linter.reading import parse
from linter.refs import Loc, Workspace
from tests.badinputs import write_file

HEAD = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
BODY = (HEAD + "paths:\n  /x/{id}:\n    put:\n      requestBody:\n        required: true\n"
        "        content:\n          application/json:\n            schema: {$ref: 'REF'}\n"
        "      responses: {'400': {description: bad}}\n")


def errors_of(path: Path) -> list[str]:
    report = run([path], Options())
    return [str(e) for e in report.errors]


write = write_file


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("bad.yaml", HEAD + "paths:\n  /x:\n   put: {\n", "bad.yaml:"),
    ("tabs.yaml", HEAD + "paths:\n\t/x: {}\n", "tabs.yaml:4:1: invalid YAML"),
    ("trunc.json", '{"openapi": "3.0.3", "paths": {', "trunc.json:1:"),
    ("escape.json", '{"openapi": "3.0.3", "paths": {"\\q": 1}}', "Invalid \\escape"),
    ("empty.yaml", "", "file is empty"),
    ("list.yaml", "- a\n- b\n", "not an OpenAPI document: the root is list"),
    ("scalar.yaml", "just text\n", "not an OpenAPI document: the root is str"),
    ("other.yaml", "name: my-app\nversion: 2\n", "not an OpenAPI document"),
    ("paths.yaml", HEAD + "paths: [1, 2]\n", "paths.yaml:3:1: 'paths' must be a mapping"),
])
def test_malformed_input(tmp_path: Path, name: str, text: str, expected: str) -> None:
    errors = errors_of(write(tmp_path, name, text))
    assert len(errors) == 1
    assert expected in errors[0]


def test_error_lines_are_exact(tmp_path: Path) -> None:
    errors = errors_of(write(tmp_path, "bad.json", '{\n  "openapi": "3.0.3",\n  "paths": ]\n}'))
    assert errors[0].endswith("bad.json:3:12: invalid JSON: Expecting value")


def test_non_utf8_is_refused_with_its_place(tmp_path: Path) -> None:
    errors = errors_of(write(tmp_path, "latin.yaml", HEAD.encode() + b"x: caf\xe9\n"))
    assert "latin.yaml:3:7: not valid UTF-8 (byte 0xe9)" in errors[0]


def test_utf16_with_bom_and_utf8_bom_are_read(tmp_path: Path) -> None:
    for name, data in (("u16.yaml", (HEAD + "paths: {}\n").encode("utf-16")),
                       ("bom.yaml", b"\xef\xbb\xbf" + (HEAD + "paths: {}\n").encode())):
        assert errors_of(write(tmp_path, name, data)) == []


def test_yaml_12_scalars(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "s.yaml", "a: on\nb: no\nc: 2025-11-06\nd: 0o17\ne: 1_000\n"),
                "s.yaml")
    assert doc.data == {"a": "on", "b": "no", "c": "2025-11-06", "d": 15, "e": "1_000"}


def test_duplicate_keys_warn_and_say_which_wins(tmp_path: Path) -> None:
    path = write(tmp_path, "d.yaml", HEAD + "paths: {}\ninfo: {title: again, version: '2'}\n")
    report = run([path], Options())
    assert report.errors == []
    assert [str(w) for w in report.warnings] == [
        f"{report.specs[0].path}:4:1: duplicate key 'info': the last value wins"]
    path = write(tmp_path, "d.json", '{"openapi": "3.0.3",\n "paths": {},\n "paths": {}}')
    assert "d.json:3:2: duplicate key 'paths'" in str(run([path], Options()).warnings[0])


@pytest.mark.parametrize(("ref", "expected"), [
    ("https://example.com/s.yaml#/X", "remote $ref 'https://example.com/s.yaml#/X' is not"),
    ("../../etc/passwd", "leaves the spec's root folder"),
    ("missing.yaml#/X", "$ref 'missing.yaml#/X': file not found"),
    ("#/components/schemas/Nope", "points at nothing: /components/schemas/Nope"),
    ("#/components/schemas/A", "$ref loop"),
])
def test_bad_refs_point_at_the_ref(tmp_path: Path, ref: str, expected: str) -> None:
    text = BODY.replace("REF", ref) + (
        "components:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n"
        "    B: {$ref: '#/components/schemas/A'}\n")
    path = write(tmp_path / "api", "s.yaml", text)
    errors = errors_of(path)
    assert len(errors) == 1, errors
    assert expected in errors[0]
    assert ":10:" in errors[0] or "loop" in expected  # the line of the $ref


@pytest.mark.parametrize("folder", [".git", ".hg", ".svn", "sub/.git"])
@pytest.mark.parametrize("validate", [False, True])
def test_refs_into_version_control_metadata_are_refused(tmp_path: Path, folder: str,
                                                        validate: bool) -> None:
    """The root is the git work tree by default, and .git is inside it: its config carries the
    remote's URL (tokens included). A YAML-looking file there is still not read."""
    meta = tmp_path / "api" / folder
    meta.mkdir(parents=True)
    write(meta, "config.yaml", "X: {type: object, description: ghp_token_in_remote_url}\n")
    path = write(tmp_path / "api", "s.yaml", BODY.replace("REF", f"{folder}/config.yaml#/X"))
    report = run([path], Options(validate=validate))
    said = " ".join(str(e) for e in report.errors)
    assert "reaches into version-control metadata" in said, said
    assert ":10:" in said and "ghp_token" not in said


def test_symlink_escaping_the_root_is_refused(tmp_path: Path) -> None:
    outside = write(tmp_path, "secret.yaml", "X: {type: object}\n")
    api = tmp_path / "api"
    api.mkdir()
    os.symlink(outside, api / "link.yaml")
    errors = errors_of(write(api, "s.yaml", BODY.replace("REF", "link.yaml#/X")))
    assert "leaves the spec's root folder" in errors[0]


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    path = write(tmp_path, "bomb.yaml", HEAD + "paths: {}\n" + "\n".join(lines) + "\n")
    errors = errors_of(path)
    assert "alias bomb" in errors[0]


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", "openapi: [\n")
    good = write(tmp_path, "good.yaml", BODY.replace("REF", "#/components/schemas/C") +
                 "components:\n  schemas:\n    C:\n      type: object\n      properties:\n"
                 "        snis: {type: array, items: {}, x-critical: true}\n")
    report = run([bad, good], Options())
    assert len(report.errors) == 1 and "bad.yaml" in str(report.errors[0])
    assert {f.rule for f in report.findings} == {"PUT001", "PUT003"}
    assert report.exit_code("error") == 2


def test_workspace_positions_follow_refs_into_other_files(tmp_path: Path) -> None:
    write(tmp_path, "schemas/c.yaml", "C:\n  type: object\n  properties:\n    snis:\n"
          "      type: array\n      x-critical: true\n")
    root = write(tmp_path, "s.yaml", BODY.replace("REF", "schemas/c.yaml#/C"))
    report = run([root], Options())
    put001 = next(f for f in report.findings if f.rule == "PUT001")
    assert (Path(put001.file).name, put001.line, put001.column) == ("c.yaml", 4, 5)
    assert put001.pointer == "/C/properties/snis"


def test_workspace_refuses_non_string_ref(tmp_path: Path) -> None:
    ws = Workspace(write(tmp_path, "s.yaml", HEAD + "paths: {}\n"))
    with pytest.raises(PutlintError, match="must be a string"):
        ws.resolve(42, Loc(ws.root, ("paths",)))


def test_the_ascii_class_of_forbidden_characters_is_the_full_one_within_ascii() -> None:
    """An ASCII text is searched with a small class (the full one costs 0.004 s to compile at
    every start-up); it must find exactly what the full class finds."""
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from linter import yaml_source

    full = re.compile(yaml_source._NOT_YAML_PRINTABLE)

    @settings(max_examples=500, deadline=None)
    @given(st.text(st.characters(max_codepoint=127)))
    def same(text: str) -> None:
        assert [m.start() for m in yaml_source._not_printable(text).finditer(text)] == \
            [m.start() for m in full.finditer(text)]

    same()
    assert {chr(c) for c in range(128) if full.match(chr(c))} == \
        {chr(c) for c in range(128) if yaml_source._NOT_YAML_PRINTABLE_ASCII.match(chr(c))}
