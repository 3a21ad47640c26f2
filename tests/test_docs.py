"""The documentation: generated pages current, the site builds strictly, no link points nowhere,
and the project's URLs written once."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml

from linter import urls
from linter.findings import RunReport
from linter.registry import all_rules
from linter.reporters import RenderContext, get_renderer

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"
# Markdown files people read outside the site (on the repository's pages), and the site's.
OUTSIDE = [ROOT / "README.md", ROOT / "SECURITY.md", ROOT / "benchmarks" / "README.md"]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_pages_are_current() -> None:
    """docs/generate.py would change nothing: rule pages, configuration, vocabulary, urls.py."""
    assert generator().stale() == [], "run: python docs/generate.py"


def test_every_rule_and_key_has_its_generated_page() -> None:
    from linter.config import KEYS

    files = generator().generated()
    for rule in all_rules():
        page = files[f"docs/reference/rules/{rule.id}.md"]
        for part in ("## What it does", "## Why is this bad?", "## Example", "## Use instead",
                     rule.summary, rule.why_bad):
            assert part in page, (rule.id, part)
        assert "expect:" not in page and "reference-server:" not in page
    config = files["docs/reference/configuration.md"]
    for key in KEYS:
        assert f"| `{key.name}` |" in config and key.doc.split("`")[0] in config


def test_the_generator_notices_a_changed_rule(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A stale page is reported (the check is not vacuous)."""
    module = generator()
    page = ROOT / "docs" / "reference" / "rules" / "PUT001.md"
    monkeypatch.setattr(module, "ROOT", tmp_path)
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "SECURITY.md").write_text((ROOT / "SECURITY.md").read_text())
    target = tmp_path / "docs" / "reference" / "rules"
    target.mkdir(parents=True)
    (target / "PUT001.md").write_text(page.read_text().replace("What it does", "What it did"))
    (target / "PUT999.md").write_text("a rule that is gone\n")
    out = module.stale()
    assert "docs/reference/rules/PUT001.md" in out and "docs/reference/rules/PUT999.md" in out


def test_urls_are_written_once() -> None:
    """pyproject's [project.urls] is the source; mkdocs.yml and SARIF agree with it."""
    project = generator().project_urls()
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")
                            .replace("!!python", "python"))
    assert config["site_url"] == project["Documentation"] == urls.DOCUMENTATION
    assert config["repo_url"] == project["Source"] == urls.SOURCE
    sarif = json.loads(get_renderer("sarif")(RunReport([], [], [], []), RenderContext()))
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == urls.DOCUMENTATION
    for rule in driver["rules"]:
        assert rule["helpUri"] == urls.rule_page(rule["id"])
    everything = "\n".join(p.read_text(encoding="utf-8") for p in markdown_files())
    assert "pypi.org" not in everything and "pip install putlint" not in everything
    assert "@v0.1.0" not in everything and "rev: v0" not in everything


# -- the site -----------------------------------------------------------------------------------

@cache
def built_site(tmp: str) -> Path:
    site = Path(tmp) / "site"
    proc = subprocess.run([str(MKDOCS), "build", "--strict", "--site-dir", str(site)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(str(tmp_path_factory.mktemp("docs")))


def test_mkdocs_build_strict(site: Path) -> None:
    """Any broken link, missing anchor or page left out is a warning, and --strict fails."""
    assert (site / "index.html").is_file()
    for rule in all_rules():
        assert (site / "reference" / "rules" / rule.id / "index.html").is_file()
    assert "Reporting a vulnerability" in (site / "security" / "index.html").read_text()


def markdown_files() -> list[Path]:
    return [*OUTSIDE, *sorted((ROOT / "docs").rglob("*.md"))]


def links(path: Path) -> list[str]:
    """Link targets written in a Markdown file, code blocks and inline code left out."""
    text = re.sub(r"^(`{3,}).*?^\1", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    text = re.sub(r"`[^`\n]*`", "", text)
    return LINK.findall(text)


def slugs(markdown: str) -> set[str]:
    """The anchors GitHub and MkDocs give the headings of a Markdown text."""
    markdown = re.sub(r'^--8<-- "([^"]+)"$',  # a snippet MkDocs includes
                      lambda m: (ROOT / m.group(1)).read_text(encoding="utf-8"), markdown,
                      flags=re.M)
    out = set()
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        out.add(slug)
    return out


def resolve(link: str, page: Path, site: Path) -> tuple[Path, str] | None:
    """The file a link lands on and its anchor, or None for a link to somebody else's site."""
    target, _, anchor = link.partition("#")
    source_blob = f"{urls.SOURCE}/blob/main/"
    if link.startswith(urls.DOCUMENTATION):
        rest = target[len(urls.DOCUMENTATION):]
        return site / rest / "index.html" if not rest.endswith(".png") else site / rest, anchor
    if link.startswith((source_blob, f"{urls.SOURCE}/tree/main/")):
        return ROOT / target.split("/main/", 1)[1], anchor
    if link.startswith((urls.SOURCE, urls.HOMEPAGE, urls.ISSUES)):
        assert target.rstrip("/") in {urls.SOURCE, urls.HOMEPAGE, urls.ISSUES}, link
        return None
    if re.match(r"[a-z]+:", link):
        return None
    if not target:
        return page, anchor
    return (page.parent / target).resolve(), anchor


def test_no_link_points_nowhere(site: Path) -> None:
    """Every relative link, and every link to the project's own URLs, in README, SECURITY,
    benchmarks/README and every docs page, lands on a file (and its anchor on a heading)."""
    checked = 0
    for page in markdown_files():
        for link in links(page):
            resolved = resolve(link, page, site)
            if resolved is None:
                continue
            target, anchor = resolved
            assert target.exists(), f"{page.relative_to(ROOT)}: {link}"
            if anchor and target.suffix == ".md":
                assert anchor in slugs(target.read_text(encoding="utf-8")), \
                    f"{page.relative_to(ROOT)}: {link}"
            if anchor and target.suffix == ".html":
                assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), link
            checked += 1
    assert checked > 30
    for rule in all_rules():  # SARIF's helpUri of every rule lands on its page
        assert resolve(urls.rule_page(rule.id), ROOT, site)[0].is_file()


def test_a_broken_link_is_caught(site: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("[a](missing.md) [b](https://putlint.github.io/putlint/nothing-here/)\n"
                    "`[not a link](x.md)`\n")
    found = [resolve(link, page, site) for link in links(page)]
    assert len(found) == 2 and not any(target.exists() for target, _ in found if target)


def test_the_readme_is_short() -> None:
    """What putlint is, the incident, install, a tour, exit codes, links: everything else lives
    in the docs (issue #20: at most 12 KB)."""
    assert len((ROOT / "README.md").read_bytes()) <= 12 * 1024


EXAMPLE = re.compile(r"<!-- example: (\S+) -->\n```\w*\n(.*?)```\n", re.S)


def test_every_page_reads_on_github_as_on_the_site() -> None:
    """The README says the pages read as well on GitHub: no page includes another file (an
    `--8<--` line shows as itself there); a page that shows a file holds a copy, kept equal to
    it here (docs/security.md is generated from SECURITY.md, test_generated_pages_are_current)."""
    shown = 0
    for page in sorted((ROOT / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        where = page.relative_to(ROOT)
        assert not re.search(r"^\s*-{2}8<-{2}", text, re.M), f"{where}: an include line"
        for match in EXAMPLE.finditer(text):
            assert match.group(2) == (ROOT / match.group(1)).read_text(encoding="utf-8"), \
                f"{where}: the copy of {match.group(1)} differs from the file"
            shown += 1
    assert shown >= 1
    assert "## `putlint probe`" in (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
