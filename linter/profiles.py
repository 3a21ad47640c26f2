"""Named presets of API conventions (`profile: azure-arm`), written as data.

A profile says how an API family writes what putlint asks about, in that family's own words:
which responses document a rejection, which schema extension says a field cannot be sent on
update, which says the GET never returns it. Rules never name a profile; the pipeline (load.py,
analysis.py) reads these fields and turns them into the facts rules read.
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

    def documents_rejection(self, responses: set[str], default_has_schema: bool) -> bool:
        codes = {code.upper() for code in responses}
        if any(code.upper() in codes for code in self.rejection_codes):
            return True
        return self.default_error_rejects and "DEFAULT" in codes and default_has_schema


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
}
# Extensions whose presence says a spec follows a profile it was not checked with.
HINTS: dict[str, str] = {"x-ms-": "azure-arm"}


def profile_named(name: str | None) -> Profile:
    return NONE if name is None else PROFILES[name]
