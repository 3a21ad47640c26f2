"""putlint's pytest plugin (entry point `pytest11`): omission cases against your own service.

Mark a test module (or test) with the spec, ask for the `putlint_operation` fixture, and call
`check` with your app or a base URL::

    pytestmark = pytest.mark.putlint(spec="openapi.yaml")

    def test_omissions(putlint_operation):
        putlint_operation.check(app)      # a WSGI or ASGI app, a base URL or an httpx.Client

The test runs once per in-scope operation with critical fields. For each generated case
(hypothesis: shrinking, the example database and `--hypothesis-seed` work as usual) it creates
a fresh resource with a full body, sends the omission, reads the resource back with the GET of
the same path and deletes it. It fails when the omission purged the stored value, or when the
outcome cannot be observed, with the exact request sequence.

This module is imported by every pytest run where putlint is installed, so it imports nothing
heavy until a test asks for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from linter.cases import OperationCases
    from linter.live import Observation

MARKER = ("putlint(spec, *, critical=(), operations=None, forms='all', max_examples=25): "
          "generate omission cases for the in-scope operations of an OpenAPI spec")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


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
    checks = [OperationCheck(op, options.get("forms", "all"),
                             int(options.get("max_examples", 25))) for op in operations]
    metafunc.parametrize("putlint_operation", checks, ids=[c.id for c in checks])


class OperationCheck:
    """One operation's omission test; `check(target)` runs it."""

    def __init__(self, op: OperationCases, forms: Any, max_examples: int) -> None:
        self.op = op
        self.forms = forms
        self.max_examples = max_examples
        self.id = op.operation_id or op.label

    def __repr__(self) -> str:
        return f"OperationCheck({self.id})"

    def check(self, target: Any, headers: dict[str, str] | None = None) -> None:
        """Fail when any generated omission purges the stored value, or cannot be observed."""
        from hypothesis import HealthCheck, given, settings

        from linter.live import Runner, Session, SetUpFailed, client_for

        strategy = self.op.omission_cases(forms=self.forms)
        if strategy.is_empty:
            pytest.fail(f"{self.id}: no omission case can be generated (no critical field "
                        "admits any of the forms asked for)")
        client = client_for(target, headers)
        session = Session(client, secrets=(headers or {}).values())

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
            _judge(observation)

        # hypothesis keys its example database on the test function, the same code for every
        # operation: add the operation, as hypothesis' own stateful tests do
        inner = omission_is_not_destructive.hypothesis.inner_test  # type: ignore[attr-defined]
        inner._hypothesis_internal_add_digest = self.id.encode()
        omission_is_not_destructive()


def _judge(observation: Observation) -> None:
    from linter.live import Outcome

    if observation.outcome in (Outcome.REJECTED, Outcome.PRESERVED):
        return
    verdict = ("PURGED: the omission destroyed stored data"
               if observation.outcome is Outcome.PURGED
               else "could not tell what the omission did")
    raise AssertionError(f"{verdict}\n{observation.story()}")
