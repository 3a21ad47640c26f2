"""What a rule file declares. Rules read facts and yield hits; the engine stamps ids on them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from linter.facts import (
    BehaviourFacts,
    FieldFacts,
    LeftScope,
    MediaFacts,
    OperationFacts,
    OperationPair,
    ProbeFacts,
    RunFacts,
)
from linter.refs import Loc

if TYPE_CHECKING:
    from linter.model import Operation
    from linter.search import Verdict

UNDECIDED = " (no valid example body was found, but nothing in the schema forbids it)"


@dataclass(frozen=True)
class Hit:
    """One problem a rule found; where it is and what it concerns, not how it is printed."""

    message: str
    loc: Loc | None
    media_type: str | None = None
    field: str | None = None
    example: Any = None
    has_example: bool = False
    decided_by: str | None = None
    related: tuple[tuple[str, Loc], ...] = ()
    place_override: Any = None  # a Place outside any spec (a config line)
    exchanges: tuple[dict[str, Any], ...] = ()  # probe: the requests and responses that show it
    severity: str | None = None  # a rule whose severity depends on the case (PUT305)


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str
    summary: str
    what_it_does: str
    why_bad: str
    example: str  # a spec with `# expect: ID` markers: a test case as much as documentation
    use_instead: str  # the fixed spec: must give no finding of this rule
    check: Callable[[Any], Iterable[Hit]]
    fix: str = ""  # one or two sentences for review comments; `explain` has the full example
    # The fact type the check reads (facts.py): the runner gives each rule only facts of its
    # type, so a rule runs in every command that produces them.
    reads: type = OperationFacts
    default_enabled: bool = True

    def matches(self, token: str) -> bool:
        """Does a select/ignore/suppression token name this rule: its id (any case), an id
        prefix (`PUT0`, `put2`) or its name?"""
        return self.id.startswith(token.upper()) or token == self.name

    @property
    def command(self) -> str:
        """Which command produces this rule's facts, as `putlint rules` shows it."""
        return READERS.get(self.reads, "check")

    def runs_in(self, command: str) -> bool:
        """Can this rule report in a run of ``command``? Run-level rules report in every
        command; diff reports check's findings too."""
        own = self.command
        return self.reads is RunFacts or own == command or (own, command) == ("check", "diff")

    def explain(self) -> str:
        """The documentation people read (`putlint explain`, docs, SARIF help)."""
        from linter.ruledoc import explain

        return explain(self)


# Fact types whose rules only one command runs; every other rule runs wherever operations are
# analysed.
READERS: dict[type, str] = {ProbeFacts: "probe", BehaviourFacts: "probe",
                            OperationPair: "diff", LeftScope: "diff"}


def verdict_hit(message: str, op: Operation, media: MediaFacts, field: FieldFacts,
                verdict: Verdict, loc: Loc | None = None) -> Hit:
    """A hit about one verdict on a critical field, with the example body that proves it.

    An undecided verdict (the search was cut short) is reported too, and says so.
    """
    if verdict.holds is None:
        message += UNDECIDED
    if field.mark.note:
        message += f" ({field.mark.note})"
    return Hit(message, loc or field.loc(), media.body.media_type, field.path,
               verdict.example, verdict.holds is True, verdict.decided_by,
               related=field.related(op))


def observed_hit(message: str, facts: ProbeFacts) -> Hit:
    """A hit about one case probe observed: at the operation, with the body it sent and every
    request and response of the case."""
    observation = facts.observation
    field_loc = facts.field.loc()
    return Hit(f"{observation.case.describe()}: {message} ({observation.reason})",
               facts.op.facts.op.loc, observation.case.media_type, facts.field.path,
               observation.case.variant, observation.case.variant is not None,
               related=(("critical field", field_loc),) if field_loc is not None else (),
               exchanges=tuple(e.to_dict() for e in observation.exchanges))
