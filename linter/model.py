"""The API as putlint sees it: operations in scope and the request bodies they accept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from linter.errors import PutlintError
from linter.refs import MAX_REF_CHAIN, Loc, Workspace
from linter.vocab import DEFAULT_PUT_SEMANTICS, PUT_SEMANTICS, near_annotation

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Where a spec lists its paths: OpenAPI's `paths`, and AutoRest's `x-ms-paths` (Azure), whose
# keys may carry a query string (`/sites/{name}?op=restart`) that `paths` cannot hold.
PATH_SECTIONS = ("paths", "x-ms-paths")
FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
REJECTION_CODES = ("400", "422", "4XX")


@dataclass
class RequestBody:
    """One media type of an operation's request body, with the schema it must match."""

    media_type: str
    schema: Any
    schema_loc: Loc
    required: bool
    loc: Loc  # the node to fix when the body itself is optional


@dataclass
class Operation:
    method: str
    path: str
    operation_id: str | None
    loc: Loc
    responses: set[str]
    responses_loc: Loc
    bodies: list[RequestBody] = field(default_factory=list)
    ignore: frozenset[str] = frozenset()
    # name -> JSON schema of each path parameter: live testing fills them with fresh values
    path_params: dict[str, Any] = field(default_factory=dict)
    siblings: frozenset[str] = frozenset()  # the other methods of the same path (GET, DELETE)
    create_path: str | None = None  # the collection whose POST creates this resource
    default_has_schema: bool = False  # a `default` response with a body (an error schema)
    semantics: str = DEFAULT_PUT_SEMANTICS  # `x-put-semantics` or the config's put-semantics
    semantics_from: str | None = None  # where a `merge` came from, for messages
    # The schema of the GET of the same path's 2xx response (read-modify-write clients send
    # back what it returns), and where it is; None without such a GET.
    readback: tuple[Any, Loc] | None = None

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def documents_rejection(self) -> bool:
        return any(code.upper() in REJECTION_CODES for code in self.responses)


@dataclass(frozen=True)
class Scope:
    """Which operations are upserts: every PUT, plus what the spec or config says."""

    upsert_operation_ids: frozenset[str] = frozenset()
    # operationId or `METHOD /path` -> replace | merge, from the config
    put_semantics: tuple[tuple[str, str], ...] = ()

    def semantics(self, method: str, path: str, node: dict,
                  loc: Loc) -> tuple[str, str | None]:
        """What the operation does with fields a body leaves out, and where that is said.

        The configuration wins over the spec's `x-put-semantics` (it is how specs that cannot
        be edited are described)."""
        config = dict(self.put_semantics)
        for key in (node.get("operationId"), f"{method.upper()} {path}"):
            if isinstance(key, str) and key in config:
                return config[key], f"put-semantics: {key}"
        if "x-put-semantics" not in node:
            return DEFAULT_PUT_SEMANTICS, None
        value = node["x-put-semantics"]
        if value not in PUT_SEMANTICS:
            raise PutlintError(f"x-put-semantics must be one of {', '.join(PUT_SEMANTICS)}, "
                               f"not {value!r}", loc.child("x-put-semantics").place())
        return str(value), "x-put-semantics"

    def includes(self, method: str, node: dict, loc: Loc | None = None) -> bool:
        if "x-upsert" in node:
            flag = node["x-upsert"]
            if not isinstance(flag, bool):
                raise PutlintError(f"x-upsert must be true or false, not {flag!r}",
                                   loc.child("x-upsert").place() if loc else None)
            return flag
        return method == "put" or node.get("operationId") in self.upsert_operation_ids


def path_template(path: str) -> str:
    """The path with its parameters unnamed: `/certs/{id}` and `/certs/{cert_id}` are one."""
    return re.sub(r"\{[^}/]*\}", "{}", path)


def spec_version(data: Any) -> str | None:
    """'2.0', '3.0' or '3.1' for an OpenAPI root document, else None."""
    if not isinstance(data, dict):
        return None
    if str(data.get("swagger", "")).startswith("2"):
        return "2.0"
    openapi = str(data.get("openapi", ""))
    if openapi.startswith("3.0"):
        return "3.0"
    if openapi.startswith("3."):
        return "3.1"
    return None


@dataclass(slots=True)  # one per path: 100,000 in a spec the tests check
class PathItem:
    """One path as putlint reads it, with a `$ref` and the fields beside it merged.

    OpenAPI 3.x allows fields beside a path item's `$ref` and leaves undefined what happens when
    both hold the same field. A gate must drop neither: the operations of both are read; where
    both have the same method, the inline one (the one the author sees) is the one analysed, and
    a warning says the referenced one is shadowed. Path-level `parameters` of both apply, an
    inline one winning over a referenced one of the same name and location (as an operation's
    parameter wins over its path's)."""

    path: str  # the key as written (an `x-ms-paths` key keeps its query string)
    section: str  # "paths" or "x-ms-paths"
    loc: Loc  # where the key's value is written (or the path item a bare `$ref` leads to)
    operations: dict[str, tuple[Any, Loc]] = field(default_factory=dict)  # method -> raw, loc
    parameters: list[tuple[Any, Loc]] = field(default_factory=list)  # raw, loc; inline last

    @property
    def methods(self) -> frozenset[str]:
        return frozenset(m for m, (node, _) in self.operations.items() if isinstance(node, dict))


def path_items(ws: Workspace, errors: list[PutlintError] | None = None,
               warnings: list[PutlintError] | None = None) -> Iterator[PathItem]:
    """Every path item of `paths` and `x-ms-paths`, `$ref`s followed and merged (PathItem).

    A path item that cannot be read goes to ``errors`` (never a silent skip); a shadowed
    operation to ``warnings``."""
    data = ws.root.data if isinstance(ws.root.data, dict) else {}
    for section in PATH_SECTIONS:
        paths = data.get(section)
        if section != "paths" and paths is not None and not isinstance(paths, dict):
            if errors is not None:
                errors.append(PutlintError(f"'{section}' must be a mapping",
                                           ws.root.place((section,))))
            continue
        for path, value in (paths.items() if isinstance(paths, dict) else ()):
            loc = Loc(ws.root, (section, str(path)))
            try:
                item = _path_item(ws, value, loc, warnings, [])
            except PutlintError as exc:
                if errors is not None:
                    errors.append(exc)
                continue
            if item is not None:  # built for this key alone: named in place
                item.path, item.section = str(path), section
                yield item


def _path_item(ws: Workspace, value: Any, loc: Loc, warnings: list[PutlintError] | None,
               seen: list[Loc]) -> PathItem | None:
    if not isinstance(value, dict):
        return None
    if loc in seen or len(seen) > MAX_REF_CHAIN:
        chain = " -> ".join(repr(s) for s in [*seen, loc])
        raise PutlintError(f"$ref loop: {chain}", seen[0].place())
    ref = value.get("$ref")
    if ref is None:
        item = PathItem("", "", loc)
    else:
        target = ws.resolve(ref, loc.child("$ref"))
        item = _path_item(ws, ws.get(target), target, warnings, [*seen, loc]) \
            or PathItem("", "", target)
        if not any(key in value for key in (*METHODS, "parameters")):
            return item  # a bare $ref: the item is the one it leads to
        item = PathItem("", "", loc, dict(item.operations), list(item.parameters))
    for method in METHODS:
        if method not in value:
            continue
        if method in item.operations and warnings is not None:
            shadowed = item.operations[method][1]
            warnings.append(PutlintError(
                f"{method.upper()} is written both here and in the path item of the $ref "
                f"beside it ({shadowed.place()}); OpenAPI leaves this undefined: putlint "
                f"analyses this inline {method.upper()} and not the referenced one",
                loc.child(method).place()))
        item.operations[method] = (value[method], loc.child(method))
    params = value.get("parameters")
    if isinstance(params, list):
        item.parameters += [(raw, loc.child("parameters", i)) for i, raw in enumerate(params)]
    return item


class ApiView:
    """Navigates one OpenAPI document set, following `$ref` as it goes."""

    def __init__(self, ws: Workspace, scope: Scope) -> None:
        self.ws = ws
        self.scope = scope
        data = ws.root.data
        self.version = spec_version(data)
        if self.version is None:
            what = type(data).__name__ if not isinstance(data, dict) else "a mapping"
            raise PutlintError(
                f"not an OpenAPI document: the root is {what} without an 'openapi: 3.x' or "
                "'swagger: \"2.0\"' field", ws.root.place(()))
        self.root = Loc(ws.root, ())
        if "paths" not in data and self.version != "3.1":  # 3.1 allows webhook-only APIs
            raise PutlintError(f"'paths' is required in OpenAPI {self.version}",
                               ws.root.place(()))
        if not isinstance(data.get("paths", {}), dict):
            raise PutlintError("'paths' must be a mapping", ws.root.place(("paths",)))
        # Errors met while reading single operations; the rest of the spec is still checked.
        self.errors: list[PutlintError] = []
        self.warnings: list[PutlintError] = []  # near misses of putlint's extensions
        # every operationId, in scope or not: an `upsert-operations` entry must name one
        self.operation_ids: set[str] = set()
        self.extensions: set[str] = set()  # every `x-` key of an operation (profile hints)
        self._items: list[PathItem] | None = None
        self._posted: set[str] | None = None  # paths with a POST, for _collection_post
        # one frozenset per distinct set of methods, not one per operation (100,000 here)
        self._methods: dict[frozenset[str], frozenset[str]] = {}

    def items(self) -> list[PathItem]:
        """Every path item (read once; errors and shadowing warnings recorded once)."""
        if self._items is None:
            self._items = list(path_items(self.ws, self.errors, self.warnings))
        return self._items

    def operations(self) -> Iterator[Operation]:
        for item in self.items():
            for method in METHODS:
                if method not in item.operations:
                    continue
                try:
                    # Operations may be `$ref`s to other files (DigitalOcean writes every one
                    # so): a ref that cannot be followed is an input error, never a skip.
                    node, loc = self.ws.deref(*item.operations[method])
                except PutlintError as exc:
                    self.errors.append(exc)
                    continue
                if not isinstance(node, dict):
                    continue
                if isinstance(node.get("operationId"), str):
                    self.operation_ids.add(node["operationId"])
                self._check_extensions(node, loc)
                try:
                    if not self.scope.includes(method, node, loc):
                        continue
                    yield self._operation(item, method, node, loc)
                except PutlintError as exc:
                    self.errors.append(exc)

    def _check_extensions(self, node: dict, loc: Loc) -> None:
        """An operation key a typo away from one putlint reads (`x-upsrt`) is said, not
        ignored."""
        for key in node:
            if isinstance(key, str) and key.startswith("x-"):
                self.extensions.add(key)
            intended = near_annotation(key) if isinstance(key, str) else None
            if intended is not None:
                self.warnings.append(PutlintError(
                    f"'{key}' is not an extension putlint reads; did you mean '{intended}'?",
                    loc.child(key).place()))

    def _operation(self, item: PathItem, method: str, node: dict, loc: Loc) -> Operation:
        path = item.path
        responses = node.get("responses") if isinstance(node.get("responses"), dict) else {}
        op = Operation(
            method=method, path=path,
            operation_id=node.get("operationId") if isinstance(node.get("operationId"), str)
            else None,
            loc=loc, responses={str(code) for code in responses},
            responses_loc=loc.child("responses") if "responses" in node else loc,
            ignore=_ignore_list(node.get("x-putlint-ignore")),
            siblings=self._methods.setdefault(item.methods, item.methods),
        )
        op.path_params = self._path_params(node, item, loc)
        op.create_path = self._collection_post(path)
        op.semantics, op.semantics_from = self.scope.semantics(method, path, node, loc)
        op.default_has_schema = self._default_has_schema(responses.get("default"),
                                                         op.responses_loc.child("default"))
        op.readback = self._readback(item)
        if self.version == "2.0":
            op.bodies = list(self._swagger_bodies(node, item, loc))
        else:
            op.bodies = list(self._openapi3_bodies(node, loc))
        return op

    def _response_schema(self, response: Any, loc: Loc) -> tuple[Any, Loc] | None:
        """The body schema of one response (2.0 `schema`; 3.x the JSON media type's, else the
        first), or None."""
        try:
            response, loc = self.ws.deref(response, loc)
        except PutlintError:
            return None
        if not isinstance(response, dict):
            return None
        if self.version == "2.0":
            return (response["schema"], loc.child("schema")) if "schema" in response else None
        content = response.get("content")
        if not isinstance(content, dict) or not content:
            return None
        media_types = sorted(content, key=lambda m: "json" not in str(m))
        for media_type in media_types:
            media = content[media_type]
            if isinstance(media, dict) and "schema" in media:
                return media["schema"], loc.child("content", media_type, "schema")
        return None

    def _default_has_schema(self, response: Any, loc: Loc) -> bool:
        return response is not None and self._response_schema(response, loc) is not None

    def _readback(self, item: PathItem) -> tuple[Any, Loc] | None:
        """The GET of the same path's first 2xx response schema."""
        if "get" not in item.operations:
            return None
        try:
            get, get_loc = self.ws.deref(*item.operations["get"])
        except PutlintError:
            return None
        responses = get.get("responses") if isinstance(get, dict) else None
        if not isinstance(responses, dict):
            return None
        for code in sorted(str(c) for c in responses):
            if code.startswith("2"):
                raw = responses.get(code, responses.get(_int_or(code)))
                found = self._response_schema(raw, get_loc.child("responses", code))
                if found is not None:
                    return found
        return None

    def _openapi3_bodies(self, node: dict, loc: Loc) -> Iterator[RequestBody]:
        if "requestBody" not in node:
            return
        body_loc = loc.child("requestBody")
        body, resolved = self.ws.deref(node["requestBody"], body_loc)
        if not isinstance(body, dict):
            return
        content = body.get("content")
        if not isinstance(content, dict):
            return
        for media_type, media in content.items():
            if isinstance(media, dict) and "schema" in media:
                yield RequestBody(str(media_type), media["schema"],
                                  resolved.child("content", media_type, "schema"),
                                  body.get("required") is True, body_loc)

    def _swagger_bodies(self, node: dict, item: PathItem, loc: Loc) -> Iterator[RequestBody]:
        params = self._parameters(node, item, loc)
        consumes = node.get("consumes", self.ws.root.data.get("consumes")) or ["application/json"]
        if not isinstance(consumes, list):
            consumes = ["application/json"]
        for param, param_loc in params:
            if param.get("in") == "body" and "schema" in param:
                for media_type in consumes:
                    if str(media_type) not in FORM_MEDIA_TYPES:
                        yield RequestBody(str(media_type), param["schema"],
                                          param_loc.child("schema"),
                                          param.get("required") is True, param_loc)
        form = [(p, ploc) for p, ploc in params if p.get("in") == "formData"]
        if form:
            schema, schema_loc = _form_schema(form, loc)
            form_types = [m for m in consumes if m in FORM_MEDIA_TYPES] or [FORM_MEDIA_TYPES[0]]
            for media_type in form_types:
                # A form has no body-level optionality: each field says whether it is required.
                yield RequestBody(str(media_type), schema, schema_loc, True, loc)

    def _collection_post(self, path: str) -> str | None:
        """`/certs` when this is `/certs/{id}` and `/certs` has a POST."""
        parent, _, last = path.rpartition("/")
        if not (last.startswith("{") and last.endswith("}")):
            return None
        if self._posted is None:  # once: asked for every operation (100,000 in a spec here)
            self._posted = {i.path for i in self.items() if "post" in i.methods}
        return parent if parent in self._posted else None

    def _path_params(self, node: dict, item: PathItem, loc: Loc) -> dict[str, Any]:
        try:
            params = self._parameters(node, item, loc)
        except PutlintError:  # for 3.x only live tests read parameters; 2.0 bodies report it
            return {}
        return {str(p.get("name")): self._param_schema(p, ploc) for p, ploc in params
                if p.get("in") == "path"}

    def _param_schema(self, param: dict, param_loc: Loc) -> Any:
        """3.x puts a parameter's type under `schema`; 2.0 writes it on the parameter."""
        if "schema" not in param:
            return param
        try:
            return self.ws.deref(param["schema"], param_loc.child("schema"))[0]
        except PutlintError:  # a broken $ref here is reported where it matters, not here
            return {}

    def _parameters(self, node: dict, item: PathItem, loc: Loc) -> list[tuple[dict, Loc]]:
        """Path-level and operation-level parameters, resolved; the operation's win."""
        merged: dict[tuple[str, str], tuple[dict, Loc]] = {}
        own = node.get("parameters")
        own_params = [(raw, loc.child("parameters", i)) for i, raw in enumerate(own)] \
            if isinstance(own, list) else []
        for raw, where in [*item.parameters, *own_params]:
            param, param_loc = self.ws.deref(raw, where)
            if isinstance(param, dict):
                merged[(str(param.get("in")), str(param.get("name")))] = (param, param_loc)
        return list(merged.values())


def _form_schema(form: list[tuple[dict, Loc]], loc: Loc) -> tuple[dict, Loc]:
    """An object schema standing for Swagger 2.0 formData parameters.

    Each property is the parameter's own location (the bundler treats a Loc as a resolved
    reference), so marks, suppressions and source positions are those the author wrote.
    """
    properties: dict[str, Loc] = {}
    required = []
    for param, param_loc in form:
        name = str(param.get("name"))
        properties[name] = param_loc
        if param.get("required") is True:
            required.append(name)
    return {"type": "object", "properties": properties, "required": required}, loc


def _int_or(code: str) -> Any:
    """YAML reads `200:` as an int key."""
    return int(code) if code.isdigit() else code


def _ignore_list(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    return frozenset()
