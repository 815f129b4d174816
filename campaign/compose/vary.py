"""Proof that a letter's shared layer does not depend on its addressee, from one composition.

Templates mark what differs between addressees (the address, the salutation) as
``<!--vary-->...<!--/vary-->`` parts. Composing the shared layer once for the first
addressee, held behind a guard, proves that the rest is the same for every addressee
when three things hold:

- the guard is read only while a marked part is being filled in; any other use of
  the addressee (in body.md, a condition, a loop, a filter, an include, the text
  after the salutation) is found at once, as it happens;
- each marked part that is filled in is one that can only print: no ``{% set %}``,
  call, include or macro in it, and not inside anything that captures its output
  (a ``{% set %}`` block, a macro, a filter block), so nothing read in it reaches
  the rest of the letter;
- no template renders a block that holds a marked part into a value
  (``super()``, ``self.<block>()``), nor includes a template inside a capture.

The marks are found while templates are compiled: each becomes a call that prints
the same mark and tells the guard when a part opens and closes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

OPEN, CLOSE = "<!--vary-->", "<!--/vary-->"
_OPEN_CALL, _CLOSE_CALL = "_campaign_vary_open", "_campaign_vary_close"


class AddresseeUsed(Exception):
    """The addressee was read outside a marked part while the shared layer was composed."""


@dataclass
class _Parts:
    """While a guarded composition runs: how deep inside marked parts it is."""

    depth: int = 0
    opened: int = 0
    unsound: bool = False  # a part was filled in that could pass what it read on


_ACTIVE: ContextVar[_Parts | None] = ContextVar("campaign_vary", default=None)


def _open(sound: bool = True) -> Markup:
    parts = _ACTIVE.get()
    if parts is not None:
        parts.depth += 1
        parts.opened += 1
        parts.unsound |= not sound or parts.depth > 1
    return Markup(OPEN)


def _close() -> Markup:
    parts = _ACTIVE.get()
    if parts is not None:
        parts.depth -= 1
        parts.unsound |= parts.depth < 0
    return Markup(CLOSE)


def _check() -> None:
    parts = _ACTIVE.get()
    if parts is not None and parts.depth <= 0:
        raise AddresseeUsed("the addressee is used outside its marked parts")


def guarded(value: Any) -> Any:
    """The addressee's record (plaindata.py), readable only inside the marked parts.

    It is the record a template always gets, of a subclass that checks each read of a
    field, and each use of the record as a whole (printed, compared), while a guarded
    composition runs; outside one it is the plain record.
    """
    from campaign.compose.plaindata import plain

    record = plain(value)
    kind: type = type(record)
    return _guarded_type(kind)(*(getattr(record, f.name) for f in dataclasses.fields(record)))


@cache
def _guarded_type(record: type) -> type:
    def __getattribute__(self: Any, name: str) -> Any:
        if not name.startswith("_"):
            _check()
        return object.__getattribute__(self, name)

    def whole(method: str) -> Any:
        inherited = getattr(record, method)

        def checked(self: Any, *args: Any) -> Any:
            _check()
            return inherited(self, *args)

        return checked

    namespace = {name: whole(name) for name in ("__repr__", "__str__", "__eq__", "__hash__")}
    namespace |= {"__getattribute__": __getattribute__, "__slots__": ()}
    return type(record.__name__, (record,), namespace)


@dataclass
class Verdict:
    """What the compiled templates of one environment allow a guarded composition to prove."""

    captured_blocks: set[str] = field(default_factory=set)  # rendered as values elsewhere
    blocks_with_parts: set[str] = field(default_factory=set)
    captured_include: bool = False  # an include inside a capture: its parts go into a value

    def sound(self) -> bool:
        """Whether no marked part can be rendered into a value."""
        return not self.captured_include and not (self.captured_blocks & self.blocks_with_parts)


def compose_guarded(render: Any, addressee: Any) -> tuple[str, str]:
    """``render`` of the guarded addressee: the HTML, and why it is not proven shared, or ''."""
    parts = _Parts()
    token = _ACTIVE.set(parts)
    try:
        html = render(guarded(addressee))
    except Exception as exc:
        # templating wraps what a template raises (TemplateFailed); catching by the cause
        # keeps this module below templating, which uses its extension.
        if isinstance(exc.__cause__, AddresseeUsed):
            return "", "the addressee is used outside the address and salutation"
        raise
    finally:
        _ACTIVE.reset(token)
    if parts.unsound or parts.depth:
        return html, "a marked part of the template could pass what it reads on"
    return html, ""


# What a marked part may hold: printing, conditions and loops over plain expressions.
_PRINTS = (
    nodes.Output, nodes.TemplateData, nodes.Const, nodes.Name, nodes.Getattr, nodes.Getitem,
    nodes.Slice, nodes.Filter, nodes.Test, nodes.Compare, nodes.Operand, nodes.CondExpr,
    nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.Concat, nodes.BinExpr,
    nodes.Tuple, nodes.List, nodes.Dict, nodes.Pair, nodes.Keyword, nodes.If, nodes.For,
    nodes.MarkSafe, nodes.MarkSafeIfAutoescape,
)  # fmt: skip
# Statements whose body's output becomes a value instead of going to the page.
_CAPTURES = (nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.AssignBlock)


def _only_prints(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Call) or not isinstance(node, _PRINTS):
        return False
    if isinstance(node, nodes.Name) and node.ctx != "load":
        return node.ctx == "store"  # a loop's own variable (a {% set %} is not allowed)
    return all(_only_prints(child) for child in node.iter_child_nodes())


def _is_name(node: nodes.Node, name: str) -> bool:
    return isinstance(node, nodes.Name) and node.name == name


def _mark_call(node: nodes.Node, name: str) -> bool:
    return isinstance(node, nodes.Call) and _is_name(node.node, name)


class _Survey:
    """Walks one template's syntax tree: each marked part's verdict, in order, and the rest."""

    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict
        self.parts: list[bool] = []

    def statements(self, body: list[nodes.Node], blocks: tuple[str, ...], captured: bool) -> None:
        items: list[nodes.Node] = []
        for node in body:
            items += node.nodes if isinstance(node, nodes.Output) else [node]
        opened: int | None = None  # index in self.parts of the part being read
        for item in items:
            if _mark_call(item, _OPEN_CALL):
                if opened is not None:
                    self.parts[opened] = False
                opened = len(self.parts)
                self.parts.append(not captured)
                self.verdict.blocks_with_parts.update(blocks)
            elif _mark_call(item, _CLOSE_CALL):
                opened = None
            elif opened is not None:
                self.parts[opened] = self.parts[opened] and _only_prints(item)
                self.expressions(item, blocks, True)
            else:
                self.expressions(item, blocks, captured)
        if opened is not None:  # a part must close where it opened, in the same statement
            self.parts[opened] = False

    def expressions(self, node: nodes.Node, blocks: tuple[str, ...], captured: bool) -> None:
        if isinstance(node, nodes.Block):
            blocks = (*blocks, node.name)
        if isinstance(node, _CAPTURES):
            captured = True
        if isinstance(node, nodes.Include | nodes.Import | nodes.FromImport) and captured:
            self.verdict.captured_include = True
        if _mark_call(node, "super") and blocks:
            self.verdict.captured_blocks.add(blocks[-1])
        if isinstance(node, nodes.Getattr) and _is_name(node.node, "self"):
            self.verdict.captured_blocks.add(node.attr)
        for name in ("body", "else_", "elif_"):
            inner = getattr(node, name, None)
            if isinstance(inner, list) and node.fields and name in node.fields:
                if name == "elif_":
                    for branch in inner:
                        self.expressions(branch, blocks, captured)
                else:
                    self.statements(inner, blocks, captured)
        for child in node.iter_child_nodes(exclude=("body", "else_", "elif_")):
            self.expressions(child, blocks, captured)


class VaryParts(Extension):
    """Turns each ``<!--vary-->`` mark in a template's text into a call that prints it.

    The call tells a guarded composition when a marked part opens and closes, and
    whether that part is one that can only print (found from the template's syntax).
    Texts (body.md) are not templates of the page: marks in them are only text.
    """

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        environment.globals[_OPEN_CALL] = _open
        environment.globals[_CLOSE_CALL] = _close
        self.verdict = Verdict()
        self._surveying = False
        self._parts: list[bool] | None = None

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """Survey the template's marked parts before it is compiled."""
        self._parts = None
        # Every page template, marked or not: one without marks can still render a
        # block that has them into a value (super()).
        if self._surveying or not _is_page(name):
            return source
        self._surveying = True
        try:
            tree = self.environment.parse(source, name, filename)
        except jinja2.TemplateSyntaxError:
            return source  # compiling it reports the error
        finally:
            self._surveying = False
        survey = _Survey(self.verdict)
        survey.statements(tree.body, (), False)
        self._parts = survey.parts
        return source

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        """Each mark in the template's text becomes ``{{ _campaign_vary_open(sound) }}``."""
        parts = self._parts or []
        self._parts = None
        if not _is_page(stream.name):
            yield from stream
            return
        count = 0
        for token in stream:
            if token.type != "data" or "<!--" not in token.value:
                yield token
                continue
            for piece in _split(token.value):
                if piece in (OPEN, CLOSE):
                    line = token.lineno
                    call = _OPEN_CALL if piece == OPEN else _CLOSE_CALL
                    yield Token(line, "variable_begin", "{{")
                    yield Token(line, "name", call)
                    yield Token(line, "lparen", "(")
                    if piece == OPEN:
                        sound = parts[count] if count < len(parts) else self._surveying
                        yield Token(line, "name", "true" if sound else "false")
                        count += 1
                    yield Token(line, "rparen", ")")
                    yield Token(line, "variable_end", "}}")
                elif piece:
                    yield Token(token.lineno, "data", piece)


def _split(text: str) -> list[str]:
    pieces: list[str] = []
    rest = text
    while True:
        at = [i for i in (rest.find(OPEN), rest.find(CLOSE)) if i >= 0]
        if not at:
            return [*pieces, rest]
        first = min(at)
        mark = OPEN if rest.startswith(OPEN, first) else CLOSE
        pieces += [rest[:first], mark]
        rest = rest[first + len(mark) :]


def _is_page(name: str | None) -> bool:
    """Whether a template makes (part of) a page; body.md and e-mail texts do not."""
    return bool(name) and not str(name).endswith((".md", ".txt.j2"))


def parts_verdict(env: jinja2.Environment) -> Verdict:
    """What the templates compiled in ``env`` so far allow a guarded composition to prove."""
    for extension in env.extensions.values():
        if isinstance(extension, VaryParts):
            return extension.verdict
    return Verdict(captured_include=True)  # not surveyed: nothing is proven
