"""Update semantics as real APIs have them (issue 16): deliberate clears, merge PUTs, shrinking
lists, round trips, fields added later, and Azure ARM specs with their shared types."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from linter.analysis import parse_mark
from linter.cli import app
from linter.config import Options, load_config
from linter.critical import CriticalName
from linter.diff import run_diff
from linter.discover import discover
from linter.engine import run
from linter.errors import PutlintError
from linter.load import analyse, ref_root
from linter.vocab import CONTRACT_CHOICES
from tests.badinputs import write_file

ROOT = Path(__file__).resolve().parent.parent
ARM = ROOT.parent / "shared" / "corpus" / "azure-arm"
WEB = ARM / "specification/web/resource-manager/Microsoft.Web/stable/2021-01-15"
VAULT = ARM / "specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2019-09-01"
runner = CliRunner()
needs_arm = pytest.mark.skipif(not ARM.is_dir(), reason="../shared/corpus/azure-arm is absent")


def invoke(*args: object, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    old = Path.cwd()
    os.chdir(cwd or ROOT)
    try:
        return runner.invoke(app, [str(a) for a in args])
    finally:
        os.chdir(old)


def rules_of(paths: list[Path], options: Options | None = None) -> set[tuple[str, str | None]]:
    report = run(paths, options or Options())
    assert not report.errors, [str(e) for e in report.errors]
    return {(f.rule, f.field) for f in report.findings}


# -- the contract keys -------------------------------------------------------------------------

CONTRACTS = st.fixed_dictionaries({}, optional={
    key.name: st.sampled_from([*key.values, "bogus"]) for key in CONTRACT_CHOICES})


@given(CONTRACTS)
@settings(max_examples=150, deadline=None)
def test_every_value_of_every_key_is_read_or_refused(contract: dict[str, str]) -> None:
    """A contract object is read key by key: each value it states is the mark's, each key it
    leaves out has its default, and a value outside the key's vocabulary is an error naming
    the key."""
    bad = [k for k, v in contract.items() if v == "bogus"]
    try:
        mark = parse_mark(contract)
    except PutlintError as exc:
        assert bad and any(f"x-critical {k} must be one of" in exc.message for k in bad)
        return
    assert not bad
    for key in CONTRACT_CHOICES:
        assert mark.value(key.name) == contract.get(key.name, key.default)
    assert mark.stated == frozenset(contract)


SPEC = """openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /lists/{{id}}:
    parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]
    put:
{op}      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: {required}
              properties:
                members:
                  type: array
                  nullable: true
                  items: {{type: string}}
                  x-critical: {mark}
      responses:
{responses}"""
WITH_400 = "        '200': {description: ok}\n        '400': {description: bad}\n"
ONLY_200 = "        '200': {description: ok}\n"


@pytest.mark.parametrize(("mark", "op", "required", "responses", "expected"), [
    # on-null / on-empty: `clear` silences exactly its rule
    ("true", "", "[members]", WITH_400, {"PUT002", "PUT003"}),
    ("{on-null: clear}", "", "[members]", WITH_400, {"PUT003"}),
    ("{on-empty: clear}", "", "[members]", WITH_400, {"PUT002"}),
    ("{on-null: clear, on-empty: clear}", "", "[members]", WITH_400, set()),
    # on-shrink: only `reject` asks for a documented rejection
    ("{on-omit: preserve, on-null: clear, on-empty: clear}", "", "[]", ONLY_200, set()),
    ("{on-omit: preserve, on-null: clear, on-empty: clear, on-shrink: reject}", "", "[]",
     ONLY_200, {"PUT005"}),
    ("{on-omit: preserve, on-null: clear, on-empty: clear, on-shrink: keep}", "", "[]",
     ONLY_200, set()),
    # merge: an unstated on-omit is preserve; a stated one is reported as in a replace
    ("{on-null: clear, on-empty: clear}", "      x-put-semantics: merge\n", "[]", ONLY_200,
     set()),
    ("{on-omit: reject, on-null: clear, on-empty: clear}", "      x-put-semantics: merge\n",
     "[]", ONLY_200, {"PUT001", "PUT005"}),
    ("{on-omit: purge, on-null: clear, on-empty: clear}", "      x-put-semantics: merge\n",
     "[]", WITH_400, {"PUT001"}),
    ("{on-null: clear, on-empty: clear}", "", "[]", ONLY_200, {"PUT001", "PUT005"}),
])
def test_contract_keys_decide_the_rules(tmp_path: Path, mark: str, op: str, required: str,
                                        responses: str, expected: set[str]) -> None:
    spec = write_file(tmp_path, "api.yaml", SPEC.format(mark=mark, op=op, required=required,
                                                        responses=responses))
    assert {rule for rule, _ in rules_of([spec])} == expected


def test_x_put_semantics_must_be_replace_or_merge(tmp_path: Path) -> None:
    spec = write_file(tmp_path, "api.yaml", SPEC.format(
        mark="true", op="      x-put-semantics: patch\n", required="[members]",
        responses=WITH_400))
    result = invoke("check", spec)
    assert result.exit_code == 2
    assert "api.yaml:7:7: error: x-put-semantics must be one of replace, merge, not 'patch'" \
        in result.output


@pytest.mark.parametrize("key", ["update-list", "PUT /lists/{id}"])
def test_config_put_semantics_by_operation_id_or_method_and_path(tmp_path: Path,
                                                                 key: str) -> None:
    spec = write_file(tmp_path, "api.yaml", SPEC.format(
        mark="{on-null: clear, on-empty: clear}", op="      operationId: update-list\n",
        required="[]", responses=ONLY_200))
    assert {r for r, _ in rules_of([spec])} == {"PUT001", "PUT005"}
    write_file(tmp_path, "putlint.yaml", f"put-semantics:\n  '{key}': merge\n")
    options = load_config(tmp_path / "putlint.yaml")
    assert rules_of([spec], options) == set()


def test_a_bad_put_semantics_value_in_the_config_is_an_error_with_its_line(
        tmp_path: Path) -> None:
    write_file(tmp_path, "putlint.yaml", "put-semantics:\n  update-list: patch\n")
    with pytest.raises(PutlintError, match="put-semantics' gives update-list 'patch'"):
        load_config(tmp_path / "putlint.yaml")


# -- config entries state only what they say -----------------------------------------------------

def test_a_config_entry_overrides_only_the_keys_it_states(tmp_path: Path) -> None:
    """The spec says null clears on purpose; the config says omission purges: both hold."""
    spec = write_file(tmp_path, "api.yaml", SPEC.format(
        mark="{on-null: clear}", op="", required="[]", responses=WITH_400))
    write_file(tmp_path, "putlint.yaml", "critical:\n  - name: '#/paths/~1lists~1{id}/put/"
               "requestBody/content/application~1json/schema/properties/members'\n"
               "    on-omit: purge\n    on-empty: clear\n")
    options = load_config(tmp_path / "putlint.yaml")
    report = run([spec], options)
    assert not report.errors
    rules = {f.rule: f for f in report.findings}
    assert set(rules) == {"PUT001"}  # PUT002 still silenced by the spec's on-null: clear
    assert "the API purges" in rules["PUT001"].message
    message = rules["PUT001"].message
    assert "(on-omit: purge, on-empty: clear from " in message
    assert "putlint.yaml:2:5 overrides the spec's on-omit: reject, on-empty: reject)" in message


@given(CONTRACTS, CONTRACTS)
@settings(max_examples=120, deadline=None)
def test_mark_over_keeps_every_key_the_entry_does_not_state(spec: dict, entry: dict) -> None:
    spec = {k: v for k, v in spec.items() if v != "bogus"}
    entry = {k: v for k, v in entry.items() if v != "bogus"}
    name = CriticalName("X.y", **{k.replace("-", "_"): v for k, v in entry.items()})
    own = parse_mark(spec or True)
    mark = name.mark_over(spec or True)
    if mark is None:  # nothing stated differs
        assert all(own.value(k) == v for k, v in entry.items())
        return
    for key in CONTRACT_CHOICES:
        assert mark.value(key.name) == entry.get(key.name, own.value(key.name))


def test_config_entries_refuse_unknown_values(tmp_path: Path) -> None:
    write_file(tmp_path, "putlint.yaml", "critical:\n  - name: A.b\n    on-shrink: shorten\n")
    with pytest.raises(PutlintError, match="on-shrink must be one of replace, reject, keep"):
        load_config(tmp_path / "putlint.yaml")


# -- diff: the unsafe direction of each key, fields added later -------------------------------

def _diff(tmp_path: Path, base: str, head: str) -> set[str]:
    b = write_file(tmp_path, "base/api.yaml", base)
    h = write_file(tmp_path, "head/api.yaml", head)
    report = run_diff([(b, h, None)], Options())
    assert not report.errors
    return {f.rule for f in report.findings}


@pytest.mark.parametrize(("before", "after", "reported"), [
    ("{on-null: reject, on-empty: clear}", "{on-null: clear, on-empty: clear}", True),
    ("{on-null: clear, on-empty: clear}", "{on-null: reject, on-empty: clear}", False),
    ("{on-null: clear, on-empty: reject}", "{on-null: clear, on-empty: clear}", True),
    ("{on-null: clear, on-empty: clear, on-shrink: keep}", "{on-null: clear, on-empty: clear}",
     True),
    ("{on-null: clear, on-empty: clear}", "{on-null: clear, on-empty: clear, on-shrink: keep}",
     False),
    ("{on-null: clear, on-empty: clear, on-shrink: reject}",
     "{on-null: clear, on-empty: clear, on-shrink: keep}", False),
])
def test_put205_reports_the_unsafe_direction_only(tmp_path: Path, before: str, after: str,
                                                  reported: bool) -> None:
    def spec(mark: str) -> str:
        return SPEC.format(mark=mark, op="", required="[members]", responses=WITH_400)

    assert ("PUT205" in _diff(tmp_path, spec(before), spec(after))) is reported


def test_a_critical_field_added_as_preserve_is_safe(tmp_path: Path) -> None:
    from linter.rules._specs import certificates

    base = certificates(snis=False, required="[cert]")
    added = {on_omit: certificates(required="[cert, snis]", mark=f"x-critical: {{on-omit: "
                                   f"{on_omit}}}") for on_omit in ("reject", "purge", "preserve")}
    assert "PUT207" in _diff(tmp_path, base, added["reject"])
    assert "PUT207" in _diff(tmp_path, base, added["purge"])
    assert "PUT207" not in _diff(tmp_path, base, added["preserve"])
    # a field base had, unmarked, that head marks is PUT202's reverse, not an addition
    unmarked = certificates(required="[cert, snis]", mark="description: not yet critical")
    assert "PUT207" not in _diff(tmp_path, unmarked, added["reject"])


# -- the $ref root ------------------------------------------------------------------------------

SHARED = """swagger: '2.0'
info: {title: types, version: '2'}
paths: {}
definitions:
  Resource:
    type: object
    properties:
      id: {type: string, readOnly: true}
      tags: {type: object, additionalProperties: {type: string}}
"""
SERVICE = """swagger: '2.0'
info: {title: vaults, version: '1'}
paths:
  /vaults/{name}:
    put:
      parameters:
        - {name: name, in: path, required: true, type: string}
        - {name: body, in: body, required: true, schema: {$ref: '#/definitions/Vault'}}
      responses:
        '200': {description: ok}
        default:
          description: error
          schema: {$ref: '../../common-types/v2/types.json#/definitions/Resource'}
definitions:
  Vault:
    allOf: [{$ref: '../../common-types/v2/types.json#/definitions/Resource'}]
    properties:
      policies: {type: array, items: {type: string}, x-critical: true}
"""


def _arm_tree(tmp_path: Path) -> Path:
    write_file(tmp_path, "spec/common-types/v2/types.json", json.dumps(
        __import__("yaml").safe_load(SHARED)))
    return write_file(tmp_path, "spec/vault/stable/vault.yaml", SERVICE)


def test_a_ref_beyond_the_specs_folder_is_refused_naming_the_ref_and_the_root(
        tmp_path: Path) -> None:
    spec = _arm_tree(tmp_path)
    report = run([spec], Options())
    assert report.errors
    message = str(report.errors[0])
    assert "'../../common-types/v2/types.json#/definitions/Resource'" in message
    assert str(Path(os.path.realpath(spec.parent))) in message and "--root" in message


def test_root_widens_the_confinement(tmp_path: Path) -> None:
    spec = _arm_tree(tmp_path)
    assert {r for r, _ in rules_of([spec], Options(root=str(tmp_path / "spec")))} == \
        {"PUT001", "PUT003", "PUT005"}
    result = invoke("check", spec, "--root", tmp_path / "spec", "--profile", "azure-arm")
    assert result.exit_code == 1 and "PUT005" not in result.output, result.output
    # a root that holds the spec but not the shared types is still a refusal
    assert run([spec], Options(root=str(tmp_path / "spec" / "vault"))).errors


def test_root_in_the_config_is_relative_to_the_config_file(tmp_path: Path) -> None:
    spec = _arm_tree(tmp_path)
    write_file(tmp_path, "spec/putlint.yaml", "root: .\nprofile: azure-arm\n")
    result = invoke("check", spec, cwd=tmp_path / "spec" / "vault")
    assert "error:" not in result.output and "PUT001" in result.output, result.output


def test_the_default_root_is_the_git_work_tree(tmp_path: Path) -> None:
    spec = _arm_tree(tmp_path)
    (tmp_path / "spec" / ".git").mkdir()  # as `git init` leaves it; git itself is not run
    assert ref_root(spec, Options()) == Path(os.path.realpath(tmp_path / "spec"))
    assert not run([spec], Options()).errors
    # a worktree's `.git` is a file: it counts too
    (tmp_path / "spec" / ".git").rmdir()
    (tmp_path / "spec" / ".git").write_text("gitdir: elsewhere\n")
    assert not run([spec], Options()).errors


def test_nothing_outside_the_root_is_read_even_inside_the_work_tree(tmp_path: Path) -> None:
    _arm_tree(tmp_path)
    (tmp_path / ".git").mkdir()
    spec = write_file(tmp_path, "spec/vault/stable/escape.yaml",
                      SERVICE.replace("../../common-types", "../../../../../etc"))
    report = run([spec], Options())
    assert report.errors and "leaves the spec's root folder" in str(report.errors[0])


def test_a_missing_root_folder_is_a_usage_error(tmp_path: Path) -> None:
    spec = _arm_tree(tmp_path)
    result = invoke("check", spec, "--root", tmp_path / "nope")
    assert result.exit_code == 2 and "--root" in result.output and "no such folder" in \
        result.output


def test_diff_base_ref_exports_the_root(tmp_path: Path) -> None:
    spec = _arm_tree(tmp_path)
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", str(tmp_path)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=tmp_path, check=True)
    spec.write_text(SERVICE.replace("x-critical: true", "x-critical: {on-omit: purge}"))
    result = invoke("diff", "--base-ref", "HEAD", spec, cwd=tmp_path)
    assert "error:" not in result.output and "in base" not in result.output, result.output
    assert "PUT205" in result.output


# -- profile azure-arm -------------------------------------------------------------------------

def test_an_unknown_profile_is_refused(tmp_path: Path) -> None:
    spec = _arm_tree(tmp_path)
    result = invoke("check", spec, "--profile", "aws")
    assert result.exit_code == 2 and "--profile' must be one of azure-arm" in result.output
    write_file(tmp_path, "putlint.yaml", "profile: azure\n")
    with pytest.raises(PutlintError,
                       match="'profile' must be one of azure-arm, kubernetes, not 'azure'"):
        load_config(tmp_path / "putlint.yaml")


def test_x_ms_extensions_without_the_profile_get_one_hint(tmp_path: Path) -> None:
    spec = write_file(tmp_path, "api.yaml", SPEC.format(
        mark="true", op="      x-ms-long-running-operation: true\n", required="[members]",
        responses=WITH_400))
    hints = [w for w in run([spec], Options()).warnings if "x-ms-" in w.message]
    assert len(hints) == 1 and "--profile azure-arm" in hints[0].message
    assert not [w for w in run([spec], Options(profile="azure-arm")).warnings
                if "x-ms-" in w.message]
    plain = write_file(tmp_path, "plain.yaml", SPEC.format(
        mark="true", op="", required="[members]", responses=WITH_400))
    assert not run([plain], Options()).warnings


@needs_arm
def test_every_arm_spec_is_read_under_the_root() -> None:
    files, _, problems = discover([ARM / "specification"])
    assert not problems and len(files) >= 20
    for path in files:
        report = analyse(path, Options(root=str(ARM), profile="azure-arm"))
        assert not report.errors, (path, [str(e) for e in report.errors])


@needs_arm
def test_an_arm_put_documenting_a_default_error_has_no_put005_under_the_profile() -> None:
    name = "CommonDefinitions.json#/definitions/SiteConfig/properties/appSettings"
    spec = WEB / "WebApps.json"
    without = run([spec], Options(critical=[CriticalName(name)], root=str(ARM)))
    with_profile = run([spec], Options(critical=[CriticalName(name)], root=str(ARM),
                                       profile="azure-arm"))
    assert not without.errors and not with_profile.errors
    assert "PUT005" in {f.rule for f in without.findings}  # ARM writes no 4xx
    assert "PUT005" not in {f.rule for f in with_profile.findings}
    assert {f.rule for f in with_profile.findings} >= {"PUT001"}


@needs_arm
def test_arm_mutability_and_secrets_on_a_real_spec() -> None:
    spec = WEB / "KubeEnvironments.json"
    options = Options(critical=[CriticalName("ArcConfiguration.kubeConfig"),
                                CriticalName("ArcConfiguration.artifactStorageAccessMode")],
                      root=str(ARM), profile="azure-arm")
    found = rules_of([spec], options)
    assert ("PUT008", "properties.arcConfiguration.kubeConfig") in found  # x-ms-secret
    # `[create, read]`: set at creation, kept by later PUTs; nothing destroys it
    assert not [r for r, f in found if f == "properties.arcConfiguration.artifactStorageAccessMode"]
    plain = rules_of([spec], Options(critical=options.critical, root=str(ARM)))
    assert not {r for r, _ in plain} & {"PUT004", "PUT008"}


@needs_arm
def test_an_arm_create_only_field_beside_a_ref_is_kept_by_put_under_the_profile() -> None:
    """App Service's `hostingEnvironmentProfile` (`x-ms-mutability: [create, read]` beside its
    `$ref`): the profile reads it as preserved, so neither PUT of a site reports it; without
    the profile the extension means nothing and the field is checked as any other."""
    name = CriticalName("CommonDefinitions.json#/definitions/Site/properties/properties/"
                        "properties/hostingEnvironmentProfile")
    spec = WEB / "WebApps.json"
    arm = run([spec], Options(critical=[name], root=str(ARM), profile="azure-arm"))
    assert not arm.errors and not arm.findings, [f.message for f in arm.findings]
    plain = run([spec], Options(critical=[name], root=str(ARM)))
    assert {f.rule for f in plain.findings} >= {"PUT005"}
    assert "PUT004" not in {f.rule for f in plain.findings}
    report = analyse(spec, Options(critical=[name], root=str(ARM), profile="azure-arm"))
    kept = [f for facts in report.operations for _, f in facts.fields()]
    assert len(kept) == 2 and all(f.mark.on_omit == "preserve" and not f.read_only and
                                  "create, read" in (f.kept_why or "") for f in kept)


ARM_FIELD = """swagger: '2.0'
info: {{title: t, version: '1'}}
paths:
  /things/{{name}}:
    put:
      parameters:
        - {{name: name, in: path, required: true, type: string}}
        - {{name: body, in: body, required: true, schema: {{$ref: '#/definitions/Thing'}}}}
      responses:
        '200': {{description: ok}}
        default: {{description: error, schema: {{$ref: '#/definitions/Error'}}}}
definitions:
  Error: {{type: object, properties: {{code: {{type: string}}}}}}
  Zone: {{type: object, properties: {{id: {{type: string}}}}}}
  Thing:
    type: object
    properties:
      zone:
{field}"""


@settings(max_examples=40, deadline=None, derandomize=True)
@given(listed=st.lists(st.sampled_from(["create", "read", "update"]), unique=True),
       beside_ref=st.booleans())
def test_arm_mutability_reads_create_only_as_kept(tmp_path_factory, listed: list[str],
                                                  beside_ref: bool) -> None:
    """Under azure-arm, a field listed with `create` and without `update` gives no finding
    (kept by PUT); listed without both, PUT004 in words that do not claim every PUT erases it;
    with `update` (or no listing), the field is checked as any other (PUT001: not required)."""
    flow = "[" + ", ".join(listed) + "]"
    field = (f"        $ref: '#/definitions/Zone'\n        x-ms-mutability: {flow}\n"
             if beside_ref else
             f"        type: object\n        properties: {{id: {{type: string}}}}\n"
             f"        x-ms-mutability: {flow}\n")
    spec = write_file(tmp_path_factory.mktemp("arm"), "api.yaml", ARM_FIELD.format(field=field))
    options = Options(critical=[CriticalName("Thing.zone")], profile="azure-arm")
    result = run([spec], options)
    assert not result.errors, result.errors
    rules = {f.rule for f in result.findings}
    if "update" not in listed and "create" in listed:
        assert not rules, [f.message for f in result.findings]
    elif "update" not in listed:
        (finding,) = [f for f in result.findings if f.rule == "PUT004"]
        assert "cannot be sent on update" in finding.message
        assert "with nothing" not in finding.message and "unless the server" in finding.message
    else:
        assert "PUT001" in rules and "PUT004" not in rules


@needs_arm
def test_key_vault_access_policies_that_must_not_shrink() -> None:
    """Key Vault documents 400 and 409 on its vault PUT: `on-shrink: reject` is satisfied;
    on-shrink: replace with preserve asks nothing."""
    name = "VaultProperties.accessPolicies"
    spec = VAULT / "keyvault.json"
    shrink = CriticalName(name, on_omit="preserve", on_shrink="reject")
    assert "PUT005" not in {r for r, _ in rules_of([spec], Options(critical=[shrink]))}


# -- profile kubernetes ------------------------------------------------------------------------

K8S = ROOT.parent / "shared" / "corpus" / "kubernetes/kubernetes-client-javascript/" \
    "swagger.unprocessed.json"
def _k8s_name(short: str) -> str:
    """`core.v1.PodSpec.imagePullSecrets` -> `#/definitions/io.k8s.api.core.v1.PodSpec/properties/
    imagePullSecrets` (the definition's name has dots; the property is the last step)."""
    definition, prop = short.rsplit(".", 1)
    return f"#/definitions/io.k8s.api.{definition}/properties/{prop}"


def _about(findings) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    return sorted((f.rule, (f.operation or {}).get("path", ""), f.field) for f in findings)


@pytest.mark.skipif(not K8S.is_file(), reason="the Kubernetes spec is not in the corpus")
def test_kubernetes_subresource_puts_are_checked_on_what_they_write() -> None:
    """The trial's config on the real spec: without the profile, `/status`, `/resize` and
    `/approval` PUTs are reported on `spec` fields they never write; with it, exactly those
    findings go, and `/ephemeralcontainers` keeps only `spec.ephemeralContainers`."""
    names = [CriticalName(_k8s_name(n)) for n in K8S_SHORT]
    before = run([K8S], Options(critical=names))
    after = run([K8S], Options(critical=names, profile="kubernetes"))
    assert not before.errors and not after.errors

    def written(path: str, field: str | None) -> bool:  # the convention, spelt out again
        last = path.rsplit("/", 1)[-1]
        if last in ("status", "resize", "approval"):
            return False  # no critical field of the config is in their part
        if last == "ephemeralcontainers":
            return field is None or field.startswith("spec.ephemeralContainers")
        return True
    kept = [a for a in _about(before.findings) if written(a[1], a[2])]
    assert _about(after.findings) == kept
    assert len(before.findings) - len(after.findings) >= 100  # 241 -> 127 on 2026-12-01
    pod_status = "/api/v1/namespaces/{namespace}/pods/{name}/status"
    assert ("PUT001", pod_status, "spec.imagePullSecrets") in _about(before.findings)

    status = [CriticalName(_k8s_name("core.v1.PodStatus.conditions"))]
    found = _about(run([K8S], Options(critical=status, profile="kubernetes")).findings)
    assert ("PUT001", pod_status, "status.conditions") in found  # `/status` writes it
    assert not [a for a in found if not a[1].endswith("/status")]  # no other PUT does


# What `putlint suggest --write-config` wrote for this spec on 2026-12-01 (the trial's config).
K8S_SHORT = ("core.v1.PodSpec.ephemeralContainers", "core.v1.PodSpec.imagePullSecrets",
             "core.v1.ServiceAccount.imagePullSecrets",
             "apps.v1.StatefulSetSpec.volumeClaimTemplates", "rbac.v1.ClusterRoleBinding.subjects",
             "rbac.v1.RoleBinding.subjects", "core.v1.PodSpec.securityContext",
             "core.v1.PersistentVolumeSpec.awsElasticBlockStore",
             "storage.v1.CSIDriverSpec.requiresRepublish", "core.v1.VolumeNodeAffinity.required",
             "core.v1.ScaleIOPersistentVolumeSource.sslEnabled", "core.v1.PodSpec.hostAliases",
             "core.v1.ResourceQuotaSpec.scopes", "core.v1.ServiceAccount.secrets",
             "core.v1.ServiceSpec.clusterIPs", "core.v1.ServiceSpec.externalIPs",
             "core.v1.NodeSpec.podCIDRs",
             "admissionregistration.v1.MutatingWebhookConfiguration.webhooks",
             "admissionregistration.v1.ValidatingWebhookConfiguration.webhooks",
             "certificates.v1.CertificateSigningRequestSpec.groups")

K8S_SPEC = """openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things/{name}:
    put: &put
      x-kubernetes-action: put
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
      responses: {'200': {description: ok}}
  /things/{name}/status: {put: *put}
  /things/{name}/scale: {put: *put}
  /things/{name}/ephemeralcontainers: {put: *put}
  /things/{name}/resize: {put: *put}
  /things/{name}/proxy: {put: *put}
  /things: {put: *put}
components:
  schemas:
    Container:
      type: object
      properties:
        image: {type: string, x-critical: true}
        resources: {type: object, properties: {cpu: {type: string}}, x-critical: true}
    Thing:
      type: object
      properties:
        spec:
          type: object
          properties:
            replicas: {type: integer, x-critical: true}
            containers: {type: array, items: {$ref: '#/components/schemas/Container'}}
            ephemeralContainers: {type: array, items: {type: object}, x-critical: true}
        status:
          type: object
          properties:
            conditions: {type: array, items: {type: object}, x-critical: true}
"""
EVERY = {"spec.replicas", "spec.containers[].image", "spec.containers[].resources",
         "spec.ephemeralContainers", "status.conditions"}


@pytest.mark.parametrize(("path", "checked"), [
    ("/things/{name}", EVERY - {"status.conditions"}),
    ("/things/{name}/status", {"status.conditions"}),
    ("/things/{name}/scale", {"spec.replicas", "spec.containers[].image",
                              "spec.containers[].resources", "spec.ephemeralContainers"}),
    ("/things/{name}/ephemeralcontainers", {"spec.ephemeralContainers"}),
    ("/things/{name}/resize", {"spec.containers[].resources"}),
    ("/things/{name}/proxy", EVERY),  # not a subresource the profile knows: as written
    ("/things", EVERY),  # a collection path
])
def test_kubernetes_profile_checks_each_put_on_the_fields_it_writes(
        tmp_path: Path, path: str, checked: set[str]) -> None:
    spec = write_file(tmp_path, "api.yaml", K8S_SPEC)
    with_profile = run([spec], Options(profile="kubernetes"))
    plain = run([spec], Options())
    assert not with_profile.errors and not plain.errors

    def fields(report) -> set[str]:  # type: ignore[no-untyped-def]
        return {f.field for f in report.findings
                if f.field and (f.operation or {}).get("path") == path}
    assert fields(plain) == EVERY
    assert fields(with_profile) == checked
    hints = [w.message for w in plain.warnings if "x-kubernetes-" in w.message]
    assert len(hints) == 1 and "--profile kubernetes" in hints[0]
    assert not [w for w in with_profile.warnings if "x-kubernetes-" in w.message]


# -- the bundler reads a properties map written as a $ref -----------------------------------------

def test_properties_written_as_a_ref_are_a_map_of_properties(tmp_path: Path) -> None:
    spec = write_file(tmp_path, "api.yaml", """openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /droplets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties: {$ref: 'props.yaml'}
      responses: {'400': {description: bad}}
""")
    write_file(tmp_path, "props.yaml", "tags: {type: array, items: {type: string}, "
               "x-critical: true}\n")
    found = rules_of([spec])
    assert ("PUT001", "tags") in found and ("PUT001", "$ref") not in found
    named = rules_of([spec], Options(critical=[CriticalName(
        "#/paths/~1droplets~1{id}/put/requestBody/content/application~1json/schema/"
        "properties/tags")]))
    assert ("PUT001", "tags") in named


# -- suggest proposes the clears a description states --------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Require status checks to pass before merging. Set to `null` to disable.",
     {"on-null": "clear"}),
    ("Restrict who can push. Pass null to remove the restrictions.", {"on-null": "clear"}),
    ("The subnets. An empty list removes all subnets.", {"on-empty": "clear"}),
    ("Set to an empty array to remove every rule; null disables the firewall.",
     {"on-null": "clear", "on-empty": "clear"}),
    ("The subnets. Can be null.", {}),
    ("Set to true to disable the check.", {}),
    ("Empty strings are not allowed.", {}),
    (None, {}),
])
def test_stated_clears_reads_the_description(text: str | None, expected: dict) -> None:
    from linter.suggest.contract import stated_clears

    assert stated_clears(text) == expected


CLEARS = """openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /networks/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        '200':
          description: the network
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Network'}
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Network'}
      responses:
        '200': {description: replaced}
        '400': {description: bad}
  /networks/{id}/subnets:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Subnet'}
      responses: {'201': {description: created}}
components:
  schemas:
    Subnet:
      type: object
      properties: {name: {type: string}, prefix: {type: string}}
    Network:
      type: object
      properties:
        name: {type: string}
        subnets:
          description: The subnets. Left out, they are kept; an empty list removes all subnets.
          type: array
          items: {$ref: '#/components/schemas/Subnet'}
"""


def test_suggest_writes_the_clear_the_description_states(tmp_path: Path) -> None:
    spec = write_file(tmp_path, "api.yaml", CLEARS)
    shown = invoke("suggest", spec, cwd=tmp_path)
    assert "subnets" in shown.output and "= propose on-empty: clear" in shown.output
    listed = invoke("suggest", spec, "-f", "json", cwd=tmp_path)
    entry = next(s for s in json.loads(listed.stdout)["suggestions"] if s["field"] == "subnets")
    assert entry["contract"] == {"on-empty": "clear"}
    invoke("suggest", spec, "--write-config", tmp_path / "putlint.yaml", cwd=tmp_path)
    config = __import__("yaml").safe_load((tmp_path / "putlint.yaml").read_text())
    assert {"name": "Network.subnets",
            "on-empty": "clear"} in config["critical"]
    checked = invoke("check", spec, "-f", "json", cwd=tmp_path)
    rules = {f["rule"] for f in json.loads(checked.stdout)["findings"]}
    assert "PUT001" in rules and "PUT003" not in rules  # the clear is decided; omission is not


def test_a_written_contract_is_merged_into_a_flow_list(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from linter.suggest import Evidence, Suggestion
    from linter.suggest.writeconfig import merge

    op = SimpleNamespace(method="put", path="/n/{id}", label="PUT /n/{id}")
    s = Suggestion("spec.yaml", "#/x", ("x",), None, "application/json", operations=[op],
                   evidence=[Evidence("references", 0.4, "ids")], names=["#/x"],
                   contract={"on-null": "clear", "on-omit": "bogus", "x-evil": "clear"})
    for existing in ("critical: [a]\n", "critical:\n  - a\n", None):
        text, _ = merge(existing, [s])
        entries = __import__("yaml").safe_load(text)["critical"]
        assert entries[-1] == {"name": "#/x", "on-null": "clear"}  # nothing outside vocab


def test_a_property_named_ref_is_still_a_property(tmp_path: Path) -> None:
    """Kubernetes' JSONSchemaProps has a property `$ref` (a schema, not a reference string)."""
    spec = write_file(tmp_path, "api.yaml", """openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /schemas/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                $ref: {type: string}
                items: {type: array, items: {type: string}, x-critical: true}
      responses: {'400': {description: bad}}
""")
    assert ("PUT001", "items") in rules_of([spec])


def test_a_comment_after_a_key_does_not_hide_its_block(tmp_path: Path) -> None:
    """`put:  # note` then the operation below: positions inside it are still found."""
    from linter.reading import parse

    path = write_file(tmp_path, "c.yaml", "a:\n  b:  # a note\n    d: 1\n    e:\n      f: 2\n")
    doc = parse(path, "c.yaml")
    assert (doc.place(("a", "b", "e", "f")).line, doc.place(("a", "b", "d")).line) == (5, 3)


@needs_arm
def test_every_arm_spec_is_read_by_default_inside_a_git_work_tree(tmp_path: Path) -> None:
    """The corpus as a clone of azure-rest-api-specs would hold it: no --root needed."""
    import shutil

    clone = tmp_path / "azure-rest-api-specs"
    shutil.copytree(ARM / "specification", clone / "specification")
    (clone / ".git").mkdir()
    files, _, _ = discover([clone / "specification"])
    assert len(files) >= 20
    for path in files:
        assert not analyse(path, Options(profile="azure-arm")).errors, path


def test_rules_never_name_a_profile() -> None:
    """A profile is data (linter/profiles.py): no rule's check reads an ARM word itself."""
    import inspect

    from linter.registry import all_rules

    for rule in all_rules():
        source = inspect.getsource(inspect.getmodule(rule.check)).split("RULE = Rule(")[0]
        for word in ("x-ms-", "azure", "profile"):
            assert word not in source.lower(), (rule.id, word)


def test_an_x_put_semantics_typo_is_a_warning(tmp_path: Path) -> None:
    spec = write_file(tmp_path, "api.yaml", SPEC.format(
        mark="true", op="      x-put-semantic: merge\n", required="[members]",
        responses=WITH_400))
    warnings = [w.message for w in run([spec], Options()).warnings]
    assert "'x-put-semantic' is not an extension putlint reads; did you mean " \
        "'x-put-semantics'?" in warnings


def test_the_kubernetes_profile_is_chosen_in_the_configuration(tmp_path: Path) -> None:
    write_file(tmp_path, "api.yaml", K8S_SPEC)
    write_file(tmp_path, "putlint.yaml", "profile: kubernetes\n")
    result = invoke("check", "api.yaml", "-f", "json", cwd=tmp_path)
    assert result.exit_code == 1, result.output
    found = {(f["operation"]["path"], f["field"]) for f in json.loads(result.stdout)["findings"]
             if f.get("field")}
    assert {field for path, field in found if path == "/things/{name}/status"} == \
        {"status.conditions"}
