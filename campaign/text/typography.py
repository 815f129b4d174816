"""Each language's typographic rules, applied to every printed text of a letter.

The rules belong to the language, not to what the author typed: a French letter gets
its curly apostrophes, « guillemets » and the narrow no-break spaces before : ; ! ?
and between groups of digits whether the text came from body.md or from a YAML field;
Korean words never break inside, on paper or on screen.
"""

from __future__ import annotations

import html as htmllib
import re

from campaign.text.scripts import MARKUP
from campaign.text.wording import base_language

NNBSP = "\u202f"  # NARROW NO-BREAK SPACE: French punctuation and digit groups
_SPACES = "[ \u00a0\u202f]*"
_HANGUL = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"

# French (Imprimerie nationale): an apostrophe inside a word is curly; quotation marks
# are « » with a narrow no-break space inside; ; ! ? and a closing : take one before
# them; so do the groups of a number (20 000). A colon between digits (10:30) or
# before '/' (https://) is left alone.
_FR_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_FR_OPEN = re.compile(r'(^|[\s(\[\u2014\u2013])["\u201c]')
_FR_CLOSE = re.compile(r'["\u201d]')
_FR_AFTER_OPEN = re.compile(f"«{_SPACES}")
# What ends a clause: then the mark is French punctuation, not part of a web address
# (?q=1) or a time (10:30).
_END = r"(?=\s|$|[»)\]])"
_FR_SPACED = re.compile("[ \u00a0\u202f]+(?=[»;!?:])")
_FR_GLUED = re.compile(f"(?<=[^\\s;:!?«/\\d])(?=[;!?]+{_END}|:{_END})|(?<=[^\\s«])(?=»)")
_DIGIT_GROUPS = re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))")

# Korean is set with spaces between words and breaks only there: CSS 'word-break:
# keep-all', which the PDF renderer does not implement, done by keeping each word that
# has Hangul in it on one line. (Not with word joiners: letter-spaced text would
# space them as letters.)
_HAS_HANGUL = re.compile(f"[{_HANGUL}]")
_KO_WORD = re.compile(f"[^\\s<>]*[{_HANGUL}][^\\s<>]*")
# An inline element template rules leave alone (a rule for 'span' may make it a block).
KEEP = '<bdi style="white-space: nowrap">'


def french(text: str) -> str:
    """Plain text set by the rules of French typography."""
    text = _FR_APOSTROPHE.sub("\u2019", text)
    text = _FR_OPEN.sub(r"\1«", text)
    text = _FR_CLOSE.sub("»", text)
    text = _FR_AFTER_OPEN.sub("«" + NNBSP, text)
    text = _FR_SPACED.sub(NNBSP, text)
    text = _FR_GLUED.sub(NNBSP, text)
    return _DIGIT_GROUPS.sub(NNBSP, text)


def korean_words(html: str) -> str:
    """Escaped text whose Korean words cannot break inside, each kept on one line."""
    return _KO_WORD.sub(lambda m: f"{KEEP}{m.group(0)}</bdi>", html)


def typeset_text(text: str, language: str) -> str:
    """Plain text (an e-mail) set by the rules of ``language``."""
    return french(text) if base_language(language) == "fr" else text


def typeset(html: str, language: str, paper: bool = True) -> str:
    """``html`` with the rules of ``language`` applied to its text, never to its markup.

    ``paper``: the page is laid out as a PDF (a browser keeps Korean words whole by
    CSS, web.css).
    """
    rules = [french] if base_language(language) == "fr" else []

    def text(part: str) -> str:
        if not part or part.isspace():
            return part
        if rules:
            plain = set_ = htmllib.unescape(part)
            for rule in rules:
                set_ = rule(set_)
            if set_ != plain:  # else left as the template escaped it
                part = set_.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if paper and _HAS_HANGUL.search(part):
            part = korean_words(part)
        return part

    if not rules and not (paper and _HAS_HANGUL.search(html)):
        return html
    out, end = [], 0
    for markup in MARKUP.finditer(html):
        out += [text(html[end : markup.start()]), markup.group(1)]
        end = markup.end()
    out.append(text(html[end:]))
    return "".join(out)
