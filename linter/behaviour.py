"""Recorded behaviour: what each probe case did, written to a file, and a later run held to it.

Kong's spec did not change on 2025-11-06; the behaviour did. `--record FILE` writes the outcome
of every case (operation, media type, field, form -> rejected, preserved, purged, cleared,
replaced, kept or inconclusive); `--expect FILE` runs the same cases and reports every outcome
that changed, every case that disappeared and every new one (PUT306), whatever the contract
says.

The file is YAML, one case per line as a JSON flow mapping (JSON is YAML), sorted, with no date
or id in it: two runs against the same behaviour write the same bytes, and a change shows as a
one-line diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from linter.errors import Place, PutlintError
from linter.facts import BehaviourFacts, ProbeFacts
from linter.source import read_regular

HEADER = ("# putlint behaviour record: what each probe case did, one case per line.\n"
          "# Written by `putlint probe --record`; a run with `--expect` reports every change.\n")
FIELDS = ("operation", "media-type", "field", "form", "outcome")
MAX_RECORD = 4 << 20  # bytes: a record is a few lines per critical field


@dataclass(frozen=True)
class Entry:
    operation: str
    media_type: str
    field: str
    form: str
    outcome: str
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.operation} ({self.media_type}) {self.field}: {self.form}"

    def text(self) -> str:
        values = (self.operation, self.media_type, self.field, self.form, self.outcome)
        return "- {" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}"
                                 for k, v in zip(FIELDS, values, strict=True)) + "}"


def entry_of(facts: ProbeFacts) -> Entry:
    case = facts.observation.case
    return Entry(case.operation, case.media_type, case.field, case.kind,
                 facts.observation.outcome.value)


def render(entries: Iterable[Entry]) -> str:
    """The record: sorted, one case per line, the same bytes for the same behaviour."""
    lines = sorted({e.text() for e in entries})
    return HEADER + "".join(line + "\n" for line in lines)


def write_record(path: Path, observed: Iterable[ProbeFacts]) -> None:
    from linter.atomic import write_atomic

    write_atomic(path, render(entry_of(f) for f in observed))


def read_record(path: Path) -> dict[str, Entry]:
    """The cases of a record by key. A line that is not one of ours is an input error."""
    try:
        # a regular file only, read up to the cap: /dev/zero or a FIFO named in a PR must
        # neither fill memory nor hang the run
        text = read_regular(path, str(path), MAX_RECORD).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PutlintError(f"cannot read the record: {getattr(exc, 'strerror', None) or exc}",
                           Place(str(path))) from None
    out: dict[str, Entry] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        entry = _parse(line, Place(str(path), number))
        entry = Entry(*(entry[k] for k in FIELDS), line=number)  # type: ignore[arg-type]
        if entry.key in out:
            raise PutlintError(f"the case {entry.key} is recorded twice",
                               Place(str(path), number))
        out[entry.key] = entry
    return out


def _parse(line: str, place: Place) -> dict[str, str]:
    wrong = ("each line of a record is `- {\"operation\": ..., \"media-type\": ..., "
             "\"field\": ..., \"form\": ..., \"outcome\": ...}` (as --record writes it)")
    if not line.startswith("- "):
        raise PutlintError(wrong, place)
    try:
        data = json.loads(line[2:])
    except ValueError:
        raise PutlintError(wrong, place) from None
    if not isinstance(data, dict) or set(data) != set(FIELDS) or \
            not all(isinstance(v, str) for v in data.values()):
        raise PutlintError(wrong, place)
    return data


def compare(observed: Iterable[ProbeFacts], expected: dict[str, Entry],
            record: Path) -> list[BehaviourFacts]:
    """Every case of the run and of the record, with both outcomes (None where it is
    missing): what PUT306 judges."""
    out = []
    seen = set()
    for facts in observed:
        entry = entry_of(facts)
        seen.add(entry.key)
        before = expected.get(entry.key)
        out.append(BehaviourFacts(entry.key, before.outcome if before else None,
                                  entry.outcome, facts,
                                  Place(str(record), before.line) if before else None))
    for key, entry in sorted(expected.items()):
        if key not in seen:
            out.append(BehaviourFacts(key, entry.outcome, None, None,
                                      Place(str(record), entry.line)))
    return out
