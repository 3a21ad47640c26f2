"""`putlint probe`: what does an omission really do on a running API?

For each in-scope operation with critical fields, each critical field and each omission form
(absent, null, empty - whether the contract admits it or not), probe creates a resource of its
own with a minimal full body, sends the omission, reads the resource back, restores the full
body and, at the end, deletes what it created. The observed outcome is compared with the
contract's `on-omit` by the probe rules (PUT301-PUT304).

Without `allow_writes` nothing is sent: the plan (every request, with its body) is the report.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from linter.cases import MediaCases, OmissionCase, OperationCases, load_spec
from linter.config import Options
from linter.errors import PutlintError
from linter.facts import FieldFacts, ProbeFacts, RunFacts
from linter.findings import FieldRow, Finding, OperationRow, RunReport, SpecResult
from linter.live import (
    BudgetExceeded,
    Observation,
    Outcome,
    Runner,
    Session,
    SetUpFailed,
    client_for,
    expand,
)
from linter.runner import Runner as RuleRunner
from linter.search import Form


@dataclass
class ProbeSettings:
    base_url: str
    operations: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    allow_writes: bool = False
    allow_remote: bool = False
    max_requests: int = 500
    timeout: float = 10.0


def check_base_url(url: str, allow_remote: bool) -> None:
    """Refuse anything but http(s) to loopback, unless remote hosts are allowed explicitly."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PutlintError(f"--base-url must be an http:// or https:// URL, not '{url}'", None)
    if allow_remote:
        return
    host = parts.hostname
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    if not loopback:
        raise PutlintError(
            f"refusing to probe {host}: probe writes to the API it tests, so it only talks to "
            "loopback (localhost, 127.0.0.1, ::1) unless --allow-remote says this host is a "
            "test environment", None)


def parse_headers(values: Iterable[str]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise PutlintError("--header takes 'Name: value' (the value is never printed)", None)
        headers[name.strip()] = content.strip()
    return headers


@dataclass
class PlannedCase:
    op: OperationCases
    media: MediaCases
    field: FieldFacts
    case: OmissionCase


def plan(spec_path: Path, options: Options, wanted: list[str]) -> tuple[Any, list[PlannedCase]]:
    """Every case probe would run: a minimal full body per operation, one variant per form."""
    spec = load_spec(spec_path, options=options)
    ops = [op for op in spec.operations if not wanted or any(op.matches(w) for w in wanted)]
    if wanted and not ops:
        raise PutlintError(f"no in-scope operation with critical fields matches "
                           f"{', '.join(wanted)}", None)
    cases = []
    for op in ops:
        media = op.default_media()
        full = minimal_full_body(media)
        for facts in media.fields:
            for form in Form:
                case = op.case_of(media, facts, form, full)
                if case is not None:  # None: the form does not apply, e.g. "empty" for a string
                    cases.append(PlannedCase(op, media, facts, case))
    return spec, cases


def minimal_full_body(media: MediaCases) -> Any:
    """The smallest valid full body hypothesis finds (derandomized: the same every run)."""
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample, Unsatisfiable

    try:
        return find(media.full_bodies(), lambda _: True, settings=settings(
            database=None, derandomize=True, max_examples=200,
            phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck)))
    except (NoSuchExample, Unsatisfiable):
        return None


def plan_lines(cases: list[PlannedCase]) -> list[str]:
    """The requests probe would send, per operation, with bodies (placeholders for new ids)."""
    import json

    lines = []
    seen: set[str] = set()
    for planned in cases:
        op, case = planned.op, planned.case
        params = {name: f"<new {name}>" for name in op.path_params}
        url = expand(op.path, params).replace("%3C", "<").replace("%3E", ">").replace("%20", " ")
        if op.label not in seen:
            seen.add(op.label)
            body = json.dumps(case.full, sort_keys=True) if case.full is not None else \
                "(no valid full body could be generated: the operation is skipped)"
            lines += [f"{op.label}", f"  set up:   {op.method} {url} {body}",
                      f"  read:     GET {url}"]
        if case.variant is not None:
            lines.append(f"  {case.form.value:<8}  {op.method} {url} "
                         f"{json.dumps(case.variant, sort_keys=True)}  then GET, then restore")
    if seen:
        lines.append("  clean up: DELETE every resource created")
    return lines


Progress = Callable[[str], None]


def run_probe(spec_path: Path, options: Options, settings: ProbeSettings,
              progress: Progress | None = None) -> tuple[RunReport, list[str]]:
    """Probe one spec. Returns the report and the plan (what was, or would be, sent)."""
    check_base_url(settings.base_url, settings.allow_remote)
    spec, cases = plan(spec_path, options, settings.operations)
    lines = plan_lines(cases)
    observations: list[tuple[PlannedCase, Observation]] = []
    if settings.allow_writes:
        client = client_for(settings.base_url, settings.headers, settings.timeout)
        session = Session(client, settings.headers.values(), settings.max_requests)
        try:
            observations = _execute(session, cases, progress)
        finally:
            client.close()
    findings = _findings(observations, options)  # in the order of the plan: absent, null, empty
    analysis = spec.analysis
    result = SpecResult(spec.path, findings, [], list(analysis.warnings),
                        analysis.reached_names, [spec.path],
                        _rows(cases, observations, findings),
                        critical_fields=analysis.critical_fields,
                        named_properties=analysis.named_properties,
                        candidates=analysis.candidates)
    # PUT007: a critical name that reached nothing here probes nothing either
    findings += RuleRunner(options).findings(RunFacts.of(options.critical, [result]))
    return RunReport([result], findings, [], result.warnings, command="probe"), lines


def _rows(cases: list[PlannedCase], observations: list[tuple[PlannedCase, Observation]],
          findings: list[Finding]) -> list[OperationRow]:
    """One row per probed operation and field, with what each omission form did."""
    outcomes: dict[tuple[str, str], list[str]] = {}
    for planned, observation in observations:
        outcomes.setdefault((planned.op.label, planned.field.path), []).append(
            f"{planned.case.form.value}: {observation.outcome.value}")
    flagged = {(f"{f.operation['method']} {f.operation['path']}", f.field)
               for f in findings if f.operation}
    out = []
    for planned in {p.op.label: p for p in cases}.values():  # the first case of each operation
        op, media = planned.op, planned.media
        place = op.facts.op.loc.place()
        rows = []
        for facts in media.fields:
            seen = outcomes.get((op.label, facts.path))
            rows.append(FieldRow(media.media_type, facts.path, facts.mark.on_omit, (),
                                 place.file, place.line,
                                 observed=", ".join(seen) if seen else "not sent (dry run)",
                                 ok=(op.label, facts.path) not in flagged if seen else None))
        out.append(OperationRow(op.method.lower(), op.path, op.operation_id, place.file,
                                place.line, tuple(rows)))
    return out


def _execute(session: Session, cases: list[PlannedCase],
             progress: Progress | None) -> list[tuple[PlannedCase, Observation]]:
    out: list[tuple[PlannedCase, Observation]] = []
    by_op: dict[str, list[PlannedCase]] = {}
    for planned in cases:
        by_op.setdefault(planned.op.label, []).append(planned)
    budget_spent = False
    for group in by_op.values():
        op, full = group[0].op, group[0].case.full
        if budget_spent or full is None:
            reason = "--max-requests reached" if budget_spent else \
                "no valid full body could be generated for the set-up"
            out += [(p, Observation(p.case, Outcome.INCONCLUSIVE, reason)) for p in group]
            continue
        runner = Runner(session, op)
        done = 0
        try:
            with runner.resource(full, group[0].media.media_type) as resource:
                for planned in group:
                    if progress:
                        progress(planned.case.describe())
                    observation = runner.observe(resource, planned.case)
                    out.append((planned, observation))
                    done += 1
                    if observation.outcome is not Outcome.REJECTED:
                        runner.restore(resource)
        except SetUpFailed as exc:
            out += [(p, Observation(p.case, Outcome.INCONCLUSIVE, exc.reason, exc.exchanges))
                    for p in group[done:]]
        except BudgetExceeded as exc:
            budget_spent = True
            out += [(p, Observation(p.case, Outcome.INCONCLUSIVE, str(exc)))
                    for p in group[done:]]
    return out


def _findings(observations: list[tuple[PlannedCase, Observation]],
              options: Options) -> list[Finding]:
    return RuleRunner(options).findings_of(
        ProbeFacts(planned.op, planned.field, observation) for planned, observation in observations)
