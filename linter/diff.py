"""`putlint diff`: the changes between two versions of a spec that make omission destructive.

Both versions are analysed as `check` analyses them. Operations are paired by method and path
template (path-parameter names ignored), critical fields by media type and field path; the
change rules (PUT201-PUT206) read each pair. On top, every `check` finding of head that base
does not have - keyed as baselines key findings, by rule, operation, media type and field - is
reported, so an old unfixed finding never blocks an unrelated change and a new one always does.

A critical name of the config that marked fields in base and matches nothing in head is PUT007
as in `check`, unless head removed every operation it marked: deleting an endpoint is the pull
request's intent and makes nothing more destructive, so the stale entry is then a warning that
names the removed operations (`base_names`). Names are resolved in each version on its own,
pointers into `paths` with parameter names ignored (critical.targets), as operations are paired.

`--base-ref REV` reads base from git: the `$ref` root of each spec (the folder its `$ref`s may
reach: `--root`, else the work tree's top) is exported at REV into a temporary directory.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

from linter.config import Options
from linter.engine import report_of, result_of
from linter.errors import PutlintError
from linter.facts import LeftScope, OperationPair
from linter.findings import Finding, RunReport, SpecResult
from linter.load import SpecReport, analyse
from linter.model import path_items, path_template
from linter.runner import Runner


def op_key(method: str, path: str) -> tuple[str, str]:
    """`PUT /certificates/{id}` and `PUT /certificates/{certificate_id}` are one operation."""
    return method.upper(), path_template(path)


def finding_key(f: Finding) -> tuple:
    op = f.operation or {}
    method, path = op_key(op.get("method", ""), op.get("path", "")) if f.operation else ("", "")
    return (f.rule, method, path, f.media_type, f.field, "" if f.operation else f.message)


def compare(base: SpecReport, base_findings: list[Finding], head: SpecReport,
            head_findings: list[Finding], options: Options, show_all: bool) -> list[Finding]:
    """The change findings, then head's check findings that are new (or all, with show_all)."""
    base_ops = {op_key(o.op.method, o.op.path): o for o in base.operations}
    pairs = [OperationPair(base_ops[key], facts) for facts in head.operations
             if (key := op_key(facts.op.method, facts.op.path)) in base_ops]
    runner = Runner(options)
    found = runner.findings_of(pairs)
    found += runner.findings_of(left_scope(base, head))
    known = {finding_key(f) for f in base_findings}
    found += [f for f in head_findings if show_all or finding_key(f) not in known]
    found.sort(key=lambda f: f.sort_key)
    return found


def left_scope(base: SpecReport, head: SpecReport) -> list[LeftScope]:
    """Base operations with critical fields that head still has a path for but no longer
    checks: taken out with `x-upsert: false`, or turned into another method."""
    in_head = {op_key(o.op.method, o.op.path) for o in head.operations}
    ws = head.workspace
    if ws is None:
        return []
    # `paths` and `x-ms-paths`, `$ref` siblings merged, as the analysis read them
    by_template = {path_template(item.path): item for item in path_items(ws)}
    out = []
    for facts in base.operations:
        key = op_key(facts.op.method, facts.op.path)
        if key in in_head or not any(True for _ in facts.fields()):
            continue
        item = by_template.get(key[1])
        if item is None:  # the endpoint is gone: nothing is left to omit a field from
            continue
        method = facts.op.method
        if method in item.methods:
            try:
                node, _ = ws.deref(*item.operations[method])
            except PutlintError:
                continue
            why = "x-upsert: false" if isinstance(node, dict) and \
                node.get("x-upsert") is False else "it is out of scope"
            out.append(LeftScope(facts, why, item.operations[method][1]))
        else:
            others = sorted(m.upper() for m in item.methods)
            if others:
                out.append(LeftScope(facts, f"the path now has {', '.join(others)} but no "
                                            f"{method.upper()}", item.loc))
    return out


BaseNames = dict[str, tuple[tuple[str, ...], bool]]  # RunFacts.of's `base`


def base_names(base: SpecReport, head: SpecReport) -> BaseNames:
    """For each critical name that marked a field in base: the operations it marked, and
    whether head removed every one of them (no operation of head pairs with any)."""
    in_head = {op_key(o.op.method, o.op.path) for o in head.operations}
    out: BaseNames = {}
    for name, ops in base.marked_operations.items():
        labels = tuple(dict.fromkeys(op.label for op in ops))
        out[name] = (labels, all(op_key(op.method, op.path) not in in_head for op in ops))
    return out


def _merged(many: list[BaseNames]) -> BaseNames:
    """One run's view over its pairs: a name is removed when it is in every pair that had it."""
    out: BaseNames = {}
    for names in many:
        for name, (labels, removed) in names.items():
            had, was_removed = out.get(name, ((), True))
            out[name] = (tuple(dict.fromkeys(had + labels)), was_removed and removed)
    return out


def diff_specs(base_path: Path | None, head_path: Path, options: Options,
               show_all: bool = False, base_label: str | None = None,
               base_root: Path | None = None) -> SpecResult:
    """Compare two root specs; base_path None means "the spec did not exist in base".

    ``base_root`` is the folder base's `$ref`s may reach when base was exported from git
    (the copy of head's root); two files given by hand each have their own root."""
    return _diff_pair(base_path, head_path, options, show_all, base_label, base_root)[0]


def _diff_pair(base_path: Path | None, head_path: Path, options: Options,
               show_all: bool = False, base_label: str | None = None,
               base_root: Path | None = None) -> tuple[SpecResult, BaseNames]:
    head = analyse(head_path, options)
    head_result = result_of(head, options)
    if base_path is None:
        base, base_findings = SpecReport(base_label or "base"), []
    else:
        base = analyse(base_path, options, base_root)
        base_findings = result_of(base, options).findings
    errors = list(head.errors) + [_in_base(e, base_label) for e in base.errors]
    findings = compare(base, base_findings, head, head_result.findings, options, show_all)
    return SpecResult(head_result.path, findings, errors, head.warnings, head.reached_names,
                      head.real_files, head_result.operations,
                      critical_fields=head.critical_fields,
                      named_properties=head.named_properties, candidates=head.candidates,
                      operation_ids=head.operation_ids, declined_names=head.declined_names
                      ), base_names(base, head)


def _in_base(error: PutlintError, label: str | None) -> PutlintError:
    return PutlintError(f"in base{f' ({label})' if label else ''}: {error.message}", error.place)


Pair = tuple  # (base or None, head, label or None[, base's $ref root])


def run_diff(pairs: list[Pair], options: Options, show_all: bool = False) -> RunReport:
    done = [_diff_pair(base, head, options, show_all, label, *rest)
            for base, head, label, *rest in pairs]
    return report_of([spec for spec, _ in done], options, command="diff",
                     base=_merged([names for _, names in done]))


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


def base_from_git(rev: str, path: Path, workdir: Path,
                  root: Path | None = None) -> tuple[Path | None, str, Path]:
    """Export the `$ref` root of `path` (its folder, or ``root`` when that is inside the work
    tree) at `rev` into `workdir`; the base spec's path in it (None when the spec did not
    exist at `rev`), a label for messages, and the exported root."""
    path = path.resolve()
    top = Path(os.fsdecode(_git(["rev-parse", "--show-toplevel"], path.parent).strip())).resolve()
    try:
        folder = path.parent.relative_to(top)
    except ValueError:
        raise PutlintError(f"{path} is not inside the git work tree {top}", None) from None
    root = Path(os.path.realpath(root)) if root is not None else path.parent
    try:
        export = root.relative_to(top)
    except ValueError:  # a root outside the work tree: export the spec's folder alone
        export = folder
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    label = f"{rev}:{(folder / path.name).as_posix()}"
    listed = _git(["ls-tree", "-r", "--name-only", rev, "--", folder.as_posix() or "."], top)
    if not listed.strip():
        return None, label, workdir / export
    archive = _git(["archive", "--format=tar", rev, "--", export.as_posix() or "."], top)
    refused = _extract(archive, workdir)
    name = (folder / path.name).as_posix()
    if name in refused:
        raise PutlintError(f"{label}: {refused[name]}; the base version is not read", None)
    base = workdir / folder / path.name
    return (base if base.is_file() else None), label, workdir / export


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


def git_pairs(rev: str, paths: list[Path], workdir: str,
              options: Options | None = None) -> list[Pair]:
    """Each path with its base exported from git, and the root base's `$ref`s may reach:
    the copy of the root head's `$ref`s may reach."""
    from linter.load import ref_root

    pairs: list[Pair] = []
    for i, path in enumerate(paths):
        target = Path(workdir) / str(i)
        target.mkdir()
        root = ref_root(path, options or Options())
        base, label, base_root = base_from_git(rev, path, target, root)
        pairs.append((base, path, label, base_root))
    return pairs
