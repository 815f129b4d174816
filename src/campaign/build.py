"""Check letters and turn them into the files of ``build/<slug>/``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from campaign.compose import Composer
from campaign.errors import Problem, ProblemsFound
from campaign.fsutil import write_atomic
from campaign.names import unique_slugs
from campaign.render import render_pdf
from campaign.signatures import SignatureBlock
from campaign.tables import csv_text
from campaign.templating import TemplateFailed
from campaign.workspace import LetterBundle, Workspace


@dataclass(frozen=True)
class Output:
    """One file to write: its path in ``build/<slug>/`` and its HTML or text."""

    name: str
    content: str
    pdf: bool


@dataclass(frozen=True)
class LetterPlan:
    """Every output of one letter, composed and ready to render."""

    bundle: LetterBundle
    outputs: tuple[Output, ...]

    @property
    def folder(self) -> Path:
        """``build/<slug>``."""
        return self.bundle.root / "build" / self.bundle.letter.slug


def plan_letter(bundle: LetterBundle) -> LetterPlan:
    """Compose the HTML of every output; template errors surface here, before any PDF."""
    composer = Composer(bundle)
    outputs = []
    to_slugs = unique_slugs([r.name for r in composer.to])
    for slug, addressee in zip(to_slugs, composer.to, strict=True):
        outputs.append(Output(f"to/{slug}.pdf", composer.letter_html(addressee), True))
    if composer.to:
        # A cc copy is the letter as sent to the first addressee, marked as a copy,
        # with the cc recipient's own address in the window.
        for slug, person in zip(
            unique_slugs([r.name for r in composer.cc]), composer.cc, strict=True
        ):
            html = composer.letter_html(composer.to[0], copy_for=person)
            outputs.append(Output(f"cc/{slug}.pdf", html, True))
    outputs.append(Output("signatories.pdf", composer.signatories_html(), True))
    outputs.append(Output("signatories.csv", signatories_csv(bundle.signatures), False))
    outputs.append(Output("letter.html", composer.web_html(), False))
    return LetterPlan(bundle, tuple(outputs))


CSV_FIELDS = ("group", "name", "type", "affiliation", "country", "signed")


def signatories_csv(block: SignatureBlock) -> str:
    """The printed signatories as CSV, public fields only, in printed order."""
    rows = (
        [group.heading, s.name, s.type, s.affiliation, s.country, s.signed]
        for group in block.groups
        for s in group.members
    )
    return csv_text(CSV_FIELDS, rows)


def check(
    workspace: Workspace, slugs: list[str] | None, strict: bool = False
) -> tuple[list[LetterPlan], list[Problem]]:
    """Load, validate and compose; raise ProblemsFound if anything is wrong."""
    bundles, problems = workspace.load(slugs)
    plans = []
    for bundle in bundles:
        body = bundle.letter.folder / "body.md"
        if not body.is_file():
            problems.append(Problem(body, 0, "file is missing", "write the letter's text here"))
            continue
        try:
            plans.append(plan_letter(bundle))
        except TemplateFailed as exc:
            problems.append(exc.problem)
        except UnicodeDecodeError:
            problems.append(Problem(body, 0, "not valid UTF-8 text", "save it as UTF-8"))
    if strict:
        problems = [Problem(p.path, p.line, p.message, p.hint) for p in problems]
    if any(not p.warning for p in problems):
        raise ProblemsFound(problems)
    return plans, problems


def write_plan(plan: LetterPlan) -> Iterator[Path]:
    """Render every output of ``plan``, yielding each path as it is ready.

    Files are rendered into a staging folder first and moved into place only when all
    of them succeeded, so a failed build leaves the previous outputs as they were.
    """
    folder = plan.folder
    staging = folder.parent / f".{folder.name}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for output in plan.outputs:
            if output.pdf:
                data: bytes | str = render_pdf(
                    output.content, plan.bundle.letter.folder, plan.bundle.root
                )
            else:
                data = output.content
            write_atomic(staging / output.name, data)
            yield folder / output.name
        for output in plan.outputs:
            (folder / output.name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / output.name, folder / output.name)
        _remove_stale(folder, {o.name for o in plan.outputs})
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_stale(folder: Path, keep: set[str]) -> None:
    """Letters to people no longer on the recipient list must not be mailed by mistake."""
    for sub in ("to", "cc"):
        for old in (folder / sub).glob("*.pdf"):
            if f"{sub}/{old.name}" not in keep:
                old.unlink()


def build(plans: list[LetterPlan], tick: Callable[[Path], None]) -> list[Path]:
    """Write every plan's outputs, calling ``tick`` after each file."""
    written = []
    for plan in plans:
        for path in write_plan(plan):
            written.append(path)
            tick(path)
    return written
