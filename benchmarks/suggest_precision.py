"""Precision and recall of `putlint suggest` on real specs nobody here wrote.

    python benchmarks/suggest_precision.py     # prints the Markdown table of benchmarks/README.md

`suggest_labels.tsv` holds one row per suggestion made in the top 20 (default options) on each
spec of the table, judged by hand as an API engineer would: 1 only when a PUT that leaves the
field out would really destroy important state (the SNIs of a certificate, a firewall's
droplets and rules, a load balancer's forwarding rules, a branch-protection safeguard), 0
otherwise, with the reason. `suggest_expected.tsv` is the hand-made list of the fields each
spec really should mark (recall is measured against it, at any rank the default options list).
A suggestion with no label is reported, so the labels are redone whenever the suggestions
change (tests/test_suggest.py fails until they are).
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus"
LABELS = HERE / "suggest_labels.tsv"
EXPECTED = HERE / "suggest_expected.tsv"
TOP = 20
ARM = "azure-arm/specification"
# spec label -> (file under the corpus, the folder its $refs may reach)
SPECS = {
    "kong-oss-3.9": ("kong/developer.konghq.com/gateway/admin-oss/3.9/openapi.yaml", None),
    "kong-ee-3.9": ("kong/developer.konghq.com/gateway/admin-ee/3.9/openapi.yaml", None),
    "digitalocean": ("digitalocean/specification/DigitalOcean-public.v2.yaml", None),
    "github-2026": ("github-2026/api.github.com.json", None),
    "azure-keyvault": (f"{ARM}/keyvault/resource-manager/Microsoft.KeyVault/stable/2019-09-01/"
                       "keyvault.json", ARM),
}
Key = tuple[str, str, str]  # method, path, field (the first operation of the suggestion)


@dataclass
class SpecScore:
    spec: str
    ranked: list[Key]
    judged: dict[Key, int]
    expected: set[Key]
    unlabelled: list[str] = field(default_factory=list)

    def precision_at(self, k: int) -> float | None:
        top = self.ranked[:k]
        return sum(self.judged.get(key, 0) for key in top) / len(top) if top else None

    @property
    def found(self) -> int:
        return len(self.expected & set(self.ranked))

    @property
    def recall(self) -> float | None:
        return self.found / len(self.expected) if self.expected else None


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def labels() -> dict[str, dict[Key, int]]:
    out: dict[str, dict[Key, int]] = {}
    for row in _rows(LABELS):
        out.setdefault(row["spec"], {})[(row["method"], row["path"], row["field"])] = \
            int(row["critical"])
    return out


def expected() -> dict[str, set[Key]]:
    out: dict[str, set[Key]] = {}
    for row in _rows(EXPECTED):
        out.setdefault(row["spec"], set()).add((row["method"], row["path"], row["field"]))
    return out


def ranked(spec: str, top: int = TOP) -> list[Key]:
    """The keys of the suggestions default options list on one spec, best first."""
    sys.path.insert(0, str(ROOT))
    from linter.config import Options
    from linter.suggest import suggest

    file, root = SPECS[spec]
    run = suggest([CORPUS / file], Options(), top=top,
                  root_dir=CORPUS / root if root else None)
    return [(s.operation.method.upper(), s.operation.path, s.field) for s in run.suggestions]


def score() -> list[SpecScore]:
    judged, wanted = labels(), expected()
    scores = []
    for spec in SPECS:
        keys = ranked(spec)
        mine = judged.get(spec, {})
        scores.append(SpecScore(spec, keys, mine, wanted.get(spec, set()),
                                [" ".join(k) for k in keys if k not in mine]))
    return scores


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(scores: list[SpecScore]) -> str:
    lines = ["| spec | listed (top 20) | critical among them | precision@10 | precision@20 | "
             "recall (found / should mark) |", "|---|---|---|---|---|---|"]
    for s in scores:
        hits = sum(s.judged.get(k, 0) for k in s.ranked[:TOP])
        lines.append(f"| {s.spec} | {len(s.ranked[:TOP])} | {hits} | {_fmt(s.precision_at(10))} "
                     f"| {_fmt(s.precision_at(20))} | {_fmt(s.recall)} ({s.found} / "
                     f"{len(s.expected)}) |")
    return "\n".join(lines)


def main() -> None:
    scores = score()
    print(table(scores))
    for s in scores:
        for key in s.unlabelled:
            print(f"unlabelled suggestion in {s.spec}: {key}", file=sys.stderr)


if __name__ == "__main__":
    main()
