"""Which writing system a text is in, and what follows for printing it.

A letter in English can hold a Korean organisation's name; the same Chinese character
is drawn differently in Japanese and Korean type. So runs of Korean, Japanese or
Arabic text inside a document of another language are marked with ``lang``, and the
template's ``:lang()`` rules give each the face made for it.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from campaign.text.wording import base_language, name_last

HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
KANA = "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3005\u3007"
CJK_MARKS = "\u3000-\u3004\u3008-\u303f\uff01-\uff65\u30fb"  # 、。「」（）・ and full-width forms
ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
HEBREW = "\u0590-\u05ff\ufb1d-\ufb4f"
# Characters that print nothing: Unicode's default-ignorable code points (the soft
# hyphen, zero-width spaces and joiners, direction marks, embeddings, overrides and
# isolates, the byte-order mark, variation selectors, the Hangul fillers, tags), and the
# blank braille pattern, which prints as a space: a name made of them is no name.
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)

_CJK = f"{HANGUL}{KANA}{HAN}{CJK_MARKS}"
# Each a class of tens of thousands of code points, which re takes ~27 ms of every
# command's start to compile all together: each is compiled when first used, so a
# command that never asks (sig add, a rebuild with nothing to do) never pays.
_SOURCES = {
    "hangul": f"[{HANGUL}]",
    "kana": f"[{KANA}]",
    "han": f"[{HAN}]",
    "arabic": f"[{ARABIC}]",
    "hebrew": f"[{HEBREW}]",
    "non-latin": f"[{_CJK}{ARABIC}{HEBREW}]",
    # A run: East Asian characters (with digits and single spaces between them), or
    # Arabic or Hebrew words with the spaces and punctuation between them.
    "run": (
        f"[{_CJK}](?:[{_CJK}0-9０-９]|[ ·.](?=[{_CJK}0-9]))*"
        f"|[{ARABIC}](?:[{ARABIC}0-9]|[ .,،\\-](?=[{ARABIC}]))*"
        f"|[{HEBREW}](?:[{HEBREW}0-9]|[ .,\\-](?=[{HEBREW}]))*"
    ),
}


@functools.cache
def _pattern(name: str) -> re.Pattern[str]:
    """The expression ``name`` of _SOURCES, compiled the first time it is asked for."""
    return re.compile(_SOURCES[name])


# Text outside tags, style sheets and the title is what a reader sees.
_MARKUP = re.compile(
    r"(<(style|script|title)\b.*?</\2\s*>|<!--.*?-->|<[^>]*>)", re.DOTALL | re.IGNORECASE
)
MARKUP = _MARKUP  # what is not text in a page: tags, comments, styles (see typography.py)

RIGHT_TO_LEFT = ("ar", "he", "fa", "ur")


def script_language(text: str) -> str:
    """The language a run of text is written for: 'ko', 'ja', 'ar', 'he', 'han' or ''.

    Hangul means Korean and kana means Japanese; Chinese characters alone ('han')
    could be either, or Chinese, and are left to the document's language.
    """
    if _pattern("hangul").search(text):
        return "ko"
    if _pattern("kana").search(text):
        return "ja"
    if _pattern("arabic").search(text):
        return "ar"
    if _pattern("hebrew").search(text):
        return "he"
    if _pattern("han").search(text):
        return "han"
    return ""


def is_latin(text: str) -> bool:
    """True when ``text`` has no East Asian, Arabic or Hebrew letters."""
    return not _pattern("non-latin").search(text)


def is_east_asian(text: str) -> bool:
    """True when ``text`` holds Chinese characters, kana or Hangul."""
    return bool(
        _pattern("hangul").search(text)
        or _pattern("kana").search(text)
        or _pattern("han").search(text)
    )


def suits(text: str, language: str) -> bool:
    """Whether ``text`` is written in a script a reader of ``language`` reads natively."""
    script = script_language(text)
    base = base_language(language)
    if not script:
        return True  # Latin letters: every letter prints them (addresses abroad, acronyms)
    if script == "han":
        return base in ("ja", "ko", "zh")
    return script == base or (script == "ar" and base in ("fa", "ur"))


def printed_name(name: str, name_latin: str, language: str) -> str:
    """The name a letter in ``language`` prints: the native one if its readers read it."""
    if not name_latin or is_latin(name):
        return name
    return name if suits(name, language) else name_latin


def writes_name_last(language: str, address: tuple[str, ...]) -> bool:
    """Whether an address goes from the place down to the name: a Japanese or Korean
    letter's address written in Japanese or Korean (a Western address keeps its order)."""
    return name_last(language) and any(is_east_asian(line) for line in address)


def is_right_to_left(language: str) -> bool:
    """Whether ``language`` is written from right to left."""
    return base_language(language) in RIGHT_TO_LEFT


def mark_scripts(html: str, language: str) -> str:
    """``html`` with each run of another script's text wrapped in ``<bdi lang>``."""
    if not _pattern("non-latin").search(html):
        return html  # nothing to mark (most letters' page 1): no need to split the markup
    base = base_language(language)
    out = []
    end = 0
    for markup in _MARKUP.finditer(html):
        out += [_mark_text(html[end : markup.start()], base), markup.group(1)]
        end = markup.end()
    out.append(_mark_text(html[end:], base))
    return "".join(out)


def _mark_text(text: str, base: str) -> str:
    if not _pattern("non-latin").search(text):
        return text
    return _pattern("run").sub(lambda m: _wrap(m.group(0), base), text)


def _wrap(run: str, base: str) -> str:
    if _pattern("hangul").search(run) and _pattern("kana").search(run):
        # Korean and Japanese side by side ('북한 ひまわり', '북한のひまわり'): each part
        # on its own; Chinese characters, marks and digits go with what precedes them.
        groups: list[list[str]] = []  # [lang, text]
        for char in run:
            lang = (
                "ko"
                if _pattern("hangul").match(char)
                else "ja"
                if _pattern("kana").match(char)
                else ""
            )
            if groups and lang in ("", groups[-1][0]):
                groups[-1][1] += char
            elif groups and not groups[-1][0]:
                groups[-1] = [lang, groups[-1][1] + char]
            else:
                groups.append([lang, char])
        return "".join(_wrap_one(text, base) for _, text in groups)
    return _wrap_one(run, base)


def _wrap_one(run: str, base: str) -> str:
    lang = script_language(run)
    if lang in ("", "han", base) or (lang == "ar" and base in ("fa", "ur")):
        return run
    return f'<bdi lang="{lang}">{run}</bdi>'


def holds_bidi_class(text: str, classes: frozenset[str]) -> bool:
    """Whether a character of ``text`` is of one of Unicode's bidirectional ``classes``."""
    return not text.isascii() and any(unicodedata.bidirectional(c) in classes for c in text)
