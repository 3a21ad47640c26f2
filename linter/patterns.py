"""Regular expressions from specs, matched in linear time (RE2), or honestly not at all.

A spec's `pattern` or `patternProperties` key is attacker-chosen text: with Python's
backtracking `re`, `^(a+)+b$` against 32 characters takes minutes. Every spec pattern putlint
matches goes through here instead, to RE2 (google-re2), whose time is linear in the text.

RE2 does not read everything ECMA-262 and Python do (look-arounds, back-references), and
reads a few things differently: a repetition count it cannot hold (`a{1500000000}`) it takes
as literal text, silently. So a pattern is first parsed with Python's own regex parser (no
matching, linear in the pattern) and trusted only if its tree holds nothing RE2 would refuse
or misread; otherwise it is UNKNOWN: ``search`` answers None, the validator raises
PatternUnknown, and a verdict that needed it is "undecided". Never a guess, never a hang.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from typing import Any, ClassVar

try:
    import re._parser as _regex_parser  # Python 3.11 and later
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _regex_parser  # type: ignore[no-redef]

import re2

# RE2's own limit on a counted repetition; beyond it RE2 refuses or misreads the count.
MAX_REPEAT = 1000
# Longer patterns are not parsed at all: no real spec has one, and parsing costs memory.
MAX_PATTERN = 64 * 1024
_UNSUPPORTED = {"GROUPREF", "GROUPREF_EXISTS", "ASSERT", "ASSERT_NOT", "ATOMIC_GROUP",
                "POSSESSIVE_REPEAT"}


class Undecidable(Exception):
    """jsonschema's answer about a body cannot be had within putlint's bounds."""

    reason = "validation cut short"


class PatternUnknown(Undecidable):
    """A spec pattern putlint cannot match in linear time: the answer is unknown."""

    reason = ("a pattern needs look-around, back-references or long counted repeats, "
              "which putlint does not run")  # or a program past MAX_PROGRAM, or the budget

    def __init__(self, pattern: str) -> None:
        super().__init__(pattern)
        self.pattern = pattern


class OutOfSteps(Undecidable):
    """Validating one body took more than its share of steps (`oneOf` over `oneOf` over the
    same schema, forty levels deep, is 2^40 steps for jsonschema)."""

    reason = "validating an example took more steps than putlint allows"


# RE2's time per match is the text's length times its program's size (its NFA, when the DFA
# gives up: ~1.4 ns per instruction per character measured), so one long program against a
# long text is seconds (`.{999}` x 30: 240,000 instructions). The largest program of any
# pattern in ../shared/corpus (4,187 files, 401 distinct patterns) has 1,398 instructions
# (`^BU[0-9a-fA-F]{32}(,BU[0-9a-fA-F]{32}){0,19}$`); beyond this a pattern is unknown.
MAX_PROGRAM = 16_000
# RE2's memory per program (instructions and its DFA cache). RE2 gives a quarter of it to the
# compiler, so past ~16,000 instructions a compile fails early; the rest bounds the DFA.
MAX_MEM = 1 << 20
# Compiled programs kept, weighed by their size plus a share for their DFA cache: at most
# 100 programs, about 100 MiB in the worst case (1,500 programs once took 818 MiB).
CACHE_WEIGHT = 400_000
_ENTRY_WEIGHT = 4_000
# Instructions x characters RE2 may run per spec (a compile is charged as _COMPILE_CELLS per
# instruction): about 2 s at the measured worst rate.
CELLS_PER_SPEC = 1_000_000_000  # the corpus, critical fields planted: at most 139,512
_COMPILE_CELLS = 200


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern on stderr
    options.max_mem = MAX_MEM
    return options


_OPTIONS = _options()


class _Programs:
    """The compiled-program cache, least recently used first, bounded by total weight; and
    what RE2 may still run for the spec being analysed (reset by ``new_spec``)."""

    cache: ClassVar[OrderedDict[str, Any]] = OrderedDict()
    weight = 0
    cells_left = CELLS_PER_SPEC
    cells_used = 0  # in this process, for benchmarks
    refusals = 0  # answers the budget left unknown (callers keep none of those)

    @classmethod
    def charge(cls, cells: int) -> bool:
        """Spend ``cells`` of the spec's RE2 budget; False (nothing spent) if over it."""
        if cells > cls.cells_left:
            cls.refusals += 1
            return False
        cls.cells_left -= cells
        cls.cells_used += cells
        return True

    @classmethod
    def keep(cls, pattern: str, program: Any | None) -> None:
        cls.cache[pattern] = program
        cls.weight += _weight(program)
        while cls.weight > CACHE_WEIGHT and len(cls.cache) > 1:
            _, dropped = cls.cache.popitem(last=False)
            cls.weight -= _weight(dropped)


def _weight(program: Any | None) -> int:
    return _ENTRY_WEIGHT + (program.programsize if program is not None else 0)


def compiled(pattern: str) -> Any | None:
    """The RE2 program for a trusted pattern, else None (unknown: a pattern RE2 cannot run,
    one whose program is over MAX_PROGRAM, or one the spec's budget cannot pay to compile)."""
    if not isinstance(pattern, str):
        return None
    if pattern in _Programs.cache:
        _Programs.cache.move_to_end(pattern)
        return _Programs.cache[pattern]
    if len(pattern) > MAX_PATTERN or not _trusted(pattern):
        _Programs.keep(pattern, None)
        return None
    if _Programs.cells_left <= 0:  # not cached: the next spec may afford it
        _Programs.refusals += 1
        return None
    try:
        program = re2.compile(pattern, _OPTIONS)
    except Exception:  # re2.error, or a pattern too large for its memory budget
        program = None
    if program is not None and program.programsize > MAX_PROGRAM:
        program = None
    # Charged after the fact: one compile overshoots by at most MAX_MEM's worth of program.
    _Programs.cells_left -= _COMPILE_CELLS * (program.programsize if program else MAX_PROGRAM)
    _Programs.keep(pattern, program)
    return program


def search(pattern: str, text: str) -> bool | None:
    """Does ``pattern`` match somewhere in ``text``? None when that cannot be known: the
    pattern is unknown, or the match would cost more than the spec has left."""
    program = compiled(pattern)
    if program is None or not _Programs.charge(program.programsize * (len(text) + 1)):
        return None
    return program.search(text) is not None


def budget_refusals() -> int:
    """How many answers the per-spec budget has left unknown in this process: a caller that
    caches what it derives from patterns keeps nothing derived while this number moved."""
    return _Programs.refusals


def must_search(pattern: str, text: str) -> bool:
    """``search`` for callers that cannot carry an unknown: raises PatternUnknown."""
    found = search(pattern, text)
    if found is None:
        raise PatternUnknown(pattern)
    return found


def parsed(pattern: str) -> Any | None:
    """Python's parse tree of a pattern (for spelling examples), None if unreadable."""
    if len(pattern) > MAX_PATTERN:
        return None
    try:
        return _regex_parser.parse(pattern)
    except Exception:  # re.error, RecursionError on absurd nesting, OverflowError on counts
        return None


def _trusted(pattern: str) -> bool:
    tree = parsed(pattern)
    return tree is not None and _tree_ok(tree) and _expanded(tree) <= MAX_PROGRAM


def _expanded(items: Any) -> int:
    """The atoms of a pattern with its counted repeats written out, nested counts multiplied
    (`(.{999}){2}` is 1,998): a floor on RE2's program size, had before compiling it. Stops
    counting past MAX_PROGRAM."""
    total = 0
    stack = [(items, 1)]
    while stack and total <= MAX_PROGRAM:
        sub, times = stack.pop()
        for op, arg in sub:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, inner = arg
                count = low if high == _regex_parser.MAXREPEAT else high
                stack.append((inner, times * max(1, min(count, MAX_PROGRAM + 1))))
            elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
                stack.append((arg[-1], times))
            elif name == "BRANCH":
                stack.extend((branch, times) for branch in arg[1])
            else:
                total += times
    return total


def _tree_ok(items: Any) -> bool:
    stack = [items]
    while stack:
        for op, arg in stack.pop():
            name = str(op)
            if name in _UNSUPPORTED:
                return False
            if name in ("MAX_REPEAT", "MIN_REPEAT"):
                low, high, sub = arg
                if low > MAX_REPEAT or (high != _regex_parser.MAXREPEAT and high > MAX_REPEAT):
                    return False
                stack.append(sub)
            elif name == "SUBPATTERN":
                stack.append(arg[-1])
            elif name == "BRANCH":
                stack.extend(arg[1])
    return True


# --- jsonschema, with every regex keyword through ``must_search`` -------------------------------


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Any:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not must_search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Any:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if must_search(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator: Any, extra: Any, instance: Any, schema: Any) -> Any:
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "object"):
        return
    declared = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extras = [k for k in instance
              if k not in declared and not any(must_search(p, k) for p in patterns)]
    if validator.is_type(extra, "object"):
        for key in extras:
            yield from validator.descend(instance[key], extra, path=key)
    elif not extra and extras:
        yield ValidationError(f"Additional properties are not allowed ({sorted(extras)!r})")


def _uses_pattern_properties(schema: Any) -> bool:
    stack, seen = [schema], 0
    while stack and seen < 100_000:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            if "patternProperties" in node:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return bool(stack)  # too big to tell: as unknown as a pattern


# Applicator keywords evaluated (each costs a descent) per body, and per spec in all. The
# planted corpus needs at most 24 per body and 2,100 per spec; a step costs up to 15 us.
STEPS_PER_BODY = 20_000
STEPS_PER_SPEC = 200_000
_APPLICATORS = ("$ref", "$dynamicRef", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
                "properties", "patternProperties", "additionalProperties", "items",
                "prefixItems", "contains", "dependentSchemas", "propertyNames",
                "unevaluatedItems", "unevaluatedProperties")


class _Meter:
    """Steps left for the body being validated (one validation at a time per process), and
    for the spec being analysed (reset by ``new_spec``)."""

    left = STEPS_PER_BODY
    spec_left = STEPS_PER_SPEC
    used = 0  # in this process, for benchmarks
    most = 0  # the most one body took


def _metered(keyword: Any) -> Any:
    def counted(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        _Meter.left -= 1
        if _Meter.left < 0:
            raise OutOfSteps()
        return keyword(validator, value, instance, schema)

    return counted


def _charged(keyword: Any) -> Any:
    """`enum` and `const` against a list or an object compare element by element: 200 lists of
    1,000 numbers against a list body is 200,000 comparisons for one keyword, and a spec under
    1 MB could ask it a million times. Charge what the comparison costs (scalars stay free)."""

    def counted(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        if isinstance(instance, (list, dict)):
            alternatives = len(value) if isinstance(value, list) else 1
            _Meter.left -= alternatives * max(len(instance), 1)
            if _Meter.left < 0:
                raise OutOfSteps()
        return keyword(validator, value, instance, schema)

    return counted


def new_spec() -> None:
    _Meter.spec_left = STEPS_PER_SPEC
    _Programs.cells_left = CELLS_PER_SPEC


def checker(schema: Any, formats: bool = False, per_spec: bool = True) -> Any:
    """A bounded jsonschema 2020-12 check of bodies against ``schema``: True or False, or
    None with ``checker.why`` set when it cannot be known within the bounds (an unknown
    pattern, the step budget). A schema jsonschema cannot use accepts nothing. The empty
    registry fetches nothing.

    ``per_spec`` also draws on the spec's budget (the analysis); without it only each body is
    bounded (generated test bodies: a test session checks thousands, each from a strategy).
    """
    from jsonschema import FormatChecker
    from referencing import Registry

    validator = linear_validator()(schema, registry=Registry(),
                                   format_checker=FormatChecker() if formats else None)
    def is_valid(instance: Any) -> bool | None:
        _Meter.left = allowed = min(STEPS_PER_BODY, _Meter.spec_left) if per_spec else \
            STEPS_PER_BODY
        try:
            return bool(validator.is_valid(instance))
        except Undecidable as exc:
            is_valid.why = exc.reason  # type: ignore[attr-defined]
            return None
        except RecursionError:
            is_valid.why = "the schema nests too deeply to validate"  # type: ignore[attr-defined]
            return None
        except Exception as exc:  # a keyword of the wrong type (`maximum: "X"`) or similar
            # Not "invalid": that would judge the field impossible to omit and report nothing,
            # a silent pass. Undecided, with the reason, is reported.
            is_valid.why = (  # type: ignore[attr-defined]
                f"jsonschema cannot evaluate the schema ({type(exc).__name__})")
            return None
        finally:
            used = allowed - max(_Meter.left, 0)
            if per_spec:
                _Meter.spec_left -= used
            _Meter.used += used
            _Meter.most = max(_Meter.most, used)

    is_valid.why = ""  # type: ignore[attr-defined]
    return is_valid


@functools.lru_cache(maxsize=1)
def linear_validator() -> Any:
    """Draft 2020-12 with `pattern`, `patternProperties` and `additionalProperties` matched by
    RE2. jsonschema's `unevaluatedProperties` matches patternProperties with Python's `re`
    deep inside its helpers, so where both meet the answer is unknown rather than unbounded."""
    from jsonschema import Draft202012Validator, validators

    original = Draft202012Validator.VALIDATORS["unevaluatedProperties"]

    def unevaluated(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        if validator.is_type(instance, "object") and instance and \
                _uses_pattern_properties(validator.schema):
            raise PatternUnknown("patternProperties under unevaluatedProperties")
        yield from original(validator, value, instance, schema)

    keywords = {**Draft202012Validator.VALIDATORS, "pattern": _pattern,
                "patternProperties": _pattern_properties,
                "additionalProperties": _additional_properties,
                "unevaluatedProperties": unevaluated}
    keywords["enum"] = _charged(keywords["enum"])
    keywords["const"] = _charged(keywords["const"])
    return validators.extend(Draft202012Validator, {
        name: _metered(fn) if name in _APPLICATORS else fn for name, fn in keywords.items()})


def lenient_keywords() -> dict[str, Any]:
    """`pattern`, `patternProperties` and `additionalProperties` for a validator that reports
    errors (--validate): matched by RE2, and a pattern RE2 cannot run matches everything, so
    that nothing is reported that was not checked."""

    def lenient(check: Any) -> Any:
        def keyword(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
            try:
                yield from list(check(validator, value, instance, schema))
            except PatternUnknown:
                return

        return keyword

    return {"pattern": lenient(_pattern), "patternProperties": lenient(_pattern_properties),
            "additionalProperties": lenient(_additional_properties)}
