"""Precision of `putlint suggest`: its top 20 per spec against hand-made labels.

    python benchmarks/suggest_precision.py     # prints the Markdown table of benchmarks/README.md

`suggest_labels.tsv` holds one row per suggestion made on the labelled specs, judged by hand
from the field's description in the spec and the API's documentation: 1 when the field deserves
an `x-critical` decision (access lists, routing and security state, child collections managed
elsewhere, references whose loss breaks traffic), 0 otherwise, with the reason. A suggestion
with no label is reported, so the labels are redone whenever the suggestions change
(tests/test_suggest.py fails until they are).
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus"
LABELS = HERE / "suggest_labels.tsv"
TOP = 20


@dataclass
class SpecScore:
    spec: str
    suggested: int
    critical: int
    unlabelled: list[str]
    missed: int  # labelled critical at some point, no longer suggested

    @property
    def precision(self) -> float:
        return self.critical / self.suggested if self.suggested else 0.0


def spec_path(label: str) -> Path:
    return CORPUS / label.removeprefix("corpus:") if label.startswith("corpus:") else ROOT / label


def labels() -> dict[str, dict[tuple[str, str, str], int]]:
    out: dict[str, dict[tuple[str, str, str], int]] = {}
    with LABELS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            out.setdefault(row["spec"], {})[(row["method"], row["path"], row["field"])] = \
                int(row["critical"])
    return out


def score() -> list[SpecScore]:
    sys.path.insert(0, str(ROOT))
    from linter.config import Options
    from linter.suggest import suggest

    scores = []
    for spec, judged in labels().items():
        found, _ = suggest([spec_path(spec)], Options(), top=TOP)
        keys = [(s.operation.method.upper(), s.operation.path, s.field) for s in found]
        unlabelled = [" ".join(k) for k in keys if k not in judged]
        missed = sum(1 for k, v in judged.items() if v and k not in keys)
        scores.append(SpecScore(spec, len(keys), sum(judged.get(k, 0) for k in keys),
                                unlabelled, missed))
    return scores


def table(scores: list[SpecScore]) -> str:
    lines = ["| spec | suggestions (top 20) | judged critical | precision | "
             "critical, not suggested |", "|---|---|---|---|---|"]
    for s in scores:
        precision = f"{s.precision:.2f}" if s.suggested else "-"
        lines.append(f"| `{s.spec}` | {s.suggested} | {s.critical} | {precision} | {s.missed} |")
    total = sum(s.suggested for s in scores)
    hits = sum(s.critical for s in scores)
    lines.append(f"| **all** | {total} | {hits} | {hits / total:.2f} | "
                 f"{sum(s.missed for s in scores)} |")
    return "\n".join(lines)


def main() -> None:
    scores = score()
    print(table(scores))
    for s in scores:
        for key in s.unlabelled:
            print(f"unlabelled suggestion in {s.spec}: {key}", file=sys.stderr)


if __name__ == "__main__":
    main()
