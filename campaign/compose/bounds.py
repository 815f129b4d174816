"""Jinja's sandbox, bounded: no one operation of a template makes a text or list too big.

The sandbox keeps a template from Python's internals, but ``{{ "x" * 3000000000 }}``
would still take gigabytes. Each operation that can make a result much larger than
its inputs (``*``, ``+``, ``%``, ``**``, ``range``, ``join``, ``format``, ``center``,
...) works out the size of its result first, and refuses one over the bound, at the
template's line. A loop that grows a text step by step is stopped by the memory
limit instead (limits.template_memory).
"""

from __future__ import annotations

import math
import re
import string
import sys
import types
from collections.abc import Callable, Iterable
from typing import Any

import jinja2
import jinja2.compiler
import jinja2.exceptions
import jinja2.filters
import jinja2.nodes
import jinja2.sandbox
import jinja2.utils

MAX_SIZE = 10_000_000  # characters of a text, or items of a list, one operation may make
MAX_RANGE = jinja2.sandbox.MAX_RANGE  # numbers a range may hold (Jinja's own bound)
HINT = "no letter needs anything this big: look for a repetition that runs away"

# A conversion in a %-format: its flags, width and precision ('*' takes them from the values).
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")


class TooBig(jinja2.exceptions.SecurityError):
    """An operation of a template would make a result over the bound; said at its line."""

    def __init__(self, message: str, hint: str = HINT) -> None:
        super().__init__(message)
        self.hint = hint


def _refuse(what: str, size: int, unit: str = "characters", exact: bool = True) -> None:
    """Raise TooBig if ``size`` (of the result of ``what``, or its most) is over the bound."""
    if size > MAX_SIZE:
        kind = "a text" if unit == "characters" else "a list"
        of = "of" if exact else "of up to"
        raise TooBig(
            f"{what} would make {kind} {of} {size:,} {unit}; "
            f"a template may make at most {MAX_SIZE:,}"
        )


def _length(value: Any) -> int | None:
    """The length of a text or list, or None for other values (numbers, ...)."""
    if isinstance(value, (str, list, tuple)):
        return len(value)
    return None


def _unit(value: Any) -> str:
    return "characters" if isinstance(value, str) else "items"


def _number(value: Any) -> int:
    """``value`` as a count, for working out sizes (not a whole number: 0)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _largest_number(values: Iterable[Any]) -> int:
    return max((_number(v) for v in values), default=0)


def _values(values: Any) -> list[Any]:
    """The values a %-format takes: a tuple's items, a mapping's values, or the one value."""
    if isinstance(values, dict):
        return list(values.values())
    return list(values) if isinstance(values, tuple) else [values]


def percent_room(text: str, values: Any) -> int:
    """How many characters the widths and precisions of a %-format may add."""
    room = 0
    for match in _PERCENT.finditer(text):
        for part in match.groups():
            if part == "*":  # taken from the values: count the largest
                room += _largest_number(_values(values))
            elif part:
                room += int(part)
    return room


def format_room(text: str, values: list[Any]) -> int:
    """How many characters the widths and precisions of a ``str.format`` text may add."""
    room = 0
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return 0  # formatting fails by itself, with Python's message
    for _, _, spec, _ in fields:
        if spec and "{" in spec:  # a width taken from the values
            room += _largest_number(values)
        room += sum(int(d) for d in _DIGITS.findall(spec or ""))
    return room


def check_percent(text: str, values: Any, what: str = "'%'") -> None:
    """Refuse a %-format whose result could be over the bound."""
    size = len(text) + sum(len(str(v)) for v in _values(values))
    _refuse(what, size + percent_room(text, values), exact=False)


def _check_method(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse a call of a text's method (``center``, ``replace``, ...) that makes too much."""
    text: str = method.__self__
    name = method.__name__
    what = f"'{name}'"
    if name in ("center", "ljust", "rjust", "zfill") and args:
        _refuse(what, max(len(text), _number(args[0])))
    elif name == "expandtabs":
        tab = _number(args[0] if args else kwargs.get("tabsize", 8))
        _refuse(what, len(text) + text.count("\t") * tab, exact=False)
    elif name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        times = len(text) + 1 if not old else text.count(old)
        if len(args) > 2 and _number(args[2]) >= 0 and isinstance(args[2], int):
            times = min(times, args[2])
        _refuse(what, len(text) + times * max(0, len(new) - len(old)), exact=False)
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, (list, tuple)):
            _refuse(what, sum(len(str(i)) for i in items) + len(text) * max(0, len(items) - 1))
    elif name == "translate" and args and isinstance(args[0], dict):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
        _refuse(what, len(text) * max(longest, 1), exact=False)


class _BoundedCodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's compiler, with ``a ~ b`` joined through the environment's bound."""

    def visit_Concat(self, node: jinja2.nodes.Concat, frame: jinja2.compiler.Frame) -> None:
        # '~' is no binary operator to the sandbox (it compiles to one join of all its
        # parts), so intercepted_binops cannot see it; the join is wrapped here instead.
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        else:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        self.write(f"environment.bounded_concat({join}, (")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")


def _bounded_sum(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    """Jinja's ``sum``, bounded when it adds up lists or texts (``sum(start=[])``)."""
    if isinstance(start, (str, list, tuple)):
        items = list(iterable)
        size = len(start) + sum(_length(i) or 0 for i in items)
        _refuse("'sum'", size, _unit(start))
        iterable = items
    return jinja2.filters.sync_do_sum(environment, iterable, attribute, start)


class BoundedSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The immutable sandbox, with every operation that can make a big result bounded."""

    intercepted_binops = frozenset({"*", "+", "%", "**"})
    code_generator_class = _BoundedCodeGenerator

    def bounded_concat(self, join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """``a ~ b ~ ...`` joined by ``join``, once the result is known to be within the bound."""
        texts = [p if isinstance(p, str) else str(p) for p in parts]
        _refuse("'~'", sum(len(t) for t in texts))
        return join(parts)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters["sum"] = jinja2.pass_environment(_bounded_sum)
        self.globals["range"] = bounded_range
        self.globals["lipsum"] = bounded_lipsum
        filters = self.filters
        filters["center"] = _bounded_center
        filters["indent"] = _bounded_indent
        filters["join"] = _bounded_join
        filters["format"] = _bounded_format
        filters["batch"] = _bounded_batch
        filters["replace"] = _bounded_replace
        filters["wordwrap"] = _bounded_wordwrap

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        """``left operator right``, once its result is known to be within the bound."""
        what = f"'{operator}'"
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                size = _length(seq)
                if size is not None and isinstance(times, int):
                    _refuse(what, size * times, _unit(seq))
        elif operator == "+":
            sizes = (_length(left), _length(right))
            if sizes[0] is not None and sizes[1] is not None:
                _refuse(what, sizes[0] + sizes[1], _unit(left))
        elif operator == "%" and isinstance(left, str):
            check_percent(left, right)
        elif operator == "**" and _number(left) and isinstance(right, int) and right > 0:
            # A number too long to print is of no use in a letter, and slow to make.
            digits = int(right * _log10(abs(left))) + 1
            bound = sys.get_int_max_str_digits() or MAX_SIZE
            if digits > bound:
                raise TooBig(
                    f"{what} would make a number of about {digits:,} digits; "
                    f"a template may make numbers of at most {bound:,}"
                )
        return super().call_binop(context, operator, left, right)

    def call(
        __self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any
    ) -> Any:
        """Call ``__obj`` from a template; a text's method is bounded first."""
        # A text's own methods are built in; Markup's (a text marked safe) are Python.
        if isinstance(__obj, (types.BuiltinMethodType, types.MethodType)) and isinstance(
            getattr(__obj, "__self__", None), str
        ):
            _check_method(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``text.format`` and ``format_map``, sandboxed by Jinja and bounded here."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text: str = value.__self__
        is_map = value.__name__ == "format_map"

        def bounded(*args: Any, **kwargs: Any) -> str:
            named = args[0] if is_map and args and isinstance(args[0], dict) else kwargs
            values = [*(() if is_map else args), *named.values()]
            size = len(text) + sum(len(str(v)) for v in values)
            _refuse(f"'{value.__name__}'", size + format_room(text, values), exact=False)
            return wrapped(*args, **kwargs)

        return bounded


def _log10(number: int) -> float:
    return math.log10(number) if number > 1 else 0.0


def bounded_range(*args: Any) -> range:
    """``range`` of at most MAX_RANGE numbers."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TooBig(
            f"range would make {len(numbers):,} numbers; a template may make at most {MAX_RANGE:,}",
            "a loop over more than that is no letter's: look for a bound that runs away",
        )
    return numbers


def bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    """Jinja's placeholder text, of a bounded size (about 12 characters a word)."""
    _refuse("lipsum", _number(n) * (_number(max) + _number(min)) * 12, exact=False)
    return str(jinja2.utils.generate_lorem_ipsum(n, html, min, max))


def _bounded_center(value: Any, width: int = 80) -> str:
    _refuse("'center'", max(len(str(value)), _number(width)))
    return jinja2.filters.do_center(value, width)


def _bounded_indent(s: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = str(s)
    step = len(width) if isinstance(width, str) else _number(width)
    _refuse("'indent'", len(text) + (text.count("\n") + 2) * step, exact=False)
    return jinja2.filters.do_indent(s, width, first, blank)


@jinja2.pass_eval_context
def _bounded_join(
    eval_ctx: jinja2.nodes.EvalContext, value: Any, d: str = "", attribute: Any = None
) -> str:
    if attribute is None and isinstance(value, Iterable) and not isinstance(value, str):
        value = list(value)  # counted, then joined: an iterator can be read only once
        size = sum(len(str(v)) for v in value) + len(str(d)) * max(0, len(value) - 1)
        _refuse("'join'", size)
    return str(jinja2.filters.do_join(eval_ctx, value, d, attribute))


def _bounded_format(value: Any, *args: Any, **kwargs: Any) -> str:
    check_percent(str(value), kwargs or args, "'format'")
    return jinja2.filters.do_format(value, *args, **kwargs)


def _bounded_batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
    _refuse("'batch'", _number(linecount), "items")
    return jinja2.filters.do_batch(value, linecount, fill_with)


@jinja2.pass_eval_context
def _bounded_replace(
    eval_ctx: jinja2.nodes.EvalContext, s: Any, old: Any, new: Any, count: Any = None
) -> str:
    text, old_text, new_text = str(s), str(old), str(new)
    times = len(text) + 1 if not old_text else text.count(old_text)
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    _refuse("'replace'", len(text) + times * max(0, len(new_text) - len(old_text)), exact=False)
    return jinja2.filters.do_replace(eval_ctx, s, old, new, count)


@jinja2.pass_environment
def _bounded_wordwrap(
    environment: jinja2.Environment,
    s: Any,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> str:
    text = str(s)
    _refuse("'wordwrap'", len(text) * (1 + len(wrapstring or "\n")), exact=False)
    return jinja2.filters.do_wordwrap(
        environment, s, width, break_long_words, wrapstring, break_on_hyphens
    )
