"""The fixed words of a letter ("Re:", "cc:", "Page 2 of 3", ...) in each language we ship.

Keys holding ``{...}`` are formats, so that each language can put the name, date or
page number where its grammar wants it ("Page 2 of 3", "3쪽 중 2쪽"). The plain keys
("page", "of", "as_of", ...) are kept for templates copied into workspaces before
the formats existed. A counted phrase ("{count} signatures") may have a form for each
plural category of the language's grammar ("signature_count_one", "..._few"), see
``say_count``; the plain key is the form for every other number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel import Locale
from babel.lists import format_list
from babel.numbers import format_decimal

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "re": "Re:",
        "cc": "cc:",
        "page": "Page",
        "of": "of",
        "as_of": "as of",
        "signatories": "Signatories",
        "copy": "Copy",
        "copy_for": "Copy for",
        "copy_note": "Copy of the letter sent to",
        "to": "To:",
        "envelopes": "Envelopes",
        "labels": "Address labels",
        "page_of": "Page {page} of {pages}",
        "signatories_as_of": "Signatories (as of {date})",
        "group_count": "{heading} ({count})",
        "copy_for_name": "Copy for {name}",
        "copy_note_to": "Copy of the letter sent to {recipient}.",
        "name_title": "{name}, {title}",
        "salutation": "Dear {name},",
        "translation": "Translation",
        "original": "Original",
        "supported_by_as_of": "Supported by (as of {date})",
        "petition": "Petition",
        "signature_count": "{count} signatures",
        "signature_count_one": "{count} signature",
        "count_as_of": "as of {date}",
        "submitted_by": "Submitted by {name}",
        "enclosures": "Enclosures:",
        "dated": "{place}, {date}",
        "salutation_example": "Dear Prime Minister,",
    },
    "fr": {
        "re": "Objet\u00a0:",
        "cc": "Copie à\u00a0:",
        "page": "Page",
        "of": "sur",
        "as_of": "au",
        "signatories": "Signataires",
        "copy": "Copie",
        "copy_for": "Copie pour",
        "copy_note": "Copie de la lettre adressée à",
        "to": "À\u00a0:",
        "envelopes": "Enveloppes",
        "labels": "Étiquettes d’adresse",
        "page_of": "Page {page} sur {pages}",
        "signatories_as_of": "Signataires (au {date})",
        "group_count": "{heading} ({count})",
        "copy_for_name": "Copie pour {name}",
        "copy_note_to": "Copie de la lettre adressée à {recipient}.",
        "name_title": "{name}, {title}",
        "salutation": "Madame, Monsieur,",
        "translation": "Traduction",
        "original": "Original",
        "supported_by_as_of": "Soutiens (au {date})",
        "petition": "Pétition",
        "signature_count": "{count} signatures",
        "signature_count_one": "{count} signature",
        "signature_count_many": "{count} de signatures",
        "count_as_of": "au {date}",
        "submitted_by": "Présentée par {name}",
        "enclosures": "Pièces jointes\u00a0:",
        "dated": "{place}, le {date}",
        "salutation_example": "Monsieur le Premier ministre,",
    },
    "es": {
        "re": "Asunto:",
        "cc": "Con copia a:",
        "page": "Página",
        "of": "de",
        "as_of": "a fecha de",
        "signatories": "Firmantes",
        "copy": "Copia",
        "copy_for": "Copia para",
        "copy_note": "Copia de la carta enviada a",
        "to": "Para:",
        "envelopes": "Sobres",
        "labels": "Etiquetas de dirección",
        "page_of": "Página {page} de {pages}",
        "signatories_as_of": "Firmantes (a fecha de {date})",
        "group_count": "{heading} ({count})",
        "copy_for_name": "Copia para {name}",
        "copy_note_to": "Copia de la carta enviada a {recipient}.",
        "name_title": "{name}, {title}",
        "salutation": "Estimado/a {name}:",
        "translation": "Traducción",
        "original": "Original",
        "supported_by_as_of": "Apoyos (a fecha de {date})",
        "petition": "Petición",
        "signature_count": "{count} firmas",
        "signature_count_one": "{count} firma",
        "signature_count_many": "{count} de firmas",
        "count_as_of": "a fecha de {date}",
        "submitted_by": "Presentada por {name}",
        "enclosures": "Anexos:",
        "dated": "{place}, {date}",
        "salutation_example": "Señor Presidente del Gobierno:",
    },
    "de": {
        "re": "Betreff:",
        "cc": "Kopie an:",
        "page": "Seite",
        "of": "von",
        "as_of": "Stand:",
        "signatories": "Unterzeichnende",
        "copy": "Kopie",
        "copy_for": "Kopie für",
        "copy_note": "Kopie des Schreibens an",
        "to": "An:",
        "envelopes": "Briefumschläge",
        "labels": "Adressetiketten",
        "page_of": "Seite {page} von {pages}",
        "signatories_as_of": "Unterzeichnende (Stand: {date})",
        "group_count": "{heading} ({count})",
        "copy_for_name": "Kopie für {name}",
        "copy_note_to": "Kopie des Schreibens an {recipient}.",
        "name_title": "{name}, {title}",
        "salutation": "Sehr geehrte Damen und Herren,",
        "translation": "Übersetzung",
        "original": "Original",
        "supported_by_as_of": "Unterstützt von (Stand: {date})",
        "petition": "Petition",
        "signature_count": "{count} Unterschriften",
        "signature_count_one": "{count} Unterschrift",
        "count_as_of": "Stand: {date}",
        "submitted_by": "Eingereicht von {name}",
        "enclosures": "Anlagen:",
        "dated": "{place}, {date}",
        "salutation_example": "Sehr geehrter Herr Bundeskanzler,",
    },
    "ja": {
        "re": "件名：",
        "cc": "写し送付先：",
        "page": "ページ",
        "of": "/",
        "as_of": "現在",
        "signatories": "署名者",
        "copy": "写し",
        "copy_for": "写し：",
        "copy_note": "本書は次の宛先に送付した書簡の写しです：",
        "to": "宛先：",
        "envelopes": "封筒",
        "labels": "宛名ラベル",
        "page_of": "{page} / {pages} ページ",
        "signatories_as_of": "署名者（{date}現在）",
        "group_count": "{heading}（{count}）",
        "copy_for_name": "写し（{name} 宛）",
        "copy_note_to": "本書は{recipient}宛てに送付した書簡の写しです。",
        "name_title": "{title} {name}",
        "salutation": "拝啓",
        "translation": "翻訳",
        "original": "原文",
        "supported_by_as_of": "賛同者（{date}現在）",
        "petition": "請願書",
        "signature_count": "署名{count}筆",
        "count_as_of": "{date}現在",
        "submitted_by": "提出者：{name}",
        "enclosures": "同封書類：",
        "dated": "{date}",
        "salutation_example": "謹啓",
    },
    "ko": {
        "re": "제목:",
        "cc": "참조:",
        "page": "쪽",
        "of": "/",
        "as_of": "기준",
        "signatories": "서명자",
        "copy": "사본",
        "copy_for": "사본:",
        "copy_note": "다음 분께 보낸 서한의 사본입니다:",
        "to": "수신:",
        "envelopes": "봉투",
        "labels": "주소 라벨",
        "page_of": "{pages}쪽 중 {page}쪽",
        "signatories_as_of": "서명자 ({date} 기준)",
        "group_count": "{heading} ({count})",
        "copy_for_name": "사본: {name} 귀하",
        "copy_note_to": "이 문서는 {recipient} 앞으로 보낸 서한의 사본입니다.",
        "name_title": "{title} {name}",
        "salutation": "{name} 귀하",
        "translation": "번역",
        "original": "원문",
        "supported_by_as_of": "지지자 ({date} 기준)",
        "petition": "청원서",
        "signature_count": "서명자 {count}명",
        "count_as_of": "{date} 기준",
        "submitted_by": "제출: {name}",
        "enclosures": "첨부:",
        "dated": "{date}",
        "salutation_example": "존경하는 국무총리님께",
    },
    "ar": {
        "re": "الموضوع:",
        "cc": "نسخة إلى:",
        "page": "صفحة",
        "of": "من",
        "as_of": "حتى",
        "signatories": "الموقعون",
        "copy": "نسخة",
        "copy_for": "نسخة إلى",
        "copy_note": "نسخة من الرسالة المرسلة إلى",
        "to": "إلى:",
        "envelopes": "مظاريف",
        "labels": "ملصقات العناوين",
        "page_of": "صفحة {page} من {pages}",
        "signatories_as_of": "الموقعون (حتى {date})",
        "group_count": "{heading} ({count})",
        "copy_for_name": "نسخة إلى {name}",
        "copy_note_to": "نسخة من الرسالة المرسلة إلى {recipient}.",
        "name_title": "{name}، {title}",
        "salutation": "حضرة {name}،",
        "translation": "ترجمة",
        "original": "الأصل",
        "supported_by_as_of": "بدعم من (حتى {date})",
        "petition": "عريضة",
        "signature_count": "{count} توقيع",
        "signature_count_one": "توقيع واحد",
        "signature_count_two": "توقيعان",
        "signature_count_few": "{count} توقيعات",
        "signature_count_many": "{count} توقيعًا",
        "count_as_of": "حتى {date}",
        "submitted_by": "مقدمة من {name}",
        "enclosures": "المرفقات:",
        "dated": "{place} في {date}",
        "salutation_example": "دولة رئيس الوزراء المحترم،",
    },
}

# Languages that write an address from the country down to the person, name last.
NAME_LAST = ("ja", "ko", "zh")


def base_language(language: str) -> str:
    """'en-US' -> 'en'."""
    return language.replace("_", "-").split("-")[0].lower()


def has_labels(language: str) -> bool:
    """Whether the fixed words of ``language`` are shipped (else English is used)."""
    return base_language(language) in LABELS


def labels_for(language: str) -> dict[str, str]:
    """The template's fixed words in ``language`` (English where it is not shipped)."""
    return LABELS.get(base_language(language), LABELS["en"])


def say(labels: Mapping[str, str], key: str, **values: Any) -> str:
    """Fill in a format label: ``say(labels, "page_of", page=2, pages=3)``."""
    return labels[key].format(**values)


def say_count(labels: Mapping[str, str], language: str, key: str, count: int) -> str:
    """A counted phrase in the form ``count`` calls for: '1 signature', '1,234 signatures'.

    The number is written the language's way (1,234 · 1 234 · 1.234).
    """
    locale = Locale.parse(base_language(language) if base_language(language) in LABELS else "en")
    form = locale.plural_form(count)
    text = labels.get(f"{key}_{form}", labels[key])
    return text.format(count=format_decimal(count, locale=language.replace("-", "_")))


def join_list(items: list[str], language: str) -> str:
    """Items joined as the language writes a list: 'A, B and C', 'A, B et C', 'A、B、C'."""
    if not items:
        return ""
    try:
        return format_list(items, locale=language.replace("-", "_"))
    except (ValueError, TypeError):  # a language babel has no list patterns for
        return format_list(items, locale="en")


def name_last(language: str) -> bool:
    """Whether addresses in ``language`` go from the place down to the name."""
    return base_language(language) in NAME_LAST


def language_name(language: str) -> str:
    """A language's name in that language: 'English', '日本語', '한국어'."""
    try:
        name = Locale.parse(base_language(language)).get_display_name()
    except (ValueError, TypeError):
        return language
    return (name or language)[:1].upper() + (name or language)[1:]
