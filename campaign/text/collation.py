"""Alphabetical order by the rules of a language (ICU's Unicode collation)."""

from __future__ import annotations

from functools import lru_cache

import icu


@lru_cache(maxsize=16)
def collator(language: str) -> icu.Collator:
    """An ICU collator for a tag such as ``en-US``, ``fr`` or ``ja``."""
    return icu.Collator.createInstance(icu.Locale(language.replace("-", "_")))


def sort_key(text: str, language: str) -> bytes:
    """A byte string that orders ``text`` as a reader of ``language`` expects."""
    return bytes(collator(language).getSortKey(text))
