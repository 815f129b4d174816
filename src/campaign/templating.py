"""The one Jinja environment: autoescaping, strict about unknown names, our filters."""

from __future__ import annotations

import datetime as dt
import re
import traceback
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from babel.dates import format_date
from markdown_it import MarkdownIt
from markupsafe import Markup

from campaign.errors import Problem, display_path
from campaign.limits import template_time

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
    ["replacements", "smartquotes"]
)


def babel_locale(language: str) -> str:
    """'en-US' -> 'en_US', the form babel and ICU want."""
    return language.replace("-", "_")


@jinja2.pass_context
def long_date(context: jinja2.runtime.Context, value: dt.date) -> str:
    """A date written out in the letter's language: 'February 13, 2020'."""
    return format_date(value, format="long", locale=babel_locale(context.get("language", "en-US")))


def css_string(value: str) -> Markup:
    """Quote text for a CSS ``content:`` value, safe inside a <style> element."""
    escaped = "".join(
        c if c.isalnum() or c in " .,:;-–—()/" else f"\\{ord(c):x} " for c in str(value)
    )
    return Markup(f'"{escaped}"')


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


def markdown(text: str) -> Markup:
    """Markdown to HTML; raw HTML in the source is shown as text, not obeyed."""
    return Markup(_MARKDOWN.render(str(text)))


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


class HelpfulUndefined(jinja2.StrictUndefined):
    """StrictUndefined whose error says which names the value does have."""

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint is not None:
            return self._undefined_hint
        obj = self._undefined_obj
        if obj is jinja2.utils.missing:
            return f"unknown name '{self._undefined_name}'"
        known = ", ".join(public_names(obj)) or "nothing"
        return f"unknown name '{self._undefined_name}' (this value has: {known})"


def public_names(obj: Any) -> list[str]:
    """The names a template can read from ``obj``."""
    if isinstance(obj, dict):
        return sorted(str(k) for k in obj)
    return sorted(
        name
        for name in dir(type(obj)) + list(getattr(obj, "__dataclass_fields__", {}))
        if not name.startswith("_") and not callable(getattr(obj, name, None))
    )


def _escaped(name: str | None) -> bool:
    return not (name or "").endswith(".txt.j2")


def make_environment(workspace: Path | None, builtin: Path) -> jinja2.Environment:
    """The Jinja environment for a workspace: its own templates first, then the shipped ones.

    Shipped templates are also reachable as ``builtin/<name>/...`` so a workspace template
    of the same name can extend the one it replaces, block by block.
    """
    loaders: list[jinja2.BaseLoader] = []
    if workspace is not None and (workspace / "templates").is_dir():
        loaders.append(jinja2.FileSystemLoader(workspace / "templates"))
    loaders.append(jinja2.PrefixLoader({"builtin": jinja2.FileSystemLoader(builtin)}))
    loaders.append(jinja2.FileSystemLoader(builtin))
    # Sandboxed: templates and letter bodies are passed between organisations, and one
    # from elsewhere must not reach Python's internals ({{ ''.__class__ }}) or change
    # the values it is given; it can only read them and print.
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
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
    return env


def source_template(env: jinja2.Environment, path: Path) -> jinja2.Template:
    """Compile a user's text file (``body.md``) as a template that knows its own path."""
    source = path.read_text(encoding="utf-8-sig")
    try:
        code = env.compile(source, name=path.name, filename=str(path))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateFailed(template_problem(exc, {})) from exc
    return env.template_class.from_code(env, code, env.make_globals(None))


class TemplateFailed(Exception):
    """A template could not be compiled or rendered; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def render(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render, turning any template failure into a ``path:line`` problem.

    A template that runs past the time limit (a loop that never ends) raises
    LimitExceeded: the whole command stops, as no other file's problems depend on it.
    """

    def name() -> str:  # only when the limit is hit: display_path resolves the path
        return display_path(Path(template.filename)) if template.filename else str(template.name)

    with template_time(name):
        try:
            return template.render(context)
        except Exception as exc:  # a template can fail in any way ({{ 1/0 }}); report where
            raise TemplateFailed(template_problem(exc, context)) from exc


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
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if not isinstance(exc, jinja2.TemplateError):
        message = f"template error: {message}"
    hint = ""
    if isinstance(exc, jinja2.UndefinedError):
        names = ", ".join(sorted(k for k in context if not k.startswith("_")))
        hint = f"names you can use here: {names}"
    return Problem(path, line, message, hint)
