"""Named presets of API conventions (`profile: azure-arm`, `kubernetes`), written as data.

A profile says how an API family writes what putlint asks about, in that family's own words:
which responses document a rejection, which schema extension says a field cannot be sent on
update, which says the GET never returns it, which fields a subresource PUT writes. Rules never
name a profile; the pipeline (load.py, analysis.py) reads these fields and turns them into the
facts rules read.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.model import REJECTION_CODES


@dataclass(frozen=True)
class Profile:
    name: str
    doc: str
    # Response codes that document a rejection (PUT005, PUT203).
    rejection_codes: tuple[str, ...] = REJECTION_CODES
    # A `default` response with a schema (an error body) documents the rejection too.
    default_error_rejects: bool = False
    # (extension, value): a field whose extension is a list without the value cannot be sent
    # on update, so a PUT of an existing resource can never carry it (PUT004).
    updatable: tuple[str, str] | None = None
    # Values of the `updatable` extension that, listed without its update value, say the field
    # is set when the resource is created and kept by every later PUT (ARM's create-only
    # `[create, read]`): the PUT cannot destroy it, so it is read as `on-omit: preserve`, not
    # as a field every PUT resets (PUT004).
    kept_when: tuple[str, ...] = ()
    # An extension that, set to true, says the GET never returns the field (PUT008).
    secret: str | None = None
    # Subresource PUTs (Kubernetes `/status`, `/scale`): a path whose last segment follows a
    # path parameter (`.../pods/{name}/status`) and is named here writes only the fields at or
    # below the dotted paths given (`[]`: a list's items); the server takes every other field
    # from the stored object, so leaving them out destroys nothing.
    subresources: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Fields the PUT of the resource itself (a path ending in a parameter) does not write:
    # Kubernetes ignores `status` there, which only `/status` writes.
    resource_ignores: tuple[str, ...] = ()

    @property
    def schema_extensions(self) -> tuple[str, ...]:
        """Extensions the bundler keeps on request schemas, so the analysis can read them."""
        return tuple(e for e in ((self.updatable or (None,))[0], self.secret) if e)

    @property
    def rejection_words(self) -> str:
        """What counts as a documented rejection, as findings say it."""
        codes = list(self.rejection_codes)
        if self.default_error_rejects:
            return f"{', '.join(codes)} or `default` error response"
        return f"{', '.join(codes[:-1])} or {codes[-1]} response"

    def writes(self, path: str, field: str) -> bool:
        """Does a PUT of ``path`` write the field (dotted, `spec.containers[].resources`), by the
        profile's subresource convention? True when the profile has none."""
        segments = path.rstrip("/").split("/")
        last, before = segments[-1], segments[-2] if len(segments) > 1 else ""
        if _is_parameter(last):
            return not any(_at_or_below(field, p) for p in self.resource_ignores)
        if not _is_parameter(before):
            return True  # a collection or an action path: not a subresource of one resource
        for name, written in self.subresources:
            if name == last:
                return any(_at_or_below(field, p) for p in written)
        return True

    def documents_rejection(self, responses: set[str], default_has_schema: bool) -> bool:
        codes = {code.upper() for code in responses}
        if any(code.upper() in codes for code in self.rejection_codes):
            return True
        return self.default_error_rejects and "DEFAULT" in codes and default_has_schema


def _is_parameter(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _at_or_below(field: str, path: str) -> bool:
    """`spec.containers[].resources.limits` is below `spec.containers[].resources`; `specs` is
    not below `spec`."""
    return field == path or (field.startswith(path) and field[len(path)] in ".[")


NONE = Profile("none", "OpenAPI as written: a 400, 422 or 4XX response documents a rejection.")

PROFILES: dict[str, Profile] = {
    "azure-arm": Profile(
        "azure-arm",
        "Azure Resource Manager: errors are documented only as a `default` response with an "
        "error schema (ARM's NoErrorCodeResponses forbids 4xx codes); `x-ms-mutability` "
        "without `update` means a field cannot be sent on update: with `create` it is set at "
        "creation and kept by every later PUT (preserved, not reported), without it the "
        "server manages it; `x-ms-secret: true` means the GET never returns it.",
        default_error_rejects=True,
        updatable=("x-ms-mutability", "update"),
        kept_when=("create",),
        secret="x-ms-secret",
    ),
    "kubernetes": Profile(
        "kubernetes",
        "Kubernetes: a subresource PUT writes only its own part of the object and the API "
        "server copies the rest from the stored one: `/status` writes `status`; `/scale` the "
        "Scale's `spec`; `/ephemeralcontainers` `spec.ephemeralContainers`; `/resize` the "
        "containers' `resources`; `/finalize` `spec.finalizers`; `/approval` "
        "`status.conditions`. The PUT of the resource itself ignores `status`. Fields a PUT "
        "does not write are not checked on it.",
        subresources=(
            ("status", ("status",)),
            ("scale", ("spec",)),
            ("ephemeralcontainers", ("spec.ephemeralContainers",)),
            ("resize", ("spec.containers[].resources", "spec.initContainers[].resources")),
            ("finalize", ("spec.finalizers",)),
            ("approval", ("status.conditions",)),
        ),
        resource_ignores=("status",),
    ),
}
# Extensions whose presence says a spec follows a profile it was not checked with. A profile
# is never switched on by them: it changes verdicts, and which conventions hold is the
# configuration's to say (a run is reproducible from putlint.yaml); the hint is one warning.
HINTS: dict[str, str] = {"x-ms-": "azure-arm", "x-kubernetes-": "kubernetes"}


def profile_named(name: str | None) -> Profile:
    return NONE if name is None else PROFILES[name]
