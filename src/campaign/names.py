"""Name handling: comparison keys for duplicates, and safe file names."""

from __future__ import annotations

import functools
import re
import unicodedata

import icu

from campaign.scripts import INVISIBLE, is_east_asian, is_latin

_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACE = re.compile(r"\s+")
# Characters that print nothing (zero-width spaces and joiners, direction controls, the
# soft hyphen): 'Zero\u200bWidth' is the same name as 'ZeroWidth'.
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def fold(text: str) -> str:
    """Compare-key for names: no accents, case, punctuation or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", _INVISIBLE.sub("", text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
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
