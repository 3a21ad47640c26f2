"""Precision and recall of `putlint suggest` on real specs nobody here wrote.

    python benchmarks/suggest_precision.py             # the tuned specs' table
    python benchmarks/suggest_precision.py --untuned   # top 10 on specs it was not tuned on

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
# Specs suggest was NOT tuned on (the trial of 2026-12-01): scored on the top 10 only, with
# `--untuned`; labelled by hand like the others, in the same file.
UNTUNED = {
    "kubernetes": ("kubernetes/kubernetes-client-javascript/swagger.unprocessed.json", None),
    "box": ("box/openapi.json", None),
    "bitbucket": ("apis-guru/bitbucket.org/2.0/openapi.yaml", None),
    "github-2022": ("github/api.github.com.json", None),
    "s3": ("apis-guru/amazonaws.com/s3/2006-03-01/openapi.yaml", None),
    "kong-ee-3.15": ("kong/developer.konghq.com/gateway/admin-ee/3.15/openapi.yaml", None),
}
UNTUNED_TOP = 10
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

    file, root = {**SPECS, **UNTUNED}[spec]
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


def untuned_table() -> str:
    """Precision of the top 10 on the specs suggest was not tuned on."""
    judged = labels()
    lines = ["| spec (untuned) | listed (top 10) | critical among them | precision@10 |",
             "|---|---|---|---|"]
    hits_all = listed_all = 0
    for spec in UNTUNED:
        keys = ranked(spec, UNTUNED_TOP)
        mine = judged.get(spec, {})
        for key in keys:
            if key not in mine:
                print(f"unlabelled suggestion in {spec}: {' '.join(key)}", file=sys.stderr)
        hits = sum(mine.get(k, 0) for k in keys)
        hits_all, listed_all = hits_all + hits, listed_all + len(keys)
        lines.append(f"| {spec} | {len(keys)} | {hits} | "
                     f"{_fmt(hits / len(keys) if keys else None)} |")
    lines.append(f"| all | {listed_all} | {hits_all} | "
                 f"{_fmt(hits_all / listed_all if listed_all else None)} |")
    return "\n".join(lines)


def main() -> None:
    if "--untuned" in sys.argv[1:]:
        print(untuned_table())
        return
    scores = score()
    print(table(scores))
    for s in scores:
        for key in s.unlabelled:
            print(f"unlabelled suggestion in {s.spec}: {key}", file=sys.stderr)


if __name__ == "__main__":
    main()
