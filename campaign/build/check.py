"""``campaign check``, and a build's first step: load, compose and check the letters.

Every problem is found before anything is written: the letters and their files
(``load_letters``), the composed text (lint, with the pages counted where
``max_pages:`` asks), the addresses, and whether each address, return line and
label fits its box.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from contextlib import ExitStack

from campaign.build.fit import check_fits
from campaign.build.plan import LetterPlan, plan_letter
from campaign.checks.addresses import read_addresses
from campaign.checks.letters import ReadList, load_letters
from campaign.checks.lint import lint_composed
from campaign.compose.bundle import LetterBundle
from campaign.compose.composer import Composer
from campaign.compose.templating import TemplateFailed
from campaign.errors import Problem, ProblemsFound
from campaign.load.workspace import Workspace
from campaign.model.limits import applied, pdf_layout
from campaign.model.timings import phase
from campaign.pdf.pool import server_started
from campaign.pdf.variants import document_date

# Called with the letters once they are read, before they are planned.
Loaded = Callable[[list[LetterBundle]], None]
# Called with a letter (or edition), its PDF variant and date, and a shared layer of its
# pages as soon as planning finds one (composer.sharing's ``layered``).
Layers = Callable[[LetterBundle, str, str, str], None]


def fit_check_ahead(stack: ExitStack) -> Loaded:
    """``loaded`` for ``campaign check``: the fit check's workers' server started in ``stack``."""

    def loaded(bundles: list[LetterBundle]) -> None:
        # check_fits lays out in workers unless WeasyPrint is here already: their server
        # imports it on another core while the letters are composed and linted.
        stack.enter_context(server_started(bool(bundles) and "weasyprint" not in sys.modules))

    return loaded


def check(
    workspace: Workspace,
    slugs: list[str] | None,
    strict: bool = False,
    every: bool = True,
    variant: str | None = None,
    sending: bool = False,
    read_list: ReadList | None = None,
    loaded: Loaded | None = None,
    layers: Layers | None = None,
) -> tuple[list[LetterPlan], list[Problem]]:
    """Load, validate and compose; raise ProblemsFound if anything is wrong.

    With ``every``, the page-1 parts of every addressee are composed too, so that a
    template error tied to one addressee's data is found now (``build`` composes
    them when it needs them, still before anything is written). ``variant`` is the
    PDF variant ('' for none); None takes ``pdf_variant:`` from campaign.yaml.
    ``read_list`` reads each signature list (load_letters'), its text by default.
    ``loaded`` is called with the letters once they are read, before they are planned;
    ``layers`` with each shared layer planning finds (a build lays it out meanwhile).
    """
    with phase("load/check"):
        if read_list is None:
            bundles, problems = load_letters(workspace, slugs, sending)
        else:
            bundles, problems = load_letters(workspace, slugs, sending, read_list)
    if loaded is not None:
        loaded(bundles)
    plans = []
    date = ""  # one date for every PDF of the build, worked out with the first plan
    for bundle in bundles:
        body = bundle.letter.folder / "body.md"
        if not body.is_file():
            there = body.is_symlink() or body.exists()  # a link to nothing, a pipe, a folder
            said = "is not a file the letter can read" if there else "file is missing"
            problems.append(Problem(body, 0, said, "write the letter's text here"))
            continue
        each = bundle
        try:
            for each in (bundle, *bundle.editions):
                chosen = each.settings.pdf_variant if variant is None else variant
                with applied(bundle.settings.limits), phase("sharing/keys"):
                    date = date or document_date()
                    found = (
                        None if layers is None else functools.partial(layers, each, chosen, date)
                    )
                    plan = plan_letter(each, chosen, date, found)
                with applied(bundle.settings.limits), phase("load/check"):
                    if every:
                        for output in plan.outputs:
                            if output.addressee is not None:
                                output.compose()
                    plans.append(plan)
                    problems += plan.composer.warnings
                    lint_composed(plan.composer, problems, _count_pages if every else None)
                    if each is bundle:  # a translation is mailed to the same addresses
                        problems += _address_doubts(plan)
        except TemplateFailed as exc:
            problems.extend(exc.problems)
        except UnicodeDecodeError:
            text = each.letter.folder / each.letter.body_file
            problems.append(Problem(text, 0, "not valid UTF-8 text", "save it as UTF-8"))
    if every and plans and not any(not p.warning for p in problems):
        # Every address, return line and label laid out as the build lays them out.
        with phase("fit check"):
            problems += check_fits(plans)
    # Lint may find again what composing reported (an unknown name): each is said once.
    problems = sorted(set(problems), key=lambda p: (str(p.path), p.line, p.message))
    if strict:
        problems = [Problem(p.path, p.line, p.message, p.hint) for p in problems]
    if any(not p.warning for p in problems):
        raise ProblemsFound(problems)
    return plans, problems


def _count_pages(composer: Composer) -> int:
    """The pages of the letter to its first addressee, laid out (for ``max_pages:``)."""
    from campaign.model.limits import active
    from campaign.pdf.render import layout  # WeasyPrint: only when there is a limit to check

    bundle = composer.bundle
    html = composer.letter_html(composer.to[0])
    with pdf_layout(f"the letter {bundle.letter.slug} (to count its pages)", active()):
        return len(layout(html, bundle.letter.folder, bundle.root).pages)


def _address_doubts(plan: LetterPlan) -> list[Problem]:
    """A postal code wrong for its country, an address read as another country's."""
    return read_addresses(plan.bundle, plan.composer.pieces, every=False)[1]
