"""The one Jinja environment: autoescaping, strict about unknown names, our filters."""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any, TypeVar, cast

import jinja2
import jinja2.sandbox
from babel.dates import format_date
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from campaign.compose.bounds import BoundedSandbox
from campaign.compose.plaindata import plain_context
from campaign.compose.vary import VaryParts
from campaign.errors import Problem, display_path
from campaign.load.catalog import BUILTIN_TEMPLATES, part_names
from campaign.load.confine import Confined, off_limits, read_confined
from campaign.load.schema import close_bidi, close_match, runs_right_to_left
from campaign.model.limits import template_memory, template_time
from campaign.paths import kind, read_text, resolved
from campaign.text.scripts import holds_bidi_class
from campaign.text.wording import say, say_count


class LinkDropped(jinja2.TemplateRuntimeError):
    """Markdown left a link or picture out (printed as text): its address is not allowed."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"the link or picture '{url}' would print as plain text: addresses starting "
            "file:, javascript:, vbscript: or data: are not linked to or shown"
        )
        self.url = url
        self.hint = (
            "link to a web page (https://...), or put the picture in the letter's folder "
            "and write ![logo](logo.png)"
        )


class _Markdown(MarkdownIt):
    """markdown-it, which says which link or picture it drops instead of printing it as text."""

    def validateLink(self, url: str) -> bool:
        """markdown-it's own rule (no file:, javascript:, ...); a refusal stops the letter."""
        if not super().validateLink(url):
            raise LinkDropped(url)
        return True


_MARKDOWN = _Markdown("commonmark", {"html": False, "typographer": True}).enable(
    ["replacements", "smartquotes"]
)


def babel_locale(language: str) -> str:
    """'en-US' -> 'en_US', the form babel and ICU want."""
    return language.replace("-", "_")


_F = TypeVar("_F", bound=Callable[..., Any])


class FilterMisused(jinja2.TemplateRuntimeError):
    """A filter was given a value of a kind it cannot work on."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def _what(value: Any) -> str:
    """A value's kind in a user's words, with a glimpse of it."""
    if isinstance(value, str):
        glimpse = value if len(value) <= 40 else value[:39] + "…"
        return f"text ('{glimpse}')"
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, dt.date):
        return f"a date ({value.isoformat()})"
    if value is None:
        return "nothing (none)"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)}"
    if isinstance(value, Mapping):
        return "a mapping"
    return f"a {type(value).__name__}"


def takes(kind: type | tuple[type, ...], needs: str, example: str) -> Callable[[_F], _F]:
    """Make a filter check what it is given first: the one place filters validate input."""

    def wrap(function: _F) -> _F:
        name = function.__name__
        context_first = getattr(function, "jinja_pass_arg", None) is not None

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            value = args[1] if context_first else args[0]
            if isinstance(value, jinja2.Undefined):
                value._fail_with_undefined_error()  # says which name is unknown
                return ""  # recording unknown names: carry on without this one
            if not isinstance(value, kind):
                raise FilterMisused(
                    f"the filter '{name}' needs {needs}, but was given {_what(value)}",
                    f"for example {example}",
                )
            return function(*args, **kwargs)

        return cast(_F, checked)

    return wrap


@takes(dt.date, "a date", "{{ letter.date | long_date }}")
@jinja2.pass_context
def long_date(context: jinja2.runtime.Context, value: dt.date) -> str:
    """A date written out in the letter's language: 'February 13, 2020'."""
    return format_date(value, format="long", locale=babel_locale(context.get("language", "en-US")))


@takes(str, "text", "{{ labels.cc | css_string }}")
def css_string(value: str) -> Markup:
    """Quote text for a CSS ``content:`` value, safe inside a <style> element."""
    escaped = "".join(
        c if c.isalnum() or c in " .,:;-–—()/" else f"\\{ord(c):x} " for c in str(value)
    )
    return Markup(f'"{escaped}"')


@takes(str, "text", "{{ labels.page_of | css_counters }}")
def css_counters(text: str) -> Markup:
    """A label such as 'Page {page} of {pages}' as a CSS ``content:`` value with counters."""
    parts = re.split(r"(\{pages?\})", str(text))
    values = []
    for part in parts:
        if part in ("{page}", "{pages}"):
            values.append(f"counter({part[1:-1]})")
        elif part:
            values.append(str(css_string(part)))
    return Markup(" ".join(values) or '""')


# What CSS collapses in text set in a block of its own: spaces, tabs and line breaks.
_COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")


def _isolate(line: Any, rtl: bool) -> Any:
    """``line`` (text or markup) set in its own direction where that is not the page's."""
    # On a page right to left, "1-2-3 Nagatacho" stands as "Nagatacho 1-2-3" and "Example
    # Inc." as ".Example Inc"; on one left to right, an Arabic name's full stop stands on
    # the wrong side. Text all ASCII on a page left to right reads as written either way,
    # and is left as it is, so those pages come out as before.
    if not line or (not rtl and str(line).isascii()):
        return line
    # A closing mark the line never opened could close an isolate around it, and the
    # rest of the line would run in the page's direction: balanced (the loader warns).
    markup = Markup(close_bidi(str(escape(line))))  # direction marks are no markup
    text = markup.striptags()
    own = runs_right_to_left(text)
    if own == rtl and not _holds_other(text, rtl):
        return markup  # set in the page's direction, as it runs
    # The direction set on an element, not by Unicode's isolate marks around the text:
    # a line too long for its box wraps, and WeasyPrint sets what follows the break as
    # a text of its own, without the mark before it, in the page's direction again
    # ("... 1-2-3 Ltd." ended ".Ltd 1-2-3"); an element's direction holds on every line.
    # A browser isolates a <bdi> as the marks would.
    return Markup('<bdi dir="{}">{}</bdi>').format("rtl" if own else "ltr", markup)


# Letters of the other direction than a page's: a name holding some is isolated even
# when it runs in the page's direction ("ليلى (Farid)" and ", Japan" after it on an
# Arabic page would make one run of "Farid), Japan"), so that it stands as it would
# alone, as the build's proof reads it (pdf/proof.py).
_OTHER = {False: frozenset({"R", "AL"}), True: frozenset({"L"})}


def _holds_other(text: str, rtl: bool) -> bool:
    return holds_bidi_class(text, _OTHER[rtl])


def _right_to_left(context: jinja2.runtime.Context) -> bool:
    return bool(context.get("direction") == "rtl")


@takes(str, "text", "{{ s.line | isolated }}")
@jinja2.pass_context
def isolated(context: jinja2.runtime.Context, value: str) -> Any:
    """A name or an address line as written, on a page of either direction (in text,
    not in an attribute: it may be an element)."""
    return _isolate(value, _right_to_left(context))


@takes((list, tuple), "lines of text", "{{ item.recipient.lines | as_lines }}")
@jinja2.pass_context
def as_lines(context: jinja2.runtime.Context, lines: list[str] | tuple[str, ...]) -> Markup:
    """Lines for an element set ``white-space: pre``, each printed as written in a block."""
    # An address set as one text, a line a line, prints as it does in a block a line
    # with far fewer boxes to lay out. Each line is collapsed and trimmed as CSS does a
    # block's text, and an empty one left out, as an empty block takes no room.
    collapsed = (_COLLAPSIBLE.sub(" ", str(line)).strip(" ") for line in lines)
    rtl = _right_to_left(context)
    return Markup("\n").join(_isolate(escape(line), rtl) for line in collapsed if line)


@takes(str, "text", "{{ letter.closing | markdown }}")
def markdown(text: str) -> Markup:
    """Markdown to HTML; raw HTML in the source is shown as text, not obeyed."""
    return Markup(_MARKDOWN.render(str(text)))


def markdown_of(text: str, source: Path) -> Markup:
    """``markdown(text)`` for the text of ``source`` (body.md): a dropped link names its line."""
    try:
        return markdown(text)
    except LinkDropped as exc:
        written = read_text(source, encoding="utf-8-sig").splitlines()
        line = next((n for n, t in enumerate(written, 1) if exc.url in t), 0)
        raise TemplateFailed(Problem(source, line, exc.message or "", exc.hint)) from None


def markdown_blocks(text: str) -> list[Markup]:
    """Markdown to HTML, one piece per top-level block (paragraph, list, heading, ...)."""
    tokens = _MARKDOWN.parse(str(text))
    blocks: list[Markup] = []
    start = 0
    for n, token in enumerate(tokens):
        if token.level == 0 and token.nesting <= 0:  # a block closes, or stands alone
            piece = _MARKDOWN.renderer.render(tokens[start : n + 1], _MARKDOWN.options, {})
            blocks.append(Markup(piece))
            start = n + 1
    return blocks


# Helpers a template calls: functions of ours, given to every template as globals, so
# that what a template is given as values (its context) is data and nothing else.
# They read the letter's words and template chain from that data.
@jinja2.pass_context
def _say(context: jinja2.runtime.Context, key: str, **values: Any) -> str:
    """A fixed phrase of the letter's language with the values filled in."""
    return say(context["labels"], key, **values)


@jinja2.pass_context
def _say_count(context: jinja2.runtime.Context, key: str, count: int) -> str:
    """A counted phrase of the letter's language: '1 signature', '1,234 signatures'."""
    return say_count(context["labels"], context["language"], key, count)


@jinja2.pass_context
def _named(context: jinja2.runtime.Context, person: Any) -> str:
    """A recipient's name with their title, in the order of the letter's language."""
    if not person.title:
        return str(person.name)
    return say(context["labels"], "name_title", name=person.name, title=person.title)


@jinja2.pass_context
def _part(context: jinja2.runtime.Context, name: str) -> list[str]:
    """Loader names for a template part: the letter's template, then what it builds on."""
    return part_names(list(context["_chain"]), name)


HELPERS: dict[str, Any] = {"say": _say, "say_count": _say_count, "named": _named}
PAGE_HELPERS: dict[str, Any] = {"part": _part}  # for pages, whose context has '_chain'


def known_names(context: Mapping[str, Any]) -> list[str]:
    """The names a template rendered with ``context`` can use: its values and our helpers."""
    helpers = [*HELPERS, *(PAGE_HELPERS if "_chain" in context else ())]
    return sorted([*(k for k in context if not k.startswith("_")), *helpers])


# While a failed template is rendered again to find every unknown name, the names
# found so far; None the rest of the time, when an unknown name stops the template.
# The context of the template being rendered, to say how to reach a value by another way.
_CONTEXT: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "context", default=None
)
_RECORDING: contextvars.ContextVar[list[Problem] | None] = contextvars.ContextVar(
    "recording", default=None
)


class HelpfulUndefined(jinja2.Undefined):
    """Strict like jinja2.StrictUndefined; its error says which names the value does have.

    While unknown names are being recorded, using one records it (once) and the
    template carries on as if it were empty, so one run finds them all.
    """

    __slots__ = ("_recorded",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._recorded = False

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint is not None:
            return self._undefined_hint
        return unknown_name(self._undefined_name or "", self._undefined_obj)[0]

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        found = _RECORDING.get()
        if found is None:
            super()._fail_with_undefined_error(*args, **kwargs)
        if not self._recorded:
            self._recorded = True
            found.append(self._where())
        return self

    def _where(self) -> Problem:
        """The problem of this name, at the template line being run."""
        path, line = Path("<template>"), 0
        frame = sys._getframe(1)
        while frame is not None:
            template = frame.f_globals.get("__jinja_template__")
            if template is not None:
                path = Path(template.filename or template.name or "<template>")
                line = template.get_corresponding_lineno(frame.f_lineno)
                break
            frame = frame.f_back  # type: ignore[assignment]
        known = known_names(_CONTEXT.get() or {})
        message, hint = unknown_name(self._undefined_name or "", self._undefined_obj, known)
        if self._undefined_hint is not None:  # the sandbox's word on an attribute refused
            message, hint = self._undefined_hint, ""
        return Problem(path, line, message, hint)

    # What the template sees of a recorded name: nothing, so it can carry on.
    def __str__(self) -> str:
        self._fail_with_undefined_error()
        return ""

    def __iter__(self) -> Iterator[Any]:
        self._fail_with_undefined_error()
        return iter(())

    def __bool__(self) -> bool:
        self._fail_with_undefined_error()
        return False

    def __len__(self) -> int:
        self._fail_with_undefined_error()
        return 0

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        return self._fail_with_undefined_error()

    def __getitem__(self, name: Any) -> Any:
        return self._fail_with_undefined_error()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._fail_with_undefined_error()

    def __eq__(self, other: Any) -> bool:
        self._fail_with_undefined_error()
        return type(self) is type(other)

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return id(type(self))

    def __contains__(self, item: Any) -> bool:
        self._fail_with_undefined_error()
        return False


def unknown_name(name: str, obj: Any, known: list[str] | None = None) -> tuple[str, str]:
    """The message and hint for ``name`` missing from ``obj`` (or from the names ``known``)."""
    if obj is jinja2.utils.missing:
        choices = known or []
        return f"unknown name '{name}'", close_match(name, choices) or (
            f"names you can use here: {', '.join(choices)}" if choices else ""
        )
    if isinstance(obj, (list, tuple)):
        where = next((w for w, v in _reachable() if v is obj), "this value")
        return (
            f"unknown name '{name}': {where} is a list (of {len(obj)}), not something with names",
            "loop over it ({% for item in ... %}) or take one item by its place ([0], [1], ...)"
            + _keyed_item(name, obj),
        )
    names = public_names(obj)
    found = close_match(name, names)
    return f"unknown name '{name}' (this value has: {', '.join(names) or 'nothing'})", found


def _keyed_item(name: str, items: list[Any] | tuple[Any, ...]) -> str:
    """How a template reaches the item of the list whose key is ``name``, if it can."""
    wanted = [item for item in items if _read(item, "key") == name]
    for where, value in _reachable() if wanted else []:
        if isinstance(value, Mapping) and value.get(name) == wanted[0]:
            return f"; the one whose key is '{name}' is {where}.{name}"
    return ""


def _reachable() -> Iterator[tuple[str, Any]]:
    """The rendered context's values and theirs, one level down, with how to write each."""
    for top, value in (_CONTEXT.get() or {}).items():
        if top.startswith("_") or callable(value):
            continue
        yield top, value
        if value is None or isinstance(value, (str, int, float, list, tuple, dt.date)):
            continue
        for attribute in public_names(value):
            yield f"{top}.{attribute}", _read(value, attribute)


def _read(value: Any, name: str) -> Any:
    """``value.name`` or ``value[name]``, as a template would read it; None if neither."""
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


def public_names(obj: Any) -> list[str]:
    """The names a template can read from ``obj``, each once."""
    if isinstance(obj, Mapping):
        return sorted(str(k) for k in obj)
    return sorted(
        {
            name
            for name in dir(type(obj)) + list(getattr(obj, "__dataclass_fields__", {}))
            if not name.startswith("_") and not callable(getattr(obj, name, None))
        }
    )


def _escaped(name: str | None) -> bool:
    return not (name or "").endswith(".txt.j2")


class TemplateRefused(jinja2.TemplateError):
    """A template file the loader will not read (a link out of the templates, a private file)."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.hint = ""


class WorkspaceLoader(jinja2.FileSystemLoader):
    """A workspace's ``templates/``: its own files only, and nothing private, whatever links say.

    A template may come from another organisation: a symbolic link in it must not
    make ``{% include %}`` print /etc/passwd or the workspace's sign-on lists.
    """

    def __init__(self, folder: Path, root: Path) -> None:
        super().__init__(folder)
        self.folder = folder
        self.inside = resolved(folder)
        self.root = resolved(root)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The template's source, once its file is known to be one a template may read."""
        if template.startswith("builtin/"):  # the shipped file, whatever the workspace holds
            raise jinja2.TemplateNotFound(template)
        path = self.folder.joinpath(*jinja2.loaders.split_template_path(template))
        if path.is_file():
            real = resolved(path)  # follows every link on the way
            shown = display_path(real)
            if not real.is_relative_to(self.inside):
                raise TemplateRefused(
                    path, f"{_link(path)} leads to {shown}, outside the templates folder"
                )
            if why := off_limits(real, self.root):
                raise TemplateRefused(path, f"{_link(path)} is {shown} ({why})")
            # Read as checked: what is opened is checked again, so a link changed since
            # the look above cannot lead the read out, nor to a pipe.
            try:
                source = read_confined(path, self.folder, public=True)
            except Confined as exc:
                raise TemplateRefused(path, f"{_link(path)}: {exc.why}") from None
            mtime = os.path.getmtime(path)
            return source, os.path.normpath(path), lambda: _unchanged(path, mtime)
        elif broken := _broken(path, self.folder):
            # Taken as missing, the shipped file of that name would be used instead,
            # and the letter printed without a word of the workspace's own.
            refused = TemplateRefused(broken, _broken_why(broken))
            what = "the link" if broken.is_symlink() else "it"
            refused.hint = (
                f"put the file itself there, or remove {what} to use the shipped template's"
            )
            raise refused
        return super().get_source(environment, template)


def _unchanged(path: Path, mtime: float) -> bool:
    """Whether the template read from ``path`` when it had ``mtime`` is still the same."""
    try:
        return os.path.getmtime(path) == mtime
    except OSError:
        return False


def _broken(path: Path, top: Path) -> Path | None:
    """What stands at ``path`` (below ``top``) but is not a file: a link to nothing, a folder."""
    if os.path.lexists(path):
        return path  # not a file (is_file said so): a link to nothing, a folder, a pipe
    for folder in path.parents:
        if folder.is_symlink() and not folder.exists():
            return folder  # the template's folder, or templates/, a link to nothing
        if folder == top:
            return None
    return None


def _broken_why(path: Path) -> str:
    """Why ``path``, which stands there but is not a file, is not read."""
    if path.is_symlink() and not path.exists():
        return f"{_link(path)} is a link to nothing (or one that leads back to itself)"
    try:
        return f"{_link(path)} is {kind(os.stat(path).st_mode)}, not a file"
    except OSError:
        return f"{_link(path)} is not a file"


def _link(path: Path) -> str:
    """A path as written, relative to the current folder (display_path would follow links)."""
    return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)


class _Remembering(jinja2.ChoiceLoader):
    """The loaders in turn, each name's answer kept: found, or found nowhere.

    A build renders a letter's templates hundreds of times, and each render looks for
    ``letter.<lang>.html.j2`` and a workspace's own parts before the shipped ones;
    without this every miss is looked for again in every folder.
    """

    def __init__(self, loaders: list[jinja2.BaseLoader]) -> None:
        super().__init__(loaders)
        self._missing: set[str] = set()

    def load(
        self,
        environment: jinja2.Environment,
        name: str,
        globals: MutableMapping[str, Any] | None = None,  # Jinja's own name for it
    ) -> jinja2.Template:
        """The template ``name`` from the first loader that has it (Jinja's ``load``)."""
        if name in self._missing:
            raise jinja2.TemplateNotFound(name)
        try:
            return super().load(environment, name, globals)
        except jinja2.TemplateNotFound:
            # Only a name no loader has is kept; a refused one (TemplateRefused) is said
            # again each time it is asked for.
            self._missing.add(name)
            raise


def make_environment(workspace: Path | None, builtin: Path) -> jinja2.Environment:
    """The Jinja environment for a workspace: its own templates first, then the shipped ones.

    Shipped templates are also reachable as ``builtin/<name>/...`` so a workspace template
    of the same name can extend the one it replaces, block by block. An environment
    lives for one command (a preview composes anew for each page it serves): the
    templates are read once and not looked at again during it.
    """
    loaders: list[jinja2.BaseLoader] = []
    # A templates/ that is a link to nothing is said, at the first template asked for.
    if workspace is not None and ((own := workspace / "templates").is_dir() or own.is_symlink()):
        loaders.append(WorkspaceLoader(own, workspace))
    loaders.append(jinja2.PrefixLoader({"builtin": jinja2.FileSystemLoader(builtin)}))
    loaders.append(jinja2.FileSystemLoader(builtin))
    # Sandboxed: templates and letter bodies are passed between organisations, and one
    # from elsewhere must not reach Python's internals ({{ ''.__class__ }}) or change
    # the values it is given; it can only read them and print.
    # Bounded too: no operation may make a text or list of more than bounds.MAX_SIZE.
    env = BoundedSandbox(
        loader=_Remembering(loaders),
        # One command, one version of each template: never read again while it runs.
        auto_reload=False,
        extensions=[VaryParts],  # what differs between addressees, for shared pages
        # Everything is escaped for HTML except plain-text e-mail (message.txt.j2).
        autoescape=_escaped,
        undefined=HelpfulUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["css_string"] = css_string
    env.filters["css_counters"] = css_counters
    env.filters["markdown"] = markdown
    env.filters["as_lines"] = as_lines
    env.filters["isolated"] = isolated
    env.globals.update(HELPERS | PAGE_HELPERS)
    return env


def source_template(env: jinja2.Environment, path: Path) -> jinja2.Template:
    """Compile a user's text file (``body.md``) as a template that knows its own path."""
    try:
        source = read_confined(path, path.parent, public=True)
    except Confined as exc:
        raise TemplateFailed(
            Problem(
                path,
                0,
                f"{path.name} is not read: {exc.why}",
                exc.hint
                or "a letter's text must be a file of the letter's own folder; "
                "replace the link with the text itself",
            )
        ) from exc
    try:
        code = env.compile(source, name=path.name, filename=str(path))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateFailed(template_problem(exc, {})) from exc
    return env.template_class.from_code(env, code, env.make_globals(None))


class TemplateFailed(Exception):
    """A template could not be compiled or rendered; carries the problems to report."""

    def __init__(self, problem: Problem, more: list[Problem] | None = None) -> None:
        super().__init__(problem.message)
        self.problem = problem
        self.problems = [problem, *(more or [])]


def render(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render, turning any template failure into a ``path:line`` problem.

    A template that runs past the time limit (a loop that never ends) raises
    LimitExceeded: the whole command stops, as no other file's problems depend on it.
    """

    def name() -> str:  # only when the limit is hit: display_path resolves the path
        return display_path(Path(template.filename)) if template.filename else str(template.name)

    # The one way a context reaches a template: as plain data (plaindata.py).
    context = plain_context(context)
    with template_time(name), template_memory(name):
        token = _CONTEXT.set(context)
        try:
            return template.render(context)
        except MemoryError:
            raise  # over the memory limit: template_memory says so, and the command stops
        except jinja2.UndefinedError as exc:
            found = _every_unknown_name(template, context)
            if not found:
                raise TemplateFailed(template_problem(exc, context)) from exc
            raise TemplateFailed(found[0], found[1:]) from exc
        except Exception as exc:  # a template can fail in any way ({{ 1/0 }}); report where
            raise TemplateFailed(template_problem(exc, context)) from exc
        finally:
            _CONTEXT.reset(token)


def _every_unknown_name(template: jinja2.Template, context: dict[str, Any]) -> list[Problem]:
    """Render again, recording each unknown name instead of stopping at the first."""
    found: list[Problem] = []
    token = _RECORDING.set(found)
    try:
        template.render(context)
    except Exception as exc:  # a template can fail in any way; that is a problem too
        found.append(template_problem(exc, context))
    finally:
        _RECORDING.reset(token)
    return sorted(dict.fromkeys(found), key=lambda p: (str(p.path), p.line))


def load_template(
    env: jinja2.Environment, name: str | list[str | jinja2.Template], context: dict[str, Any]
) -> jinja2.Template:
    """Look a template up (the first found of a list), syntax errors as ``path:line`` problems."""
    try:
        return env.get_or_select_template(name)
    except jinja2.TemplateError as exc:
        raise TemplateFailed(template_problem(exc, context)) from exc


def template_problem(exc: Exception, context: dict[str, Any]) -> Problem:
    """Where in which template file the error happened, and what to do about it."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        path = Path(exc.filename or exc.name or "<template>")
        return Problem(path, exc.lineno, f"template syntax: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        return Problem(Path(exc.name or "<template>"), 0, f"template not found: {exc.name}")
    path, line = Path("<template>"), 0
    # Jinja maps template code back to template lines in the traceback: the innermost
    # frame that belongs to a template file is where the user has to look.
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".j2", ".md", ".html")):
            path, line = Path(frame.filename), frame.lineno or 0
    if isinstance(exc, TemplateRefused):
        # The include that asked for it, if the workspace's own; else the file itself
        # (a shipped template's line says nothing of what to mend in the workspace).
        if not line or resolved(path).is_relative_to(resolved(BUILTIN_TEMPLATES)):
            path, line = exc.path, 0
        exc.hint = exc.hint or (
            "templates read only their own files, never a sign-on list, recipients, "
            "settings or build outputs; copy the file itself into the template's folder"
        )
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if not isinstance(exc, jinja2.TemplateError):
        message = f"template error: {message}"
    hint = getattr(exc, "hint", "")
    if isinstance(exc, jinja2.UndefinedError):
        names = ", ".join(known_names(context))
        hint = f"names you can use here: {names}"
    return Problem(path, line, message, hint)
