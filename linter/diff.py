"""`putlint diff`: the changes between two versions of a spec that make omission destructive.

Both versions are analysed as `check` analyses them. Operations are paired by method and path
template (path-parameter names ignored), critical fields by media type and field path; the
change rules (PUT201-PUT206) read each pair. On top, every `check` finding of head that base
does not have - keyed as baselines key findings, by rule, operation, media type and field - is
reported, so an old unfixed finding never blocks an unrelated change and a new one always does.

`--base-ref REV` reads base from git: the folder of each spec (a spec's `$ref`s never leave its
folder) is exported at REV into a temporary directory.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from linter.analysis import FieldFacts, OperationFacts, closure
from linter.bundle import Bundle
from linter.config import Options
from linter.engine import (
    Finding,
    RunReport,
    SpecReport,
    SpecResult,
    analyse,
    enabled_rules,
    ignored_by_field,
    make_finding,
    result_of,
)
from linter.errors import PutlintError
from linter.model import path_template
from linter.refs import Loc
from linter.search import ITEMS


def op_key(method: str, path: str) -> tuple[str, str]:
    """`PUT /certificates/{id}` and `PUT /certificates/{certificate_id}` are one operation."""
    return method.upper(), path_template(path)


@dataclass
class OperationPair:
    """One operation in base and in head: what the change rules read."""

    base: OperationFacts
    head: OperationFacts

    def critical_fields(self) -> Iterator[tuple[str, FieldFacts, FieldFacts | None]]:
        """(media type, base field, head field or None) for every field critical in base."""
        head = {(m.body.media_type, f.field.path): f for m, f in self.head.fields()}
        for media, field in self.base.fields():
            yield media.body.media_type, field, head.get((media.body.media_type,
                                                         field.field.path))

    def head_field(self, media_type: str, path: tuple[str, ...]) -> tuple[bool, Loc | None]:
        """Does head's body of this media type still have the field, and where is it?"""
        bundle = self.head.bundles.get(media_type)
        if bundle is None:
            return False, None
        node = locate(bundle, path)
        return node is not None, bundle.loc_of(node) if node is not None else None

    def head_body(self, media_type: str) -> Loc:
        for body in self.head.op.bodies:
            if body.media_type == media_type:
                return body.schema_loc
        return self.head.op.loc


def locate(bundle: Bundle, path: tuple[str, ...]) -> object | None:
    """The schema node of a field path in a bundled body (through $ref and compositions)."""
    nodes: list[object] = [bundle.schema]
    for step in path:
        found: list[object] = []
        for node in nodes:
            for part in closure(node, bundle.schema):
                if step == ITEMS:
                    if "items" in part:
                        found.append(part["items"])
                elif isinstance(part.get("properties"), dict) and step in part["properties"]:
                    found.append(part["properties"][step])
        if not found:
            return None
        nodes = found
    return nodes[0]


def finding_key(f: Finding) -> tuple:
    op = f.operation or {}
    method, path = op_key(op.get("method", ""), op.get("path", "")) if f.operation else ("", "")
    return (f.rule, method, path, f.media_type, f.field, "" if f.operation else f.message)


def compare(base: SpecReport, base_findings: list[Finding], head: SpecReport,
            head_findings: list[Finding], options: Options, show_all: bool) -> list[Finding]:
    """The change findings, then head's check findings that are new (or all, with show_all)."""
    base_ops = {op_key(o.op.method, o.op.path): o for o in base.operations}
    rules = [r for r in enabled_rules(options) if r.scope == "diff"]
    found: list[Finding] = []
    for facts in head.operations:
        before = base_ops.get(op_key(facts.op.method, facts.op.path))
        if before is None:
            continue
        pair = OperationPair(before, facts)
        for rule in rules:
            if rule.id in facts.op.ignore:
                continue
            found.extend(make_finding(rule, hit, options, facts.op) for hit in rule.check(pair)
                         if not ignored_by_field(rule, hit, facts))
    known = {finding_key(f) for f in base_findings}
    found += [f for f in head_findings if show_all or finding_key(f) not in known]
    found.sort(key=lambda f: f.sort_key)
    return found


def diff_specs(base_path: Path | None, head_path: Path, options: Options,
               show_all: bool = False, base_label: str | None = None) -> SpecResult:
    """Compare two root specs; base_path None means "the spec did not exist in base"."""
    head = analyse(head_path, options)
    head_result = result_of(head, options)
    if base_path is None:
        base, base_findings = SpecReport(base_label or "base"), []
    else:
        base = analyse(base_path, options)
        base_findings = result_of(base, options).findings
    errors = list(head.errors) + [_in_base(e, base_label) for e in base.errors]
    findings = compare(base, base_findings, head, head_result.findings, options, show_all)
    return SpecResult(head_result.path, findings, errors, head.warnings, head.matched_names,
                      head.real_files, head_result.operations)


def _in_base(error: PutlintError, label: str | None) -> PutlintError:
    return PutlintError(f"in base{f' ({label})' if label else ''}: {error.message}", error.place)


def run_diff(pairs: list[tuple[Path | None, Path, str | None]], options: Options,
             show_all: bool = False) -> RunReport:
    specs = [diff_specs(base, head, options, show_all, label) for base, head, label in pairs]
    findings = sorted((f for s in specs for f in s.findings), key=lambda f: f.sort_key)
    return RunReport(specs, findings, [e for s in specs for e in s.errors],
                     [w for s in specs for w in s.warnings], command="diff")


# -- base from git -----------------------------------------------------------------------------

def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise PutlintError("--base-ref needs git on the PATH", None) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PutlintError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}",
                           None)
    return done.stdout


def base_from_git(rev: str, path: Path, workdir: Path) -> tuple[Path | None, str]:
    """Export the folder of `path` at `rev` into `workdir`; the base spec's path in it (None
    when the spec did not exist at `rev`) and a label for messages."""
    path = path.resolve()
    top = Path(os.fsdecode(_git(["rev-parse", "--show-toplevel"], path.parent).strip()))
    try:
        folder = path.parent.relative_to(top.resolve())
    except ValueError:
        raise PutlintError(f"{path} is not inside the git work tree {top}", None) from None
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    label = f"{rev}:{(folder / path.name).as_posix()}"
    listed = _git(["ls-tree", "-r", "--name-only", rev, "--", folder.as_posix() or "."], top)
    if not listed.strip():
        return None, label
    archive = _git(["archive", "--format=tar", rev, "--", folder.as_posix() or "."], top)
    refused = _extract(archive, workdir)
    name = (folder / path.name).as_posix()
    if name in refused:
        raise PutlintError(f"{label}: {refused[name]}; the base version is not read", None)
    base = workdir / folder / path.name
    return (base if base.is_file() else None), label


def _extract(archive: bytes, workdir: Path) -> dict[str, str]:
    """Unpack a `git archive` into workdir, leaving out every member that would land or point
    outside it (an absolute symlink, a link through `..`); the names left out, with why."""
    refused: dict[str, str] = {}

    def keep(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
        if data_filter is None:  # Python without extraction filters: no links at all
            if member.issym() or member.islnk() or not (member.isfile() or member.isdir()):
                refused[member.name] = "a link, which this Python cannot unpack safely"
                return None
            if member.name.startswith("/") or ".." in member.name.split("/"):
                refused[member.name] = "a path leading out of the folder"
                return None
            return member
        try:
            return data_filter(member, dest)  # type: ignore[no-any-return]
        except tarfile.FilterError as exc:
            refused[member.name] = f"a link or path leading out of the folder ({exc})"
            return None

    data_filter = getattr(tarfile, "data_filter", None)
    try:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            if data_filter is not None:
                tar.extractall(workdir, filter=keep)
            else:
                tar.extractall(workdir, members=[m for m in tar if keep(m, str(workdir))])
    except (tarfile.TarError, OSError) as exc:
        raise PutlintError(f"cannot unpack the base version: {exc}", None) from None
    return refused


def git_pairs(rev: str, paths: list[Path],
              workdir: str) -> list[tuple[Path | None, Path, str | None]]:
    pairs: list[tuple[Path | None, Path, str | None]] = []
    for i, path in enumerate(paths):
        target = Path(workdir) / str(i)
        target.mkdir()
        base, label = base_from_git(rev, path, target)
        pairs.append((base, path, label))
    return pairs
