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
        "message_letter": (
            "Please find attached a joint open letter from {count} organizations and "
            "individuals, dated {date}: “{title}”."
        ),
        "message_copy": (
            "Please find attached, for your information, a copy of the joint open letter "
            "that {count} organizations and individuals sent on {date} to {addressees}."
        ),
        "message_letter_alone": "Please find attached our letter dated {date}: “{title}”.",
        "message_copy_alone": (
            "Please find attached, for your information, a copy of the letter sent on "
            "{date} to {addressees}."
        ),
        "message_list": "The letter and the full list of its signatories are in the attached PDF.",
        "message_copy_subject": "{subject} (copy)",
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
        "message_letter": (
            "Veuillez trouver ci-joint une lettre ouverte commune de {count} "
            "organisations et personnes, datée du {date}\u202f: «\u202f{title}\u202f»."
        ),
        "message_copy": (
            "Veuillez trouver ci-joint, pour information, une copie de la lettre ouverte "
            "commune que {count} organisations et personnes ont adressée le {date} à "
            "{addressees}."
        ),
        "message_letter_alone": (
            "Veuillez trouver ci-joint notre lettre du {date}\u202f: «\u202f{title}\u202f»."
        ),
        "message_copy_alone": (
            "Veuillez trouver ci-joint, pour information, une copie de la lettre "
            "adressée le {date} à {addressees}."
        ),
        "message_list": (
            "La lettre et la liste complète de ses signataires figurent dans le PDF ci-joint."
        ),
        "message_copy_subject": "{subject} (copie)",
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
        "message_letter": (
            "Adjuntamos una carta abierta conjunta de {count} organizaciones y personas, "
            "con fecha {date}: «{title}»."
        ),
        "message_copy": (
            "Adjuntamos, para su información, una copia de la carta abierta conjunta que "
            "{count} organizaciones y personas enviaron el {date} a {addressees}."
        ),
        "message_letter_alone": "Adjuntamos nuestra carta con fecha {date}: «{title}».",
        "message_copy_alone": (
            "Adjuntamos, para su información, una copia de la carta enviada el {date} a "
            "{addressees}."
        ),
        "message_list": "La carta y la lista completa de sus firmantes figuran en el PDF adjunto.",
        "message_copy_subject": "{subject} (copia)",
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
        "message_letter": (
            "Anbei erhalten Sie einen gemeinsamen offenen Brief von {count} "
            "Organisationen und Einzelpersonen vom {date}: „{title}“."
        ),
        "message_copy": (
            "Anbei erhalten Sie zur Kenntnis eine Kopie des gemeinsamen offenen Briefes, "
            "den {count} Organisationen und Einzelpersonen am {date} an {addressees} "
            "gesandt haben."
        ),
        "message_letter_alone": "Anbei erhalten Sie unser Schreiben vom {date}: „{title}“.",
        "message_copy_alone": (
            "Anbei erhalten Sie zur Kenntnis eine Kopie des Schreibens vom {date} an {addressees}."
        ),
        "message_list": (
            "Den Brief und die vollständige Liste der Unterzeichnenden finden Sie in der "
            "angehängten PDF-Datei."
        ),
        "message_copy_subject": "{subject} (Kopie)",
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
        "message_letter": (
            "{count}の団体・個人による{date}付の共同公開書簡「{title}」を添付いたします。"
        ),
        "message_copy": (
            "{count}の団体・個人が{date}に{addressees}宛てに送付した共同公開書簡の写しを"
            "、ご参考までに添付いたします。"
        ),
        "message_letter_alone": "{date}付の書簡「{title}」を添付いたします。",
        "message_copy_alone": (
            "{date}に{addressees}宛てに送付した書簡の写しを、ご参考までに添付いたします。"
        ),
        "message_list": "書簡と署名者の一覧は添付のPDFにございます。",
        "message_copy_subject": "{subject}（写し）",
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
        "message_letter": "{count}개 단체와 개인의 공동 공개서한({date})을 첨부합니다: 「{title}」",
        "message_copy": (
            "{count}개 단체와 개인이 {date}에 {addressees} 앞으로 보낸 공동 공개서한의 "
            "사본을 참고로 첨부합니다."
        ),
        "message_letter_alone": "{date} 자 서한을 첨부합니다: 「{title}」",
        "message_copy_alone": "{date}에 {addressees} 앞으로 보낸 서한의 사본을 참고로 첨부합니다.",
        "message_list": "서한과 전체 서명자 명단은 첨부된 PDF에 있습니다.",
        "message_copy_subject": "{subject} (사본)",
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
        "message_letter": (
            "تجدون مرفقًا رسالة مفتوحة مشتركة من {count} منظمة وفردًا، بتاريخ {date}: «{title}»."
        ),
        "message_copy": (
            "تجدون مرفقًا، للعلم، نسخة من الرسالة المفتوحة المشتركة التي أرسلتها {count} "
            "منظمة وفردًا في {date} إلى {addressees}."
        ),
        "message_letter_alone": "تجدون مرفقًا رسالتنا المؤرخة {date}: «{title}».",
        "message_copy_alone": (
            "تجدون مرفقًا، للعلم، نسخة من الرسالة المرسلة في {date} إلى {addressees}."
        ),
        "message_list": "الرسالة والقائمة الكاملة لموقعيها في ملف PDF المرفق.",
        "message_copy_subject": "{subject} (نسخة)",
    },
}

# Where a region spells its language differently: these words replace the language's.
# British spelling (organisation) for English outside North America.
_BRITISH = {
    "message_letter": LABELS["en"]["message_letter"].replace("organizations", "organisations"),
    "message_copy": LABELS["en"]["message_copy"].replace("organizations", "organisations"),
}
REGIONAL: dict[str, dict[str, str]] = {
    region: _BRITISH for region in ("en-gb", "en-au", "en-nz", "en-ie", "en-za", "en-in")
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
    """The template's fixed words in ``language`` (English where it is not shipped).

    A region's own spelling wins over the language's (en-GB: 'organisations').
    """
    words = LABELS.get(base_language(language), LABELS["en"])
    region = REGIONAL.get(language.replace("_", "-").lower())
    return words | region if region else words


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
