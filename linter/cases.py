"""Omission cases: hypothesis strategies for full request bodies and their omission variants.

This is putlint's public testing API (see docs/pytest-plugin.md, "Strategies")::

    from linter.cases import load_spec

    spec = load_spec("openapi.yaml")
    op = spec.operation("upsert-certificate")          # or spec.operation("PUT /certs/{id}")

    @given(op.omission_cases(forms="all"))
    def test_something(case): ...

Bodies come from the operation's request schema (strategies.py: formats, enums, patterns and
bounds included), are checked with jsonschema against the real schema, and shrink
like any hypothesis value. jsonschema is the oracle: a case is `admitted` when the contract
accepts its variant body.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from linter.analysis import validator_for
from linter.bodies import concrete, generation_schema, is_map, with_fewer, with_form
from linter.config import Options
from linter.critical import CriticalName
from linter.errors import PutlintError
from linter.facts import FieldFacts, OperationFacts
from linter.search import Form

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from linter.load import SpecReport

FormsWanted = Literal["admitted", "all"] | Iterable[Form | str]


@dataclass(frozen=True)
class OmissionCase:
    """One omission: a full body, the same body with one critical field omitted, nulled or
    emptied, and whether the contract (the request schema) accepts that variant."""

    operation: str  # "PUT /certificates/{id}"
    media_type: str
    field: str  # the critical field, dotted: "snis", "certificates[].snis"
    target: str  # what the variant changes in this body: "snis", "certificates[0].snis"
    path: tuple[str, ...]
    form: Form
    on_omit: str  # what the contract says omission does: reject, preserve or purge
    full: Any
    variant: Any
    admitted: bool
    # a shrink case: the collection with one member instead of the stored two (`form` is
    # then EMPTY, the nearest omission form, and `kind` says "shrink")
    shrink: bool = False

    @property
    def kind(self) -> str:
        """absent, null, empty or shrink: what the case sends, as records and plans say."""
        return "shrink" if self.shrink else self.form.value

    def describe(self) -> str:
        if self.shrink:
            return f"{self.operation} with a shorter {self.target}"
        verb = {Form.ABSENT: "without", Form.NULL: "with null", Form.EMPTY: "with empty"}
        return f"{self.operation} {verb[self.form]} {self.target}"


@dataclass
class MediaCases:
    """The strategies of one media type of one operation's request body."""

    media_type: str
    schema: dict
    fields: list[FieldFacts]
    _full: dict[int, Any] = field(default_factory=dict, repr=False)
    examples: list[Any] = field(default_factory=list)  # the media type's own example(s)

    @functools.cached_property
    def is_valid(self) -> Callable[[Any], bool]:
        return validator_for(self.schema, formats=True)

    def full_bodies(self, members: int = 1) -> SearchStrategy[Any]:
        """Valid bodies in which every critical field is present, not null and not empty
        (a critical collection with at least `members` distinct members)."""
        if members not in self._full:
            from linter.strategies import from_schema

            maps = frozenset(f.field.path for f in self.fields
                             if f.field.entries and is_map(f.field.entries[-1]))
            schema = generation_schema(self.schema, [f.field.path for f in self.fields],
                                       members, maps)
            self._full[members] = from_schema(schema).filter(self.is_valid)
        return self._full[members]

    def admits(self, facts: FieldFacts, form: Form) -> bool:
        """The static verdict: can some valid body have this field in this form?"""
        verdict = {Form.ABSENT: facts.omittable, Form.NULL: facts.nullable,
                   Form.EMPTY: facts.emptiable}[form]
        return verdict.holds is not False


@dataclass
class OperationCases:
    """One in-scope operation with critical fields: its strategies, and what live tests need
    to address it (path parameters, the methods its path also has)."""

    facts: OperationFacts
    media: list[MediaCases]

    @property
    def method(self) -> str:
        return self.facts.op.method.upper()

    @property
    def path(self) -> str:
        return self.facts.op.path

    @property
    def operation_id(self) -> str | None:
        return self.facts.op.operation_id

    @property
    def label(self) -> str:
        return self.facts.op.label

    @property
    def path_params(self) -> dict[str, Any]:
        return self.facts.op.path_params

    @property
    def siblings(self) -> frozenset[str]:
        return self.facts.op.siblings

    def default_media(self) -> MediaCases:
        """The JSON media type when there is one, else the first."""
        return self._media(None)[0]

    def _media(self, media_type: str | None) -> list[MediaCases]:
        if media_type is None:
            json_first = sorted(self.media, key=lambda m: "json" not in m.media_type)
            return json_first[:1]
        chosen = [m for m in self.media if m.media_type == media_type]
        if not chosen:
            raise PutlintError(f"{self.label} has no request body of type {media_type}", None)
        return chosen

    def full_bodies(self, media_type: str | None = None) -> SearchStrategy[Any]:
        """Valid full bodies (the JSON media type unless another is named)."""
        return self._media(media_type)[0].full_bodies()

    def omission_cases(self, forms: FormsWanted = "admitted",
                       media_type: str | None = None,
                       fields: Sequence[str] | None = None) -> SearchStrategy[OmissionCase]:
        """Full bodies with one critical field left out, nulled or emptied.

        ``forms="admitted"`` (the default) keeps the forms the contract accepts, so every
        variant validates; ``"all"`` adds the forms it forbids, which a server must reject;
        or name the forms: ``forms=["absent"]``. ``fields`` restricts the critical fields.
        """
        from hypothesis import strategies as st

        targets = [(media, f, form) for media in self._media(media_type)
                   for f in media.fields
                   if fields is None or f.path in fields
                   for form in _forms(forms)
                   if forms != "admitted" or media.admits(f, form)]
        if not targets:
            return st.nothing()

        def cases(target: tuple[MediaCases, FieldFacts, Form]) -> SearchStrategy[OmissionCase]:
            media, facts, form = target
            made = media.full_bodies().map(lambda body: self.case_of(media, facts, form, body))
            return made.filter(lambda c: c is not None and (forms != "admitted" or c.admitted))

        return st.sampled_from(targets).flatmap(cases)

    def matches(self, key: str) -> bool:
        """Is this the operation `key` names: its operationId, or `METHOD /path` as the spec
        writes the path (the method in either case)?"""
        return key in (self.operation_id, f"{self.method} {self.path}",
                       f"{self.method.lower()} {self.path}")

    def case_of(self, media: MediaCases, facts: FieldFacts, form: Form,
                body: Any) -> OmissionCase | None:
        """The omission case of `body`; None when the form does not apply to it (the field
        is not there, or "empty" asked of a scalar). With no body at all (none could be
        generated) the case carries none, and nothing can be sent for it."""
        if body is None:
            return OmissionCase(self.label, media.media_type, facts.path,
                                concrete(facts.field.path), facts.field.path, form,
                                facts.mark.on_omit, None, None, False)
        variant = with_form(body, facts.field.path, form)
        if variant is None:
            return None
        return OmissionCase(self.label, media.media_type, facts.path, concrete(facts.field.path),
                            facts.field.path, form, facts.mark.on_omit, body, variant,
                            media.is_valid(variant))


    def shrink_case(self, media: MediaCases, facts: FieldFacts,
                    body: Any) -> OmissionCase | None:
        """The body with the critical collection cut to its first member; None when the
        field is no collection of two or more members in `body`."""
        variant = with_fewer(body, facts.field.path) if body is not None else None
        if variant is None:
            return None
        return OmissionCase(self.label, media.media_type, facts.path,
                            concrete(facts.field.path), facts.field.path, Form.EMPTY,
                            facts.mark.on_omit, body, variant, media.is_valid(variant),
                            shrink=True)


def media_examples(schema_loc: Any) -> list[Any]:
    """The `example` and `examples` (their `value`s) of the media type object that holds the
    request schema at `schema_loc`: the spec author's own bodies."""
    node = getattr(getattr(schema_loc, "doc", None), "data", None)
    for step in tuple(getattr(schema_loc, "pointer", ()))[:-1]:
        if isinstance(node, dict):
            node = node.get(step)
        elif isinstance(node, list) and str(step).isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return []
    if not isinstance(node, dict):
        return []
    out = [node["example"]] if "example" in node else []
    named = node.get("examples")
    if isinstance(named, dict):
        out += [e["value"] for e in named.values() if isinstance(e, dict) and "value" in e]
    return out


def _forms(wanted: FormsWanted) -> list[Form]:
    if wanted in ("admitted", "all"):
        return list(Form)
    return [Form(f) for f in wanted]  # type: ignore[union-attr]


@dataclass
class Spec:
    """A loaded spec: its in-scope operations that have critical fields."""

    path: str
    operations: list[OperationCases]
    analysis: SpecReport  # everything the pipeline found, critical or not (PUT007 reads it)

    def operation(self, key: str) -> OperationCases:
        """By operationId, or by `METHOD /path` exactly as the spec writes the path."""
        for op in self.operations:
            if op.matches(key):
                return op
        known = ", ".join(op.operation_id or op.label for op in self.operations) or "none"
        raise PutlintError(f"no in-scope operation with critical fields is '{key}' "
                           f"(known: {known})", None)


def load_spec(path: str | Path, critical: Iterable[str] = (),
              upsert_operations: Iterable[str] = (), options: Options | None = None) -> Spec:
    """Load and analyse a spec. ``critical`` marks fields from outside (as ``--critical``).

    Raises PutlintError when the spec cannot be loaded: a test should fail loudly then.
    """
    from linter.load import analyse

    base = options or Options()
    options = replace(base, critical=[*base.critical, *(CriticalName(n) for n in critical)],
                      upsert_operations=base.upsert_operations | frozenset(upsert_operations))
    report = analyse(Path(path), options)
    if report.errors:
        raise report.errors[0]
    operations = []
    for facts in report.operations:
        media = [MediaCases(m.body.media_type, m.fields[0].bundle.schema, m.fields,
                            examples=media_examples(m.body.schema_loc))
                 for m in facts.media if m.fields]
        if media:
            operations.append(OperationCases(facts, media))
    return Spec(report.path, operations, report)
