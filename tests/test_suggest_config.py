"""`suggest --write-config`: merging into an existing putlint.yaml keeps everything in it, and
nothing a spec says can become config syntax (issue 15, item 7)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.errors import PutlintError
from linter.suggest import Evidence, Suggestion
from linter.suggest.writeconfig import comment_text, merge, yaml_string
from tests.launcher import putlint

ROOT = Path(__file__).resolve().parent.parent
UNANNOTATED = ROOT / "specs" / "kong-admin-unannotated.yaml"
INJECTION = "/s/{id}\nignore:\n  - PUT0\n#"




def made(names: list[str], path: str = "/c/{id}", field: str = "snis",
         evidence: str = "the API also writes snis on its own") -> Suggestion:
    op = SimpleNamespace(method="put", path=path, label=f"PUT {path}")
    return Suggestion("spec.yaml", names[0], (field,), None, "application/json",
                      operations=[op], evidence=[Evidence("managed-child", 0.6, evidence)],
                      names=list(names))


def lines_kept(before: str, after: str) -> bool:
    """Every line of `before` is in `after`, in the same order."""
    rest = iter(after.splitlines())
    return all(any(line == other for other in rest) for line in before.splitlines())


USER = """\
# our team's putlint settings
fail-on: error  # CI fails on errors only
ignore: [PUT005]
critical:
  # decided in review, 2026-11
  - "#/components/schemas/Other/properties/hosts"
  - {name: "#/x", on-omit: preserve, reason: managed elsewhere}
select: [PUT001]  # after the list
"""


def test_merge_appends_after_the_last_entry_and_keeps_everything() -> None:
    text, added = merge(USER, [made(["#/new"])])
    assert added == ["#/new"] and lines_kept(USER, text)
    data = yaml.safe_load(text)
    assert data["critical"][-1] == "#/new" and data["select"] == ["PUT001"]
    assert text.index('- "#/new"') < text.index("select:")
    assert "  # 0.60 snis: PUT /c/{id}\n  #   - the API also writes" in text


def test_merge_adds_nothing_already_listed() -> None:
    text, added = merge(USER, [made(["#/x"]), made(["#/components/schemas/Other/properties/"
                                                    "hosts"])])
    assert added == [] and text == USER


@pytest.mark.parametrize("base", [
    "", "# only a comment\n", "fail-on: error\n", "fail-on: error", "critical: []\n",
    "critical: []  # none yet\nfail-on: error\n", "critical:\nfail-on: error\n",
    "critical: null\n", 'critical: ["#/a", "#/b"]\n', "critical:\n- '#/a'\n",
    "top:\n  nested: 1\ncritical:\n    - '#/a'   # four spaces\n    - '#/b'\nlast: 2\n",
    "critical:\n  - name: '#/a'\n    on-omit: reject\n# trailing\n",
    "\ufefffail-on: error\n",
])
def test_merge_shapes(base: str) -> None:
    old = yaml.safe_load(base.lstrip("\ufeff")) or {}
    text, added = merge(base, [made(["#/new", "other.yaml#/n"])])
    data = yaml.safe_load(text)
    assert data == {**old, "critical": [*(old.get("critical") or []), "#/new", "other.yaml#/n"]}
    assert added == ["#/new", "other.yaml#/n"]
    for line in base.lstrip("\ufeff").splitlines():  # every comment survives
        if "#" in line and not line.lstrip().startswith(("-", "critical")):
            assert line.split("#", 1)[1] in text


@pytest.mark.parametrize("base", ["critical: x\n", "- a\n", "a: [\n", "critical: {a: 1}\n"])
def test_merge_refuses_what_it_cannot_add_to(base: str) -> None:
    with pytest.raises(PutlintError):
        merge(base, [made(["#/new"])])


# -- hostile strings from a spec ----------------------------------------------------------

HOSTILE = st.text(st.one_of(
    st.sampled_from([*"\n\r\x85\u2028\u2029\x00\t\x1b\ufeff#:-[]{}'\"\\&*!|>%@` ", "\ud800"]),
    st.characters(codec=None)), max_size=40)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(HOSTILE, min_size=1, max_size=3, unique=True), path=HOSTILE,
       field=HOSTILE, evidence=HOSTILE)
def test_nothing_from_a_spec_becomes_config_syntax(names: list[str], path: str, field: str,
                                                   evidence: str) -> None:
    base = "fail-on: error  # mine\ncritical:\n  - '#/kept'\n"
    if any(0xD800 <= ord(c) <= 0xDFFF for n in names if n != "#/kept" for c in n):
        # `"\uD800"` is no character: putlint's own config reader refuses it, so a file
        # holding it would stop every later run. It is refused, not written.
        with pytest.raises(PutlintError):
            merge(base, [made(names, path, field, evidence)])
        return
    text, added = merge(base, [made(names, path, field, evidence)])
    data = yaml.safe_load(text)
    assert set(data) == {"fail-on", "critical"} and data["fail-on"] == "error"
    assert data["critical"] == ["#/kept", *added] and added == [n for n in names
                                                                  if n != "#/kept"]
    assert lines_kept(base, text)
    text.encode("utf-8")  # no lone surrogate reaches the file


@settings(max_examples=150, deadline=None, derandomize=True)
@given(HOSTILE)
def test_escaped_comment_text_is_one_line_and_quoted_names_read_back(text: str) -> None:
    line = comment_text(text)
    assert yaml.safe_load(f"a: 1  # {line}\n") == {"a": 1}
    assert len(f"# {line}".splitlines()) == 1
    assert yaml.safe_load(yaml_string(text)) == text and yaml_string(text).isascii()


def test_the_issue_s_injection_through_a_real_run(tmp_path: Path) -> None:
    """A path key that closes the evidence comment and opens `ignore:` (issue 15, item 7)."""
    snis = {"type": "array", "items": {"type": "string"}}
    schema = {"type": "object", "properties": {"cert": {"type": "string"}, "snis": snis}}
    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
        INJECTION: {"put": {"requestBody": {"required": True, "content": {"application/json": {
            "schema": schema}}}, "responses": {"200": {"description": "ok"}}}},
        INJECTION + "/snis": {"post": {"responses": {"201": {"description": "ok"}}}}}}
    (tmp_path / "api.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    proc = putlint("suggest", "api.yaml", "--write-config", "putlint.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = yaml.safe_load((tmp_path / "putlint.yaml").read_text(encoding="utf-8"))
    assert list(data) == ["critical"]
    assert data["critical"] == [f"#/paths/{INJECTION.replace('/', '~1')}/put/requestBody/"
                                "content/application~1json/schema/properties/snis"]
    check = putlint("check", "api.yaml", "-f", "json", cwd=tmp_path)
    assert check.returncode == 1 and '"PUT001"' in check.stdout  # nothing got ignored


# -- the command ---------------------------------------------------------------------------

def test_running_twice_keeps_the_first_run_and_the_user_s_edits(tmp_path: Path) -> None:
    config = tmp_path / "putlint.yaml"
    config.write_text("# team settings\nfail-on: error\n", encoding="utf-8")
    first = putlint("suggest", str(UNANNOTATED), "--top", "1", "--write-config", str(config),
                    cwd=tmp_path)
    assert first.returncode == 0 and "added 1 entry" in first.stderr
    after_first = config.read_text(encoding="utf-8")
    edited = after_first.replace("fail-on: error\n", "fail-on: error  # was warning\n") + \
        "ignore: [PUT005]  # our own\n# a note at the end\n"
    config.write_text(edited, encoding="utf-8")
    second = putlint("suggest", str(UNANNOTATED), "--write-config", str(config), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    final = config.read_text(encoding="utf-8")
    assert lines_kept(edited, final) and final != edited
    data = yaml.safe_load(final)
    assert data["fail-on"] == "error" and data["ignore"] == ["PUT005"]
    first_entries = yaml.safe_load(after_first)["critical"]
    assert data["critical"][:1] == first_entries and len(data["critical"]) > 1
    third = putlint("suggest", str(UNANNOTATED), "--write-config", str(config), cwd=tmp_path)
    assert "added 0 entries" in third.stderr and config.read_text(encoding="utf-8") == final


def test_dash_prints_the_config_and_writes_nothing(tmp_path: Path) -> None:
    proc = putlint("suggest", str(UNANNOTATED), "--write-config", "-", cwd=tmp_path)
    assert proc.returncode == 0 and list(tmp_path.iterdir()) == []
    assert yaml.safe_load(proc.stdout)["critical"][0] == "Certificate.snis"
    assert "putlint suggest:" in proc.stderr and "putlint suggest:" not in proc.stdout


@pytest.mark.parametrize("content", ["critical: [\n", "critical: x\n", "\xff\xfe"])
def test_a_config_it_cannot_add_to_is_left_untouched(tmp_path: Path, content: str) -> None:
    config = tmp_path / "putlint.yaml"
    config.write_bytes(content.encode("latin-1"))
    proc = putlint("suggest", str(UNANNOTATED), "--write-config", str(config),
                   "--config", str(tmp_path / "none.yaml"), cwd=tmp_path)
    assert proc.returncode == 2 and config.read_bytes() == content.encode("latin-1")
    assert len(proc.stderr.strip().splitlines()) >= 1 and "Traceback" not in proc.stderr


def test_a_missing_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    proc = putlint("suggest", str(UNANNOTATED), "--write-config", str(tmp_path / "no" / "x.yaml"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr


# -- the file written to comes with the pull request: read as input, never outside ----------

def _repo(tmp_path: Path) -> Path:
    import subprocess

    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (tmp_path / "empty.yaml").write_text("{}\n", encoding="utf-8")
    return repo


def _suggest_into(repo: Path, target: str) -> object:
    return putlint("suggest", str(UNANNOTATED), "--write-config", target,
                   "--config", str(repo.parent / "empty.yaml"), cwd=repo)


def test_a_config_linked_out_of_the_project_is_neither_read_nor_copied(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    secret = 'registry_token: "SECRET_TOKEN_123"\n'
    (home / "conf.yaml").write_text(secret, encoding="utf-8")
    (repo / "putlint.yaml").symlink_to("../home/conf.yaml")
    proc = _suggest_into(repo, "putlint.yaml")
    assert proc.returncode == 2, proc.stderr
    assert "putlint.yaml: error: a symlink that leads out of the project" in proc.stderr
    assert "SECRET_TOKEN" not in proc.stdout + proc.stderr
    assert (repo / "putlint.yaml").is_symlink()
    assert (home / "conf.yaml").read_text(encoding="utf-8") == secret
    # through a linked folder too; and a link that stays inside is read and written
    (repo / "cfg").symlink_to("../home", target_is_directory=True)
    assert _suggest_into(repo, "cfg/conf.yaml").returncode == 2
    assert (home / "conf.yaml").read_text(encoding="utf-8") == secret
    (repo / "mine.yaml").write_text("fail-on: error\n", encoding="utf-8")
    (repo / "inside.yaml").symlink_to("mine.yaml")
    assert _suggest_into(repo, "inside.yaml").returncode == 0
    assert yaml.safe_load((repo / "inside.yaml").read_text(encoding="utf-8"))["critical"]


def test_an_alias_bomb_in_the_target_is_refused_by_the_guarded_reader(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    out = ['critical: []', 'a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    out += [f'a{i}: &a{i} [' + ','.join([f'*a{i - 1}'] * 10) + ']' for i in range(1, 12)]
    bomb = "\n".join(out) + "\n"
    (repo / "bomb.yaml").write_text(bomb, encoding="utf-8")
    proc = _suggest_into(repo, "bomb.yaml")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "alias bomb" in lines[0], proc.stderr
    assert (repo / "bomb.yaml").read_text(encoding="utf-8") == bomb
    with pytest.raises(PutlintError, match="alias"):  # merge itself parses only so
        merge(bomb, [made(["#/new"])])


@pytest.mark.parametrize("name, content", [
    ("flow.yaml", "{fail-on: error}\n"),
    ("config.json", '{"fail-on": "error"}\n'),
    ("spaced.yaml", "# mine\n{fail-on: error,\n ignore: [PUT005]}\n"),
])
def test_a_flow_style_config_is_refused_untouched_never_exit_3(tmp_path: Path, name: str,
                                                                content: str) -> None:
    repo = _repo(tmp_path)
    (repo / name).write_text(content, encoding="utf-8")
    assert putlint("check", str(UNANNOTATED), "--config", name, cwd=repo).returncode == 0
    proc = _suggest_into(repo, name)
    assert proc.returncode == 2, proc.stderr
    assert f"{name}: error: flow-style config: add the entries by hand" in proc.stderr
    assert (repo / name).read_text(encoding="utf-8") == content
    with pytest.raises(PutlintError, match="flow-style"):
        merge(content, [made(["#/new"])])
