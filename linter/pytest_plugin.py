"""putlint's pytest plugin (entry point `pytest11`): omission cases against your own service.

Mark a test module (or test) with the spec, ask for the `putlint_operation` fixture, and call
`check` with your app or a base URL::

    pytestmark = pytest.mark.putlint(spec="openapi.yaml")

    def test_omissions(putlint_operation):
        putlint_operation.check(app)      # a WSGI or ASGI app, a base URL or an httpx.Client

The test runs once per in-scope operation with critical fields. For each generated case
(hypothesis: shrinking, the example database and `--hypothesis-seed` work as usual) it creates
a fresh resource with a full body, sends the omission, reads the resource back with the GET of
the same path and deletes it. It judges each case with the rules `putlint probe` uses: it fails
on PUT301 (the omission purged the stored value), PUT302 (the contract says reject, the server
accepted) and PUT303 (the contract says preserve, the server rejected: a warning, so only with
`fail_on="warning"`), and when the outcome cannot be observed (PUT304), with the exact request
sequence.

Recorded behaviour (as `putlint probe --record/--expect`): with ``--putlint-record FILE`` (or
the ini setting ``putlint_record``) each operation's test also runs probe's fixed cases (the
same minimal body every run: absent, null, empty, shrink) and the session writes what each did
to FILE; with ``--putlint-expect FILE`` (``putlint_expect``) the test fails with PUT306 when a
case now does something else than FILE says, or is new or gone for that operation.

This module is imported by every pytest run where putlint is installed, so it imports nothing
heavy until a test asks for it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from linter.cases import OperationCases
    from linter.live import Observation

MARKER = ("putlint(spec, *, critical=(), operations=None, forms='all', max_examples=25, "
          "fail_on='error'): generate omission cases for the in-scope operations of an "
          "OpenAPI spec")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("putlint")
    group.addoption("--putlint-record", default=None, metavar="FILE",
                    help="write what each putlint case did to FILE (a behaviour record)")
    group.addoption("--putlint-expect", default=None, metavar="FILE",
                    help="fail (PUT306) where a putlint case does something else than the "
                    "behaviour record FILE says")
    parser.addini("putlint_record", "putlint behaviour record to write (relative to rootdir)")
    parser.addini("putlint_expect", "putlint behaviour record to hold the run to")


class Behaviour:
    """The session's record and expectation: where to write, and what was seen."""

    def __init__(self, record: Path | None, expect: Path | None) -> None:
        self.record = record
        self.expect = expect
        self.observed: list[Any] = []  # ProbeFacts, of every operation
        self.ran: set[str] = set()  # the operations whose tests ran their fixed cases
        self._expected: dict[str, Any] | None = None

    @property
    def wanted(self) -> bool:
        return self.record is not None or self.expect is not None

    def expected(self) -> dict[str, Any]:
        from linter.behaviour import read_record

        if self._expected is None:
            self._expected = read_record(self.expect) if self.expect else {}
        return self._expected


BEHAVIOUR = pytest.StashKey[Behaviour]()


def _setting(config: pytest.Config, option: str, ini: str) -> Path | None:
    given = config.getoption(option)
    if given:
        return Path(given)
    value = config.getini(ini)
    return Path(config.rootpath) / value if value else None


def _kept_inside(config: pytest.Config, path: Path | None) -> Path | None:
    """The record is written only inside the project (the git work tree holding rootdir, else
    rootdir), as report paths in putlint.yaml are: the ini file and its `addopts` come with the
    repository, and an absolute path, `../..` or a linked folder must not write over the
    runner's files."""
    if path is None:
        return None
    from linter.refs import is_within, project_top
    from linter.source import printable

    project = project_top(Path(config.rootpath))
    try:
        real = Path(os.path.realpath(path))
    except ValueError:  # a NUL in the path
        raise pytest.UsageError(printable(f"putlint: {str(path)!r} is not a file path")) from None
    if not is_within(real, project):
        raise pytest.UsageError(printable(f"putlint: the behaviour record {path} leads out of "
                                          f"the project {project}; it is written inside it"))
    return path


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    config.stash[BEHAVIOUR] = Behaviour(
        _kept_inside(config, _setting(config, "--putlint-record", "putlint_record")),
        _setting(config, "--putlint-expect", "putlint_expect"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Operations the record has that no test of this session ran: said, not failed (a run
    with -k selects tests on purpose)."""
    behaviour = terminalreporter.config.stash.get(BEHAVIOUR, None)
    if behaviour is None or behaviour.expect is None or not behaviour.ran:
        return
    missing = sorted({e.operation for e in behaviour.expected().values()} - behaviour.ran)
    if missing:
        terminalreporter.write_line(f"putlint: {behaviour.expect} records operations no test "
                                    f"ran here: {', '.join(missing)}", yellow=True)


def pytest_sessionfinish(session: pytest.Session) -> None:
    behaviour = session.config.stash.get(BEHAVIOUR, None)
    if behaviour is None or behaviour.record is None or not behaviour.observed:
        return
    from linter.behaviour import write_record

    write_record(behaviour.record, behaviour.observed)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "putlint_operation" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("putlint")
    if marker is None:
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: the putlint_operation fixture "
                                "needs @pytest.mark.putlint(spec=...)")
    from linter.cases import load_spec
    from linter.errors import PutlintError

    options = dict(marker.kwargs)
    spec_path = Path(options.pop("spec", marker.args[0] if marker.args else ""))
    if not spec_path.is_absolute():
        spec_path = Path(str(metafunc.module.__file__)).parent / spec_path
    try:
        spec = load_spec(spec_path, critical=options.get("critical", ()))
    except PutlintError as exc:
        raise pytest.UsageError(f"putlint: {exc.place or spec_path}: {exc.message}") from None
    wanted = options.get("operations")
    operations = [op for op in spec.operations
                  if wanted is None or any(op.matches(w) for w in wanted)]
    if not operations:
        raise pytest.UsageError(f"putlint: {spec_path} has no in-scope operation with critical "
                                "fields to test")
    fail_on = options.get("fail_on", "error")
    from linter.vocab import SEVERITIES

    if fail_on not in SEVERITIES:
        raise pytest.UsageError(f"putlint: fail_on must be one of {', '.join(SEVERITIES)}")
    checks = [OperationCheck(op, options.get("forms", "all"),
                             int(options.get("max_examples", 25)), fail_on,
                             metafunc.config.stash.get(BEHAVIOUR, None))
              for op in operations]
    metafunc.parametrize("putlint_operation", checks, ids=[c.id for c in checks])


class OperationCheck:
    """One operation's omission test; `check(target)` runs it."""

    def __init__(self, op: OperationCases, forms: Any, max_examples: int,
                 fail_on: str = "error", behaviour: Behaviour | None = None) -> None:
        self.op = op
        self.behaviour = behaviour
        self.forms = forms
        self.max_examples = max_examples
        self.fail_on = fail_on
        self.id = op.operation_id or op.label

    def __repr__(self) -> str:
        return f"OperationCheck({self.id})"

    def check(self, target: Any, headers: dict[str, str] | None = None) -> None:
        """Fail when the probe rules (PUT301-PUT303) report a generated omission case at or
        above the marker's `fail_on`, or when the case cannot be observed (PUT304)."""
        from hypothesis import HealthCheck, given, settings

        from linter.live import Runner, Session, SetUpFailed, client_for

        strategy = self.op.omission_cases(forms=self.forms)
        if strategy.is_empty:
            pytest.fail(f"{self.id}: no omission case can be generated (no critical field "
                        "admits any of the forms asked for)")
        client = client_for(target, headers)
        session = Session(client, secrets=(headers or {}).values())
        if self.behaviour is not None and self.behaviour.wanted:
            self._behaviour(session)

        @settings(max_examples=self.max_examples, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow,
                                         HealthCheck.function_scoped_fixture])
        @given(case=strategy)
        def omission_is_not_destructive(case: Any) -> None:
            runner = Runner(session, self.op)
            try:
                with runner.resource(case.full, case.media_type) as resource:
                    observation = runner.observe(resource, case)
            except SetUpFailed as exc:
                steps = "\n".join(f"  {i}. {e.line()}" for i, e in enumerate(exc.exchanges, 1))
                raise AssertionError(f"could not create a resource to test with: {exc.reason}"
                                     f"\n{steps}") from None
            _judge(self.op, case, observation, self.fail_on)

        # hypothesis keys its example database on the test function, the same code for every
        # operation: add the operation, as hypothesis' own stateful tests do
        inner = omission_is_not_destructive.hypothesis.inner_test  # type: ignore[attr-defined]
        inner._hypothesis_internal_add_digest = self.id.encode()
        omission_is_not_destructive()


    def _behaviour(self, session: Any) -> None:
        """Run probe's fixed cases, keep them for the record, and fail on every change from
        the expected record (PUT306)."""
        from linter.behaviour import compare
        from linter.config import Options
        from linter.facts import ProbeFacts
        from linter.probe import execute, operation_cases
        from linter.runner import Runner as RuleRunner

        assert self.behaviour is not None
        observed = [ProbeFacts(p.op, p.field, o)
                    for p, o in execute(session, operation_cases(self.op, {}), None)]
        self.behaviour.observed += observed
        self.behaviour.ran.add(self.op.label)
        if self.behaviour.expect is None:
            return
        # only this operation's part of the record: the others are other tests'
        mine = {k: e for k, e in self.behaviour.expected().items()
                if e.operation == self.op.label}
        findings = RuleRunner(Options(select=frozenset({"PUT306"}))).findings_of(
            compare(observed, mine, self.behaviour.expect))
        if findings:
            pytest.fail("\n".join(f"{f.rule} {f.name} [{f.severity}]: {f.message}"
                                   for f in findings), pytrace=False)


def _judge(op: OperationCases, case: Any, observation: Observation, fail_on: str) -> None:
    """Judge a case with the rules `putlint probe` uses, so that a test and a probe run never
    disagree about what is a failure."""
    from linter.config import Options
    from linter.facts import ProbeFacts
    from linter.runner import Runner
    from linter.vocab import at_least

    field = next(f for media in op.media if media.media_type == case.media_type
                 for f in media.fields if f.path == case.field)
    findings = Runner(Options(fail_on=fail_on)).findings(ProbeFacts(op, field, observation))
    # PUT304 (nothing could be observed) fails whatever its severity: a test that saw nothing
    # has not passed
    failing = [f for f in findings if at_least(f.severity, fail_on) or f.rule == "PUT304"]
    if failing:
        lines = [f"{f.rule} {f.name} [{f.severity}]: {f.message}" for f in failing]
        raise AssertionError("\n".join([*lines, observation.story()]))
