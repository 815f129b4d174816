"""The peer: the same letters as KOMA-Script ``scrlttr2`` serial letters, set by pdflatex.

Each letter carries what the campaign's does: the letterhead, the address in the
window, the date, the subject, the salutation, the body, the closing, the signature
list in its groups with their counts, the cc list, a running title and "Page N of M"
from page 2 (a label at each letter's end, so two passes, as LaTeX needs). The copies
for the people in cc are letters too. The content is read from the campaign with the
project's own loaders, so both sides set the same words.

The letters are split into one file per CPU and set in parallel, as ``campaign build``
uses every CPU; CPU time is given as well, which does not depend on that. Debian's
packages for it (BENCH_PACKAGES) are installed by `make bench` only.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer
from campaign.load.workspace import Workspace

from measure import Run, measure, with_peaks

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\u00a0": "~",
    "\u202f": r"\,",
    "\u00ad": r"\-",
    "\u2011": "-",
}
_ESCAPE = re.compile("|".join(re.escape(k) for k in _SPECIAL))


def tex(text: str) -> str:
    """``text`` as LaTeX source."""
    return _ESCAPE.sub(lambda m: _SPECIAL[m.group()], text)


def _paragraphs(markup: str) -> str:
    """The body's HTML paragraphs as LaTeX paragraphs (the benchmark's body is plain text)."""
    paragraphs = re.findall(r"<p>(.*?)</p>", markup, flags=re.S)
    return "\n\n".join(tex(html.unescape(re.sub(r"<[^>]+>", "", p))) for p in paragraphs)


_PREAMBLE = r"""\documentclass[paper=a4, fontsize=10.5pt, foldmarks=true, fromalign=right,
  fromemail=true, fromrule=off, enlargefirstpage=on, parskip=half-]{scrlttr2}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{lmodern}
\usepackage[english]{babel}
\usepackage{scrlayer-scrpage}
\clearpairofpagestyles
\ohead{\footnotesize\sffamily %(running)s}
\cfoot{\footnotesize\sffamily Page \thepage\ of \pageref{end-\theletterno}}
\pagestyle{scrheadings}
\newcounter{letterno}
\setkomavar{fromname}{%(sender)s}
\setkomavar{fromaddress}{%(address)s}
\setkomavar{fromemail}{%(email)s}
\setkomavar{backaddress}{%(back)s}
\setkomavar{date}{%(date)s}
\setkomavar{subject}{%(subject)s}
\setkomavar{signature}{}
\newcommand\names[1]{{\small\setlength\parskip{0.25em}#1\par}}
\newcommand\entry[1]{\hangindent=1.2em\hangafter=1\noindent#1\par}
\newcommand\grouphead[1]{\par\medskip{\sffamily\bfseries\small#1}\par\nopagebreak}
\begin{document}
"""


def _list_tex(composer: Composer) -> str:
    """The signature list: its heading, then each group with its count and its names."""
    block = composer.bundle.signatures
    out = [
        r"\par\bigskip{\sffamily\bfseries "
        + tex(composer.say("signatories_as_of", date=composer.context["date_line"]))
        + r"}\par"
    ]
    for group in block.groups:
        out.append(
            r"\grouphead{"
            + tex(composer.say("group_count", heading=group.heading, count=group.count))
            + "}"
        )
        out.append(
            r"\names{"
            + "\n".join(
                r"\entry{" + tex(s.name + (f", {s.details}" if s.details else "")) + "}"
                for s in group.members
            )
            + "}"
        )
    return "\n".join(out)


def _letters_tex(composer: Composer, first: int, last: int) -> str:
    """Serial letters ``first`` to ``last`` (to, then cc copies) of the campaign."""
    bundle = composer.bundle
    sender = bundle.settings.sender
    assert sender is not None
    fill = {
        "running": tex(bundle.letter.running_title),
        "sender": tex(sender.name),
        "address": r"\\".join(tex(line) for line in sender.address),
        "email": tex(sender.email),
        "back": tex(" · ".join((sender.name, *sender.address))),
        "date": tex(composer.context["date_line"]),
        "subject": tex(bundle.letter.subject),
    }
    signatures = _list_tex(composer)
    cc = r"\\".join(tex(composer.named(r)) for r in composer.cc)
    pieces = [(r, None) for r in composer.to] + [(composer.to[0], r) for r in composer.cc]
    out = [_PREAMBLE % fill]
    for addressee, copy_for in pieces[first:last]:
        window = copy_for or addressee
        note = (
            r"{\sffamily\small " + tex(composer.say("copy_for_name", name=copy_for.name)) + r"}\par"
            if copy_for
            else ""
        )
        out.append(
            r"\begin{letter}{" + r"\\".join(tex(line) for line in window.lines) + "}\n"
            r"\stepcounter{letterno}"
            r"\opening{" + tex(addressee.salutation) + "}\n" + note + "\n"
            + _paragraphs(str(composer.body(addressee)))
            + "\n\\closing{" + tex(bundle.letter.closing) + "}\n"
            + signatures
            + "\n\\cc{" + cc + "}\n"
            r"\label{end-\theletterno}"
            "\n\\end{letter}\n"
        )  # fmt: skip
    out.append(r"\end{document}" + "\n")
    return "".join(out)


def _list_alone_tex(composer: Composer) -> str:
    """signatories.pdf: the title, the date, then the signature list."""
    bundle = composer.bundle
    return (
        r"\documentclass[paper=a4, fontsize=10.5pt, parskip=half-]{scrartcl}"
        "\n\\usepackage[T1]{fontenc}\\usepackage[utf8]{inputenc}\\usepackage{lmodern}\n"
        r"\usepackage[top=22mm, bottom=22mm, left=25mm, right=20mm]{geometry}"
        "\n\\usepackage{scrlayer-scrpage}\\clearpairofpagestyles\n"
        r"\ohead{\footnotesize\sffamily " + tex(bundle.letter.running_title) + "}\n"
        r"\cfoot{\footnotesize\sffamily Page \thepage\ of \pageref{end}}"
        "\n\\pagestyle{scrheadings}\n"
        r"\newcommand\names[1]{{\small\setlength\parskip{0.25em}#1\par}}"
        "\n\\newcommand\\entry[1]{\\hangindent=1.2em\\hangafter=1\\noindent#1\\par}\n"
        r"\newcommand\grouphead[1]{\par\medskip{\sffamily\bfseries\small#1}\par\nopagebreak}"
        "\n\\begin{document}\\thispagestyle{plain.scrheadings}\n"
        r"{\sffamily\bfseries\Large " + tex(bundle.letter.title) + r"}\par"
        "\n" + tex(composer.context["date_line"]) + "\n"
        + _list_tex(composer)
        + "\n\\label{end}\\end{document}\n"
    )  # fmt: skip


def _two_passes(files: list[Path], cwd: Path) -> Run:
    """pdflatex twice over each file, the files in parallel; what it took in all."""
    passes = " & ".join(
        f"pdflatex -interaction=batchmode -halt-on-error {f.name} >/dev/null" for f in files
    )
    script = f"set -e; {passes} & wait; {passes} & wait"
    # Each `&` list waits for all its jobs; a failed pass is found by its missing PDF.
    # Timed unsampled, its peaks from a second run, as campaign's own (measure.py).
    run = measure(["sh", "-c", script], cwd, memory=False)
    run = with_peaks(run, measure(["sh", "-c", script], cwd))
    for f in files:
        if not f.with_suffix(".pdf").exists():
            log = f.with_suffix(".log")
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise SystemExit(f"pdflatex failed on {f}:\n{tail}")
    return run


def letters(root: Path, work: Path) -> tuple[Run, int]:
    """Set every letter of the campaign at ``root`` (to and cc); what it took, and pages."""
    composer = Composer(load_letters(Workspace(root))[0][0])
    work.mkdir(parents=True, exist_ok=True)
    count = len(composer.to) + len(composer.cc)
    parts = min(os.cpu_count() or 1, count)
    bounds = [count * n // parts for n in range(parts + 1)]
    files = []
    for n in range(parts):
        path = work / f"letters-{n}.tex"
        path.write_text(_letters_tex(composer, bounds[n], bounds[n + 1]), encoding="utf-8")
        files.append(path)
    run = _two_passes(files, work)
    return run, sum(_pages(f.with_suffix(".pdf")) for f in files)


def signature_list(root: Path, work: Path) -> tuple[Run, int]:
    """Set the campaign's signature list alone; what it took, and its pages."""
    composer = Composer(load_letters(Workspace(root))[0][0])
    work.mkdir(parents=True, exist_ok=True)
    path = work / "signatories.tex"
    path.write_text(_list_alone_tex(composer), encoding="utf-8")
    return _two_passes([path], work), _pages(path.with_suffix(".pdf"))


def _pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len(document.pages)
