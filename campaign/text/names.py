"""Name handling: comparison keys for duplicates, and safe file names."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from typing import TYPE_CHECKING

from campaign.text.scripts import INVISIBLE, is_east_asian, is_latin

if TYPE_CHECKING:
    import icu

_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACE = re.compile(r"\s+")
# Characters that print nothing (zero-width spaces and joiners, direction controls, the
# soft hyphen): 'Zero\u200bWidth' is the same name as 'ZeroWidth'.
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


# ASCII's punctuation (what _PUNCT matches), each made a space by one table look-up.
_ASCII_PUNCT = str.maketrans({c: " " for c in map(chr, range(128)) if _PUNCT.match(c)})


def fold(text: str) -> str:
    """Compare-key for names: no accents, case, punctuation or repeated spaces."""
    if text.isascii():
        # Most names: nothing to decompose and no invisible character to drop, so the
        # expressions below come to a table and a split (40 % less time; a 10,000-entry
        # list folds every name for each 'sig add').
        return " ".join(text.casefold().translate(_ASCII_PUNCT).split())
    return _fold_any(text)


# The kana voicing marks, which decomposition splits off as combining marks: they make
# another letter (か ka, が ga; クリーン "clean", グリーン "green"), not an accent.
_LETTER_MARKS = frozenset("\u3099\u309a")


def _fold_any(text: str) -> str:
    """``fold`` of any text."""
    decomposed = unicodedata.normalize("NFKD", _INVISIBLE.sub("", text))
    # ASCII holds no combining marks: most names skip the walk over their characters.
    bare = (
        decomposed
        if decomposed.isascii()
        else "".join(c for c in decomposed if not unicodedata.combining(c) or c in _LETTER_MARKS)
    )
    return _SPACE.sub(" ", _PUNCT.sub(" ", bare.casefold())).strip()


def family_name(name: str) -> str:
    """The family name, the default alphabetical key of an individual.

    In Latin letters it is the last word. Chinese, Japanese and Korean names put the
    family name first, so a name in those scripts sorts as written.
    """
    if is_east_asian(name):
        return name.replace(" ", "").replace("\u3000", "")
    words = name.split()
    return words[-1] if words else name


# Letters that Unicode does not decompose into a base letter and an accent.
_SPELLED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


@functools.lru_cache(maxsize=1)
def _to_latin() -> icu.Transliterator:
    # Imported here: only file names need it, and ICU takes ~10 ms of a command's start.
    import icu

    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


def slugify(text: str) -> str:
    """A lower-case ASCII file name part: 'Shinzo Abe' -> 'shinzo-abe'.

    Other scripts are spelt in Latin letters first (ICU's transliteration), so that
    '북한인권' and 'ひまわり' still give readable, distinct file names.
    """
    if not is_latin(text):
        text = _to_latin().transliterate(text)
    ascii_text = fold(text).translate(_SPELLED).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:60].strip("-") or "recipient"


def unique_slugs(names: list[str]) -> list[str]:
    """Slugs for ``names``, numbered where two would collide."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        base = slugify(name)
        seen[base] = seen.get(base, 0) + 1
        result.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return result


def file_slugs(people: list[tuple[str, ...]]) -> list[str]:
    """Distinct, stable file names for people given as (name, other identifying fields...).

    A name is its slug ('A. Smith' -> 'a-smith'). When slugs clash, the first in the
    list keeps it and each later one gets a code worked out from their own name
    ('a-smith-5c1d'; from all their fields, then a number, if the names are the same).
    No code depends on anyone's position, so a recipient added after the others
    renames no one's file, unlike numbering them.
    """
    levels = [0] * len(people)
    while True:
        names = [_file_slug(person, level) for person, level in zip(people, levels, strict=True)]
        first: dict[str, int] = {}
        clashed = False
        for index, name in enumerate(names):
            if name in first:
                levels[index] += 1
                clashed = True
            else:
                first[name] = index
        if not clashed:
            return names


def _file_slug(person: tuple[str, ...], level: int) -> str:
    """The file name of ``person`` at ``level`` of disambiguation (0: the bare slug)."""
    base = slugify(person[0])
    if level == 0:
        return base
    # The code hashes the text as written, so 'A. Smith' and 'A Smith' differ.
    fields = (person[0],) if level == 1 else person
    digest = hashlib.sha256(
        "\0".join(unicodedata.normalize("NFC", f) for f in fields).encode("utf-8", "surrogatepass")
    ).hexdigest()
    if level <= 3:
        return f"{base}-{digest[: 4 if level < 3 else 8]}"
    return f"{base}-{digest[:8]}-{level - 2}"  # the same in every field: numbered
