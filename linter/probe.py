"""`putlint probe`: what does an omission really do on a running API?

For each in-scope operation with critical fields, each critical field and each omission form
(absent, null, empty - whether the contract admits it or not), probe proves a place empty,
creates a resource of its own there with a minimal full body, sends the omission, reads the
resource back, restores the full body and, at the end, deletes what it created (`linter.live`
says how). The observed outcome is compared with the contract's `on-omit` by the probe rules
(PUT301-PUT304).

Without `allow_writes` nothing is sent: the plan (every request, with its body) is the report.
A run that observed no case at all says why (`ProbeRun.unobserved`): the command exits 2.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from linter.behaviour import compare, read_record, write_record
from linter.cases import MediaCases, OmissionCase, OperationCases, load_spec
from linter.config import Options
from linter.errors import PutlintError
from linter.facts import FieldFacts, ProbeFacts, RunFacts
from linter.findings import FieldRow, Finding, OperationRow, RunReport, SpecResult
from linter.live import (
    BudgetExceeded,
    Exchange,
    Ledger,
    Observation,
    Outcome,
    Runner,
    Session,
    SetUpFailed,
    expand,
    fixed_value,
    has_free_parameter,
)
from linter.redact import Redactor, url_secrets
from linter.runner import Runner as RuleRunner
from linter.search import Form
from linter.transport import guarded_client, is_loopback_host


@dataclass
class ProbeSettings:
    base_url: str
    operations: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    allow_writes: bool = False
    allow_remote: bool = False
    max_requests: int = 500
    timeout: float = 10.0
    allow_existing: bool = False
    record: Path | None = None  # write what each case did here (linter.behaviour)
    expect: Path | None = None  # hold the run to this record: PUT306 for every change
    bodies: dict[str, Any] = field(default_factory=dict)  # set-up bodies by operation

    def redactor(self) -> Redactor:
        return Redactor.for_probe(self.headers, self.base_url)


@dataclass
class ProbeRun:
    """What `run_probe_full` found: the report, the plan, what the run wrote and cleaned up,
    and, when no case could be observed at all, why."""

    report: RunReport
    plan: list[str]
    ledger: Ledger
    unobserved: str | None = None


class ProbeInterrupted(Exception):
    """Ctrl-C or SIGTERM: the run stopped, after cleaning up what it could."""

    def __init__(self, ledger: Ledger) -> None:
        super().__init__(ledger.summary())
        self.ledger = ledger


def check_base_url(url: str, allow_remote: bool) -> None:
    """Refuse anything but http(s) to loopback, unless remote hosts are allowed explicitly."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise PutlintError("--base-url must be an http:// or https:// URL, not "
                           f"'{_without_userinfo(Redactor(url_secrets(url)).text(url))}'", None)
    if allow_remote:
        return
    host = parts.hostname
    if not is_loopback_host(host):  # decided on the text alone: no name is looked up
        # `http://token#x@host`: the parser takes the credential for the host; any `@` it did
        # not read as the end of the credentials means the "host" may be one
        shown = host if "@" not in url or "@" in parts.netloc else \
            "the host of --base-url (the URL has an '@' outside its credentials)"
        raise PutlintError(
            f"refusing to probe {shown}: probe writes to the API it tests, so it only talks to "
            "loopback (localhost, *.localhost, 127.0.0.0/8, ::1) unless --allow-remote says "
            "this host is a test environment", None)


_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# Everything up to the last `@`: in a URL too malformed to parse (a password with a bare `#`,
# `/` or `?`), no parser finds where the password ends, so all of it is masked.
_USERINFO = re.compile(r"^((?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?.*@", re.DOTALL)


def _without_userinfo(url: str) -> str:
    return _USERINFO.sub(lambda m: f"{m.group(1) or ''}***@", url)


def parse_headers(values: Iterable[str]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, sep, content = value.partition(":")
        name = name.strip()
        if not sep or not _TOKEN.match(name) or any(c in content for c in "\r\n\0"):
            raise PutlintError("--header takes 'Name: value' on one line (the value is never "
                               "printed)", None)
        if not content.isascii():
            raise PutlintError(f"--header {name}: HTTP header values are ASCII (the value is "
                               "never printed)", None)
        headers[name] = content.strip()
    return headers


@dataclass
class PlannedCase:
    op: OperationCases
    media: MediaCases
    field: FieldFacts
    case: OmissionCase


def plan(spec_path: Path, options: Options, wanted: list[str],
         bodies: dict[str, Any] | None = None) -> tuple[Any, list[PlannedCase]]:
    """Every case probe would run: a minimal full body per operation, one variant per form."""
    spec = load_spec(spec_path, options=options)
    ops = [op for op in spec.operations if not wanted or any(op.matches(w) for w in wanted)]
    if wanted and not ops:
        raise PutlintError(f"no in-scope operation with critical fields matches "
                           f"{', '.join(wanted)}", None)
    unknown = [key for key in bodies or {} if not any(op.matches(key) for op in spec.operations)]
    if unknown:
        raise PutlintError(f"a set-up body is given for {unknown[0]}, which names no in-scope "
                           "operation with critical fields (an operationId or 'PUT /path' as "
                           "the spec writes it)", None)
    return spec, [case for op in ops for case in operation_cases(op, bodies or {})]


def operation_cases(op: OperationCases, bodies: dict[str, Any]) -> list[PlannedCase]:
    """The cases of one operation: each critical field absent, null, empty (where the form
    applies) and shrunk (a collection of two members sent with one), from one full body."""
    media = op.default_media()
    full = given_body(op, media, bodies)
    if full is None:
        full = example_body(media)
    if full is None:
        full = minimal_full_body(media)
    cases = []
    for facts in media.fields:
        for form in Form:
            case = op.case_of(media, facts, form, full)
            if case is not None:  # None: the form does not apply, e.g. "empty" for a string
                cases.append(PlannedCase(op, media, facts, case))
        shrink = op.shrink_case(media, facts, full)
        if shrink is not None:
            cases.append(PlannedCase(op, media, facts, shrink))
    return cases


def load_bodies(files: dict[str, str]) -> dict[str, Any]:
    """Set-up bodies by operation, each read from a JSON or YAML file (`--body OP=FILE`,
    config `probe.bodies`)."""
    from linter.reading import parse
    from linter.refs import display_name

    bodies = {}
    for op, name in files.items():
        path = Path(name)
        if not path.is_file():
            raise PutlintError(f"--body {op}: no such file {name}", None)
        doc = parse(path, display_name(path))
        if not isinstance(doc.data, (dict, list)):
            raise PutlintError(f"the body for {op} must be a JSON or YAML object",
                               doc.place(()))
        bodies[op] = doc.data
    return bodies


def parse_bodies(values: Iterable[str]) -> dict[str, str]:
    """`--body OPERATION=FILE` (repeatable): the operation's set-up body comes from FILE."""
    out = {}
    for value in values:
        op, sep, name = value.rpartition("=")
        if not sep or not op.strip() or not name:
            raise PutlintError(f"--body takes OPERATION=FILE (operationId or 'PUT /path'), "
                               f"not {value!r}", None)
        out[op.strip()] = name
    return out


def given_body(op: OperationCases, media: MediaCases, bodies: dict[str, Any]) -> Any:
    """The set-up body the user gave for this operation (`--body`, config `probe.bodies`),
    or None. Every critical collection in it must hold something: an empty one proves
    nothing."""
    for key, body in bodies.items():
        if not op.matches(key):
            continue
        from linter.bodies import value_at

        for facts in media.fields:
            found, value = value_at(body, facts.field.path)
            if found and value in (None, [], {}, ""):
                raise PutlintError(f"the body given for {key} has an empty {facts.path}: a "
                                   "critical field must hold something for probe to see "
                                   "whether an omission loses it", None)
        return body
    return None


def example_body(media: MediaCases) -> Any:
    """The media type's own example, when it is a valid body holding every critical field
    with content (two members in each critical collection preferred, for the shrink cases)."""
    from linter.bodies import value_at

    def full(body: Any, members: int) -> bool:
        for facts in media.fields:
            found, value = value_at(body, facts.field.path)
            if not found or value in (None, "", [], {}) or (
                    isinstance(value, (list, dict)) and len(value) < members):
                return False
        return media.is_valid(body)

    for members in (2, 1):
        chosen = next((e for e in media.examples if full(e, members)), None)
        if chosen is not None:
            return chosen
    return None


def minimal_full_body(media: MediaCases) -> Any:
    """The smallest valid full body hypothesis finds (derandomized: the same every run): one
    whose critical collections hold two members, for the shrink cases, when the schema
    allows that; else one member."""
    return _minimal(media, 2) if media.fields else None


def _minimal(media: MediaCases, members: int) -> Any:
    body = _find(media, members)
    if body is None and members > 1:
        return _find(media, 1)
    return body


def _find(media: MediaCases, members: int) -> Any:
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample, Unsatisfiable

    try:
        return find(media.full_bodies(members), lambda _: True, settings=settings(
            database=None, derandomize=True, max_examples=200,
            phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck)))
    except (NoSuchExample, Unsatisfiable):
        return None


def plan_lines(cases: list[PlannedCase], allow_existing: bool = False) -> list[str]:
    """The requests probe would send, per operation, with bodies (placeholders for new ids)."""
    import json

    lines = []
    seen: set[str] = set()
    skipped: set[str] = set()
    for planned in cases:
        op, case = planned.op, planned.case
        if op.label in skipped:
            continue
        params = {name: fixed_value(s) or f"<new {name}>" for name, s in op.path_params.items()}
        url = expand(op.path, params).replace("%3C", "<").replace("%3E", ">").replace("%20", " ")
        if op.label not in seen:
            seen.add(op.label)
            lines.append(op.label)
            refusal = _refusal(op, allow_existing)
            if refusal:
                skipped.add(op.label)
                lines.append(f"  skipped:  {refusal}; nothing is sent")
                continue
            body = json.dumps(case.full, sort_keys=True) if case.full is not None else \
                "(no valid full body could be generated: the operation is skipped)"
            lines += [f"  prove:    GET {url} answers 404 or 410 (else no write: "
                      + ("--allow-existing writes to it, and puts it back)"
                         if allow_existing else "the case is inconclusive)"),
                      f"  set up:   {op.method} {url} {body}"]
            if op.facts.op.create_path:
                collection = expand(op.facts.op.create_path, params)
                lines.append(f"            (on 404/405: POST {collection} {body}, then the "
                             "item its Location or id names)")
            lines.append(f"  read:     GET {url}")
        if case.variant is not None:
            lines.append(f"  {case.kind:<8}  {op.method} {url} "
                         f"{json.dumps(case.variant, sort_keys=True)}  then GET, then restore")
    if seen - skipped:
        lines.append("  clean up: DELETE what this run created; never what existed before")
    return lines


def _refusal(op: OperationCases, allow_existing: bool) -> str | None:
    """Why an operation gets no request at all, known before sending anything."""
    if "?" in op.path:  # an `x-ms-paths` key: which GET reads it back is not known
        return ("the path carries a query string (an x-ms-paths key): probe does not test "
                "such operations")
    if "get" not in op.siblings:
        return "the path has no GET: probe could neither prove the resource new nor read it back"
    if not allow_existing and not has_free_parameter(op.path, op.path_params):
        return ("a path without parameters (or only fixed ones): what lives there is not probe's "
                "(--allow-existing lets it write here)")
    return None


Progress = Callable[[str], None]


def run_probe(spec_path: Path, options: Options, settings: ProbeSettings,
              progress: Progress | None = None) -> tuple[RunReport, list[str]]:
    """Probe one spec. Returns the report and the plan (what was, or would be, sent)."""
    run = run_probe_full(spec_path, options, settings, progress)
    return run.report, run.plan


def run_probe_full(spec_path: Path, options: Options, settings: ProbeSettings,
                   progress: Progress | None = None) -> ProbeRun:
    """Probe one spec: the report, the plan, the ledger of what was written. Ctrl-C and
    SIGTERM clean up, then raise ProbeInterrupted, which says what was cleaned up."""
    check_base_url(settings.base_url, settings.allow_remote)
    ledger = Ledger()
    try:
        with _sigterm_as_interrupt():
            expected = read_record(settings.expect) if settings.expect else None
            spec, cases = plan(spec_path, options, settings.operations, settings.bodies)
            observations: list[tuple[PlannedCase, Observation]] = []
            if settings.allow_writes:
                client = guarded_client(settings.base_url, settings.headers, settings.timeout,
                                        loopback_only=not settings.allow_remote)
                session = Session(client, max_requests=settings.max_requests,
                                  timeout=settings.timeout, redactor=settings.redactor())
                ledger = session.ledger
                try:
                    observations = execute(session, cases, progress,
                                            settings.allow_existing)
                finally:
                    client.close()
            # in the order of the plan: absent, null, empty
            observed = [ProbeFacts(p.op, p.field, o) for p, o in observations]
            findings = RuleRunner(options).findings_of(observed)
            if expected is not None and settings.allow_writes:
                findings += RuleRunner(options).findings_of(
                    compare(observed, expected, settings.expect or Path()))
            if settings.record is not None and settings.allow_writes:
                write_record(settings.record, observed)
    except KeyboardInterrupt:
        raise ProbeInterrupted(ledger) from None
    analysis = spec.analysis
    result = SpecResult(spec.path, findings, [], list(analysis.warnings),
                        analysis.reached_names, [spec.path],
                        _rows(cases, observations, findings),
                        critical_fields=analysis.critical_fields,
                        named_properties=analysis.named_properties,
                        candidates=analysis.candidates,
                        operation_ids=analysis.operation_ids)
    # PUT007: a critical name that reached nothing here probes nothing either
    findings += RuleRunner(options).findings(RunFacts.of(
        options.critical, [result], options.upsert_operations,
        options.origin("upsert-operations")))
    report = RunReport([result], findings, [], result.warnings, command="probe")
    unobserved = _unobserved(observations) if settings.allow_writes else None
    return ProbeRun(report, plan_lines(cases, settings.allow_existing), ledger, unobserved)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (how CI cancels a job) stops the run as Ctrl-C does: clean-up first."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _unobserved(observations: list[tuple[PlannedCase, Observation]]) -> str | None:
    """Why no case was observed, when none was; None when at least one was."""
    if not observations:
        return "nothing to probe: no in-scope operation has a critical field to omit"
    if any(o.outcome is not Outcome.INCONCLUSIVE for _, o in observations):
        return None
    counts: dict[str, int] = {}
    for _, observation in observations:
        reason = observation.reason if len(observation.reason) <= 400 else \
            observation.reason[:397] + "..."
        counts[reason] = counts.get(reason, 0) + 1
    top = sorted(counts.items(), key=lambda item: -item[1])[:3]
    more = f"; and {len(counts) - 3} other reasons" if len(counts) > 3 else ""
    return (f"probe observed no case: all {len(observations)} were inconclusive: "
            + "; ".join(f"{reason} ({n}x)" for reason, n in top) + more)


def _rows(cases: list[PlannedCase], observations: list[tuple[PlannedCase, Observation]],
          findings: list[Finding]) -> list[OperationRow]:
    """One row per probed operation and field, with what each omission form did."""
    outcomes: dict[tuple[str, str], list[str]] = {}
    for planned, observation in observations:
        outcomes.setdefault((planned.op.label, planned.field.path), []).append(
            f"{planned.case.kind}: {observation.outcome.value}")
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


def execute(session: Session, cases: list[PlannedCase], progress: Progress | None,
             allow_existing: bool = False) -> list[tuple[PlannedCase, Observation]]:
    out: list[tuple[PlannedCase, Observation]] = []
    by_op: dict[str, list[PlannedCase]] = {}
    for planned in cases:
        by_op.setdefault(planned.op.label, []).append(planned)
    budget_spent = False

    def inconclusive(group: list[PlannedCase], reason: str,
                     exchanges: list[Exchange] | None = None) -> None:
        for exchange in exchanges or []:
            exchange.data = None
        out.extend((p, Observation(p.case, Outcome.INCONCLUSIVE, session.scrub(reason),
                                   list(exchanges or []))) for p in group)

    for group in by_op.values():
        op, full = group[0].op, group[0].case.full
        refusal = _refusal(op, allow_existing)
        if budget_spent or full is None or refusal:
            inconclusive(group, "--max-requests reached" if budget_spent else refusal or
                         "no valid full body could be generated for the set-up")
            continue
        runner = Runner(session, op, allow_existing)
        done = 0
        try:
            with runner.resource(full, group[0].media.media_type) as resource:
                for planned in group:
                    if progress:
                        progress(session.scrub(planned.case.describe()))
                    observation = runner.observe(resource, planned.case)
                    out.append((planned, observation))
                    done += 1
                    if observation.outcome is not Outcome.REJECTED:
                        runner.restore(resource)
        except SetUpFailed as exc:
            inconclusive(group[done:], exc.reason, exc.exchanges)
        except BudgetExceeded as exc:
            budget_spent = True
            inconclusive(group[done:], str(exc))
    return out

