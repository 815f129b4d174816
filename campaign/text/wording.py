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
        "message_optout": (
            "You receive this because you signed “{title}”. To get no more messages about "
            "it, reply with “unsubscribe”."
        ),
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
        "message_optout": (
            "Vous recevez ce message parce que vous avez signé « {title} ». Pour ne plus en "
            "recevoir à ce sujet, répondez « désinscription »."
        ),
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
        "message_optout": (
            "Recibe este mensaje porque firmó «{title}». Para no recibir más mensajes sobre "
            "ella, responda «baja»."
        ),
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
        "message_optout": (
            "Sie erhalten diese Nachricht, weil Sie „{title}“ unterzeichnet haben. Wenn Sie "
            "keine weiteren Nachrichten dazu erhalten möchten, antworten Sie mit "
            "„abmelden“."
        ),
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
        "message_optout": (
            "このメールは「{title}」に署名された方にお送りしています。今後のお知らせが不要な場合は「配信停止」とご返信ください。"
        ),
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
        "message_optout": (
            "“{title}”에 서명하셨기에 이 메일을 보내 드립니다. "
            "더 이상 관련 메일을 받지 않으시려면 ‘수신 거부’라고 답장해 주십시오."
        ),
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
        "message_optout": (
            "تصلك هذه الرسالة لأنك وقّعت على «{title}». إن لم ترغب في تلقي المزيد من "
            "الرسائل بشأنها، فأرسل ردًّا بعبارة «إلغاء الاشتراك»."
        ),
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


# The words of the sign-on page and its e-mails (campaign/signon/), in every language
# above. A format's {...} names what the page or the mail fills in.
SIGNON: dict[str, dict[str, str]] = {
    "en": {
        "signon_heading": "Sign this letter",
        "signon_intro": (
            "Add your name below. We will send you an e-mail with a link: open it and "
            "confirm, and your signature counts."
        ),
        "signon_name": "Name",
        "signon_name_hint": "As it should be printed: your full name, or your organization’s.",
        "signon_kind": "Signing as",
        "signon_individual": "an individual",
        "signon_organization": "an organization",
        "signon_affiliation": "Title or affiliation (optional)",
        "signon_country": "Country (optional)",
        "signon_email": "E-mail address",
        "signon_email_hint": "Only to confirm your signature; never published.",
        "signon_group": "Sign under",
        "signon_print_consent": (
            "Print my name, as written above, on this letter and on its published list "
            "of signatories."
        ),
        "signon_contact_consent": "You may contact me about this letter (optional).",
        "signon_homepage": "Leave this field empty: it is here to catch robots.",
        "signon_submit": "Sign",
        "signon_counts": "Signatures so far",
        "signon_none_yet": "No signatures yet.",
        "signon_check_inbox_title": "Check your inbox",
        "signon_check_inbox": (
            "We have sent an e-mail to the address you gave. Open the link in it to "
            "confirm your signature: it counts only once confirmed. If nothing arrives, "
            "look in your spam folder."
        ),
        "signon_confirmed": "Thank you: your signature is confirmed.",
        "signon_already_confirmed": "This signature was already confirmed.",
        "signon_confirm_ask": "Confirm that you sign this letter, as:",
        "signon_confirm_button": "Confirm my signature",
        "signon_confirm_expired": (
            "The page had expired, so nothing was confirmed. Please press the button again."
        ),
        "signon_withdraw_expired": (
            "The page had expired, so nothing was withdrawn. Please press the button again."
        ),
        "signon_withdraw_ask": (
            "Withdraw your signature from this letter? Your name will no longer be "
            "published with it."
        ),
        "signon_withdraw_button": "Withdraw my signature",
        "signon_withdrawn": "Your signature has been withdrawn.",
        "signon_already_withdrawn": "This signature was already withdrawn.",
        "signon_link_expired": (
            "This link has expired. Fill in the form again with the same e-mail address "
            "to get a new one."
        ),
        "signon_link_invalid": (
            "This link is not valid. Open it from the e-mail again, or copy the whole link."
        ),
        "signon_back": "Back to the letter",
        "signon_problem_title": "Nothing was saved",
        "signon_unavailable": (
            "The sign-on page cannot reach its database just now, so nothing was saved. "
            "Please try again in a few minutes."
        ),
        "signon_rate_limited": (
            "Too many signatures have come from your connection in the last hour. "
            "Please try again later."
        ),
        "signon_form_expired": (
            "The form had expired, so nothing was sent. Please fill it in again."
        ),
        "signon_too_large": "What was sent is far larger than the form allows.",
        "signon_wrong_host": "This page is not served under this address.",
        "signon_not_found": "There is no such page.",
        "signon_form_problems": "Please correct the fields marked below.",
        "signon_error_required": "Please fill this in.",
        "signon_error_email": "This is not an e-mail address.",
        "signon_error_choice": "Please choose one of the options.",
        "signon_error_consent": "Your name can be added only if it may be printed.",
        "signon_error_long": "This is too long: at most {limit} characters.",
        "signon_error_control": "This contains a control character, which cannot be printed.",
        "signon_mail_confirm_subject": "Please confirm your signature: {title}",
        "signon_mail_confirm": (
            "Someone, probably you, asked to add this signature to the letter “{title}”:"
            "\n\n{signer}\n\nTo confirm it, open this link within {days} days:\n{confirm}\n\n"
            "If it was not you, ignore this message: nothing is signed without this "
            "confirmation.\n\nTo withdraw your signature later, open this link:\n{withdraw}"
        ),
        "signon_mail_already_subject": "Your signature: {title}",
        "signon_mail_already": (
            "Someone, probably you, asked to sign the letter “{title}” again with this "
            "e-mail address. Your signature is already there:\n\n{signer}\n\nNothing has "
            "changed. To withdraw your signature, open this link:\n{withdraw}"
        ),
    },
    "fr": {
        "signon_heading": "Signer cette lettre",
        "signon_intro": (
            "Ajoutez votre nom ci-dessous. Nous vous enverrons un courriel avec un lien : "
            "ouvrez-le et confirmez, et votre signature compte."
        ),
        "signon_name": "Nom",
        "signon_name_hint": (
            "Tel qu’il doit être imprimé : votre nom complet, ou celui de votre organisation."
        ),
        "signon_kind": "Vous signez en tant que",
        "signon_individual": "personne",
        "signon_organization": "organisation",
        "signon_affiliation": "Titre ou fonction (facultatif)",
        "signon_country": "Pays (facultatif)",
        "signon_email": "Adresse électronique",
        "signon_email_hint": "Seulement pour confirmer votre signature ; jamais publiée.",
        "signon_group": "Signer dans la liste",
        "signon_print_consent": (
            "Imprimer mon nom, tel qu’écrit ci-dessus, sur cette lettre et sur la liste "
            "publiée de ses signataires."
        ),
        "signon_contact_consent": "Vous pouvez me contacter au sujet de cette lettre (facultatif).",
        "signon_homepage": "Laissez ce champ vide : il sert à repérer les robots.",
        "signon_submit": "Signer",
        "signon_counts": "Signatures à ce jour",
        "signon_none_yet": "Pas encore de signature.",
        "signon_check_inbox_title": "Consultez votre boîte de réception",
        "signon_check_inbox": (
            "Nous avons envoyé un courriel à l’adresse indiquée. Ouvrez le lien qu’il "
            "contient pour confirmer votre signature : elle ne compte qu’une fois "
            "confirmée. Si rien n’arrive, regardez dans vos indésirables."
        ),
        "signon_confirmed": "Merci : votre signature est confirmée.",
        "signon_already_confirmed": "Cette signature était déjà confirmée.",
        "signon_confirm_ask": "Confirmez-vous signer cette lettre, sous ce nom :",
        "signon_confirm_button": "Confirmer ma signature",
        "signon_confirm_expired": (
            "La page avait expiré : rien n’a été confirmé. "
            "Veuillez appuyer de nouveau sur le bouton."
        ),
        "signon_withdraw_expired": (
            "La page avait expiré : rien n’a été retiré. Veuillez appuyer de nouveau sur le bouton."
        ),
        "signon_withdraw_ask": (
            "Retirer votre signature de cette lettre ? Votre nom ne sera plus publié avec elle."
        ),
        "signon_withdraw_button": "Retirer ma signature",
        "signon_withdrawn": "Votre signature a été retirée.",
        "signon_already_withdrawn": "Cette signature était déjà retirée.",
        "signon_link_expired": (
            "Ce lien a expiré. Remplissez à nouveau le formulaire avec la même adresse "
            "pour en recevoir un nouveau."
        ),
        "signon_link_invalid": (
            "Ce lien n’est pas valide. Ouvrez-le à nouveau depuis le courriel, "
            "ou copiez-le en entier."
        ),
        "signon_back": "Retour à la lettre",
        "signon_problem_title": "Rien n’a été enregistré",
        "signon_unavailable": (
            "La page de signature ne peut pas joindre sa base de données pour le moment : "
            "rien n’a été enregistré. Veuillez réessayer dans quelques minutes."
        ),
        "signon_rate_limited": (
            "Trop de signatures sont venues de votre connexion au cours de la dernière "
            "heure. Veuillez réessayer plus tard."
        ),
        "signon_form_expired": (
            "Le formulaire avait expiré : rien n’a été envoyé. Veuillez le remplir à nouveau."
        ),
        "signon_too_large": "L’envoi dépasse de loin ce que permet le formulaire.",
        "signon_wrong_host": "Cette page n’est pas servie à cette adresse.",
        "signon_not_found": "Cette page n’existe pas.",
        "signon_form_problems": "Veuillez corriger les champs signalés ci-dessous.",
        "signon_error_required": "Veuillez remplir ce champ.",
        "signon_error_email": "Ce n’est pas une adresse électronique.",
        "signon_error_choice": "Veuillez choisir l’une des options.",
        "signon_error_consent": "Votre nom ne peut être ajouté que s’il peut être imprimé.",
        "signon_error_long": "C’est trop long : {limit} caractères au plus.",
        "signon_error_control": "Ce texte contient un caractère de contrôle, qui ne s’imprime pas.",
        "signon_mail_confirm_subject": "Veuillez confirmer votre signature : {title}",
        "signon_mail_confirm": (
            "Quelqu’un, sans doute vous, a demandé d’ajouter cette signature à la lettre "
            "« {title} » :\n\n{signer}\n\nPour la confirmer, ouvrez ce lien dans les {days} "
            "jours :\n{confirm}\n\nSi ce n’était pas vous, ignorez ce message : rien n’est "
            "signé sans cette confirmation.\n\nPour retirer plus tard votre signature, "
            "ouvrez ce lien :\n{withdraw}"
        ),
        "signon_mail_already_subject": "Votre signature : {title}",
        "signon_mail_already": (
            "Quelqu’un, sans doute vous, a demandé à nouveau de signer la lettre « {title} » "
            "avec cette adresse. Votre signature y figure déjà :\n\n{signer}\n\nRien n’a "
            "changé. Pour retirer votre signature, ouvrez ce lien :\n{withdraw}"
        ),
    },
    "es": {
        "signon_heading": "Firmar esta carta",
        "signon_intro": (
            "Añada su nombre a continuación. Le enviaremos un correo con un enlace: "
            "ábralo y confirme, y su firma contará."
        ),
        "signon_name": "Nombre",
        "signon_name_hint": (
            "Tal como debe imprimirse: su nombre completo o el de su organización."
        ),
        "signon_kind": "Firma como",
        "signon_individual": "persona",
        "signon_organization": "organización",
        "signon_affiliation": "Cargo o afiliación (opcional)",
        "signon_country": "País (opcional)",
        "signon_email": "Correo electrónico",
        "signon_email_hint": "Solo para confirmar su firma; nunca se publica.",
        "signon_group": "Firmar en la lista",
        "signon_print_consent": (
            "Imprimir mi nombre, tal como está escrito arriba, en esta carta y en la lista "
            "publicada de sus firmantes."
        ),
        "signon_contact_consent": "Pueden contactarme sobre esta carta (opcional).",
        "signon_homepage": "Deje este campo vacío: sirve para detectar robots.",
        "signon_submit": "Firmar",
        "signon_counts": "Firmas hasta ahora",
        "signon_none_yet": "Todavía no hay firmas.",
        "signon_check_inbox_title": "Revise su bandeja de entrada",
        "signon_check_inbox": (
            "Hemos enviado un correo a la dirección indicada. Abra el enlace que contiene "
            "para confirmar su firma: solo cuenta una vez confirmada. Si no llega nada, "
            "mire en la carpeta de correo no deseado."
        ),
        "signon_confirmed": "Gracias: su firma está confirmada.",
        "signon_already_confirmed": "Esta firma ya estaba confirmada.",
        "signon_confirm_ask": "¿Confirma que firma esta carta, como:",
        "signon_confirm_button": "Confirmar mi firma",
        "signon_confirm_expired": (
            "La página había caducado, así que no se confirmó nada. Pulse el botón de nuevo."
        ),
        "signon_withdraw_expired": (
            "La página había caducado, así que no se retiró nada. Pulse el botón de nuevo."
        ),
        "signon_withdraw_ask": (
            "¿Retirar su firma de esta carta? Su nombre dejará de publicarse con ella."
        ),
        "signon_withdraw_button": "Retirar mi firma",
        "signon_withdrawn": "Su firma ha sido retirada.",
        "signon_already_withdrawn": "Esta firma ya estaba retirada.",
        "signon_link_expired": (
            "Este enlace ha caducado. Rellene de nuevo el formulario con la misma dirección "
            "para recibir uno nuevo."
        ),
        "signon_link_invalid": (
            "Este enlace no es válido. Ábralo de nuevo desde el correo o cópielo entero."
        ),
        "signon_back": "Volver a la carta",
        "signon_problem_title": "No se ha guardado nada",
        "signon_unavailable": (
            "La página de firmas no puede acceder ahora a su base de datos, así que no se "
            "ha guardado nada. Inténtelo de nuevo dentro de unos minutos."
        ),
        "signon_rate_limited": (
            "Han llegado demasiadas firmas desde su conexión en la última hora. "
            "Inténtelo de nuevo más tarde."
        ),
        "signon_form_expired": (
            "El formulario había caducado y no se ha enviado nada. Rellénelo de nuevo."
        ),
        "signon_too_large": "Lo enviado supera con mucho lo que admite el formulario.",
        "signon_wrong_host": "Esta página no se sirve en esta dirección.",
        "signon_not_found": "Esta página no existe.",
        "signon_form_problems": "Corrija los campos señalados a continuación.",
        "signon_error_required": "Rellene este campo.",
        "signon_error_email": "Esto no es una dirección de correo.",
        "signon_error_choice": "Elija una de las opciones.",
        "signon_error_consent": "Su nombre solo puede añadirse si puede imprimirse.",
        "signon_error_long": "Es demasiado largo: {limit} caracteres como máximo.",
        "signon_error_control": "Contiene un carácter de control, que no se puede imprimir.",
        "signon_mail_confirm_subject": "Confirme su firma: {title}",
        "signon_mail_confirm": (
            "Alguien, probablemente usted, ha pedido añadir esta firma a la carta «{title}»:"
            "\n\n{signer}\n\nPara confirmarla, abra este enlace en los próximos {days} días:"
            "\n{confirm}\n\nSi no ha sido usted, ignore este mensaje: nada se firma sin esta "
            "confirmación.\n\nPara retirar su firma más adelante, abra este enlace:\n{withdraw}"
        ),
        "signon_mail_already_subject": "Su firma: {title}",
        "signon_mail_already": (
            "Alguien, probablemente usted, ha pedido firmar de nuevo la carta «{title}» con "
            "esta dirección. Su firma ya figura en ella:\n\n{signer}\n\nNo ha cambiado nada. "
            "Para retirar su firma, abra este enlace:\n{withdraw}"
        ),
    },
    "de": {
        "signon_heading": "Diesen Brief unterzeichnen",
        "signon_intro": (
            "Tragen Sie unten Ihren Namen ein. Wir senden Ihnen eine E-Mail mit einem Link: "
            "Öffnen Sie ihn und bestätigen Sie, dann zählt Ihre Unterschrift."
        ),
        "signon_name": "Name",
        "signon_name_hint": (
            "So, wie er gedruckt werden soll: Ihr vollständiger Name oder der Ihrer Organisation."
        ),
        "signon_kind": "Sie unterzeichnen als",
        "signon_individual": "Einzelperson",
        "signon_organization": "Organisation",
        "signon_affiliation": "Titel oder Funktion (freiwillig)",
        "signon_country": "Land (freiwillig)",
        "signon_email": "E-Mail-Adresse",
        "signon_email_hint": "Nur zur Bestätigung Ihrer Unterschrift; nie veröffentlicht.",
        "signon_group": "Unterzeichnen in der Liste",
        "signon_print_consent": (
            "Meinen Namen, wie oben geschrieben, auf diesem Brief und der veröffentlichten "
            "Liste der Unterzeichnenden drucken."
        ),
        "signon_contact_consent": "Sie dürfen mich zu diesem Brief kontaktieren (freiwillig).",
        "signon_homepage": "Lassen Sie dieses Feld leer: Es dient dazu, Roboter zu erkennen.",
        "signon_submit": "Unterzeichnen",
        "signon_counts": "Bisherige Unterschriften",
        "signon_none_yet": "Noch keine Unterschriften.",
        "signon_check_inbox_title": "Sehen Sie in Ihr Postfach",
        "signon_check_inbox": (
            "Wir haben eine E-Mail an die angegebene Adresse gesendet. Öffnen Sie den Link "
            "darin, um Ihre Unterschrift zu bestätigen: Sie zählt erst nach der Bestätigung. "
            "Wenn nichts ankommt, sehen Sie im Spam-Ordner nach."
        ),
        "signon_confirmed": "Danke: Ihre Unterschrift ist bestätigt.",
        "signon_already_confirmed": "Diese Unterschrift war bereits bestätigt.",
        "signon_confirm_ask": "Bestätigen Sie, dass Sie diesen Brief unterzeichnen, als:",
        "signon_confirm_button": "Meine Unterschrift bestätigen",
        "signon_confirm_expired": (
            "Die Seite war abgelaufen, daher wurde nichts bestätigt. "
            "Bitte drücken Sie die Schaltfläche erneut."
        ),
        "signon_withdraw_expired": (
            "Die Seite war abgelaufen, daher wurde nichts zurückgezogen. "
            "Bitte drücken Sie die Schaltfläche erneut."
        ),
        "signon_withdraw_ask": (
            "Ihre Unterschrift unter diesem Brief zurückziehen? Ihr Name wird dann nicht "
            "mehr mit ihm veröffentlicht."
        ),
        "signon_withdraw_button": "Meine Unterschrift zurückziehen",
        "signon_withdrawn": "Ihre Unterschrift wurde zurückgezogen.",
        "signon_already_withdrawn": "Diese Unterschrift war bereits zurückgezogen.",
        "signon_link_expired": (
            "Dieser Link ist abgelaufen. Füllen Sie das Formular mit derselben Adresse "
            "erneut aus, um einen neuen zu erhalten."
        ),
        "signon_link_invalid": (
            "Dieser Link ist ungültig. Öffnen Sie ihn erneut aus der E-Mail oder kopieren "
            "Sie ihn vollständig."
        ),
        "signon_back": "Zurück zum Brief",
        "signon_problem_title": "Nichts wurde gespeichert",
        "signon_unavailable": (
            "Die Seite erreicht ihre Datenbank gerade nicht, deshalb wurde nichts "
            "gespeichert. Bitte versuchen Sie es in ein paar Minuten erneut."
        ),
        "signon_rate_limited": (
            "In der letzten Stunde kamen zu viele Unterschriften von Ihrer Verbindung. "
            "Bitte versuchen Sie es später erneut."
        ),
        "signon_form_expired": (
            "Das Formular war abgelaufen, deshalb wurde nichts gesendet. Bitte füllen Sie "
            "es erneut aus."
        ),
        "signon_too_large": "Das Gesendete ist weit größer, als das Formular erlaubt.",
        "signon_wrong_host": "Diese Seite wird unter dieser Adresse nicht angeboten.",
        "signon_not_found": "Diese Seite gibt es nicht.",
        "signon_form_problems": "Bitte korrigieren Sie die unten markierten Felder.",
        "signon_error_required": "Bitte füllen Sie dieses Feld aus.",
        "signon_error_email": "Das ist keine E-Mail-Adresse.",
        "signon_error_choice": "Bitte wählen Sie eine der Möglichkeiten.",
        "signon_error_consent": (
            "Ihr Name kann nur aufgenommen werden, wenn er gedruckt werden darf."
        ),
        "signon_error_long": "Das ist zu lang: höchstens {limit} Zeichen.",
        "signon_error_control": ("Das enthält ein Steuerzeichen, das sich nicht drucken lässt."),
        "signon_mail_confirm_subject": "Bitte bestätigen Sie Ihre Unterschrift: {title}",
        "signon_mail_confirm": (
            "Jemand, vermutlich Sie, hat gebeten, diese Unterschrift unter den Brief "
            "„{title}“ zu setzen:\n\n{signer}\n\nUm sie zu bestätigen, öffnen Sie diesen "
            "Link innerhalb von {days} Tagen:\n{confirm}\n\nWaren Sie es nicht, beachten Sie "
            "diese Nachricht nicht: Ohne Bestätigung wird nichts unterzeichnet.\n\nUm Ihre "
            "Unterschrift später zurückzuziehen, öffnen Sie diesen Link:\n{withdraw}"
        ),
        "signon_mail_already_subject": "Ihre Unterschrift: {title}",
        "signon_mail_already": (
            "Jemand, vermutlich Sie, hat mit dieser Adresse erneut gebeten, den Brief "
            "„{title}“ zu unterzeichnen. Ihre Unterschrift steht bereits darunter:\n\n"
            "{signer}\n\nEs hat sich nichts geändert. Um Ihre Unterschrift zurückzuziehen, "
            "öffnen Sie diesen Link:\n{withdraw}"
        ),
    },
    "ja": {
        "signon_heading": "この書簡に署名する",
        "signon_intro": (
            "以下にお名前をご記入ください。リンク付きのメールをお送りします。"
            "リンクを開いて確認すると、署名が数えられます。"
        ),
        "signon_name": "お名前",
        "signon_name_hint": "印刷される表記で：個人の氏名、または団体名。",
        "signon_kind": "署名の種別",
        "signon_individual": "個人",
        "signon_organization": "団体",
        "signon_affiliation": "肩書・所属（任意）",
        "signon_country": "国（任意）",
        "signon_email": "メールアドレス",
        "signon_email_hint": "署名の確認にのみ使い、公開しません。",
        "signon_group": "署名する欄",
        "signon_print_consent": (
            "上記の名前を、この書簡と公開される署名者一覧に掲載することに同意します。"
        ),
        "signon_contact_consent": "この書簡について連絡を受け取ってもよい（任意）。",
        "signon_homepage": "この欄は空のままにしてください（ロボット対策です）。",
        "signon_submit": "署名する",
        "signon_counts": "現在の署名数",
        "signon_none_yet": "まだ署名はありません。",
        "signon_check_inbox_title": "メールをご確認ください",
        "signon_check_inbox": (
            "ご記入のアドレスにメールをお送りしました。メール内のリンクを開いて署名を"
            "確認してください。確認後に署名として数えられます。届かない場合は"
            "迷惑メールフォルダもご確認ください。"
        ),
        "signon_confirmed": "ありがとうございます。署名が確認されました。",
        "signon_already_confirmed": "この署名はすでに確認済みです。",
        "signon_confirm_ask": "次の名前でこの書簡に署名することを確認してください：",
        "signon_confirm_button": "署名を確認する",
        "signon_confirm_expired": (
            "ページの有効期限が切れていたため、確認されませんでした。"
            "もう一度ボタンを押してください。"
        ),
        "signon_withdraw_expired": (
            "ページの有効期限が切れていたため、取り消されませんでした。"
            "もう一度ボタンを押してください。"
        ),
        "signon_withdraw_ask": "この書簡への署名を取り消しますか？お名前は今後掲載されません。",
        "signon_withdraw_button": "署名を取り消す",
        "signon_withdrawn": "署名を取り消しました。",
        "signon_already_withdrawn": "この署名はすでに取り消されています。",
        "signon_link_expired": (
            "このリンクは有効期限が切れています。同じメールアドレスでもう一度フォームに"
            "ご記入いただくと、新しいリンクをお送りします。"
        ),
        "signon_link_invalid": (
            "このリンクは無効です。メールからもう一度開くか、リンク全体をコピーしてください。"
        ),
        "signon_back": "書簡に戻る",
        "signon_problem_title": "何も保存されていません",
        "signon_unavailable": (
            "現在データベースに接続できないため、何も保存されていません。"
            "数分後にもう一度お試しください。"
        ),
        "signon_rate_limited": (
            "この1時間にお使いの接続から多数の署名が送られました。後ほどお試しください。"
        ),
        "signon_form_expired": (
            "フォームの有効期限が切れたため、送信されませんでした。もう一度ご記入ください。"
        ),
        "signon_too_large": "送信された内容がフォームの上限を大きく超えています。",
        "signon_wrong_host": "このページはこのアドレスでは提供されていません。",
        "signon_not_found": "このページは存在しません。",
        "signon_form_problems": "以下の印の付いた欄を修正してください。",
        "signon_error_required": "この欄にご記入ください。",
        "signon_error_email": "メールアドレスの形式ではありません。",
        "signon_error_choice": "選択肢から一つお選びください。",
        "signon_error_consent": "お名前の掲載に同意いただいた場合のみ追加できます。",
        "signon_error_long": "長すぎます（{limit}文字まで）。",
        "signon_error_control": "印刷できない制御文字が含まれています。",
        "signon_mail_confirm_subject": "署名のご確認のお願い：{title}",
        "signon_mail_confirm": (
            "書簡「{title}」に次の署名を加えるよう、おそらくご本人から依頼がありました。"
            "\n\n{signer}\n\n確認するには、{days}日以内に次のリンクを開いてください。\n"
            "{confirm}\n\nお心当たりがない場合は、このメールを無視してください。確認がない限り"
            "署名は加えられません。\n\n後で署名を取り消すには、次のリンクを開いてください。\n"
            "{withdraw}"
        ),
        "signon_mail_already_subject": "ご署名について：{title}",
        "signon_mail_already": (
            "このメールアドレスで、書簡「{title}」への署名があらためて依頼されました。"
            "ご署名はすでに掲載されています。\n\n{signer}\n\n変更はありません。"
            "署名を取り消すには、次のリンクを開いてください。\n{withdraw}"
        ),
    },
    "ko": {
        "signon_heading": "이 서한에 서명하기",
        "signon_intro": (
            "아래에 이름을 적어 주십시오. 링크가 담긴 이메일을 보내 드립니다. "
            "링크를 열어 확인하시면 서명이 집계됩니다."
        ),
        "signon_name": "이름",
        "signon_name_hint": "인쇄될 그대로: 개인의 성명 또는 단체명.",
        "signon_kind": "서명 구분",
        "signon_individual": "개인",
        "signon_organization": "단체",
        "signon_affiliation": "직함 또는 소속 (선택)",
        "signon_country": "국가 (선택)",
        "signon_email": "이메일 주소",
        "signon_email_hint": "서명 확인에만 쓰이며 공개되지 않습니다.",
        "signon_group": "서명할 명단",
        "signon_print_consent": (
            "위에 적은 이름을 이 서한과 공개되는 서명자 명단에 싣는 데 동의합니다."
        ),
        "signon_contact_consent": "이 서한과 관련해 연락을 받아도 좋습니다 (선택).",
        "signon_homepage": "이 칸은 비워 두십시오. 로봇을 걸러내기 위한 칸입니다.",
        "signon_submit": "서명",
        "signon_counts": "지금까지의 서명",
        "signon_none_yet": "아직 서명이 없습니다.",
        "signon_check_inbox_title": "받은편지함을 확인하십시오",
        "signon_check_inbox": (
            "입력하신 주소로 이메일을 보냈습니다. 이메일 속 링크를 열어 서명을 확인해 "
            "주십시오. 확인된 서명만 집계됩니다. 메일이 오지 않으면 스팸함도 확인해 주십시오."
        ),
        "signon_confirmed": "감사합니다. 서명이 확인되었습니다.",
        "signon_already_confirmed": "이 서명은 이미 확인되었습니다.",
        "signon_confirm_ask": "다음 이름으로 이 서한에 서명함을 확인해 주십시오:",
        "signon_confirm_button": "내 서명 확인",
        "signon_confirm_expired": (
            "페이지가 만료되어 아무것도 확인되지 않았습니다. 버튼을 다시 눌러 주십시오."
        ),
        "signon_withdraw_expired": (
            "페이지가 만료되어 아무것도 철회되지 않았습니다. 버튼을 다시 눌러 주십시오."
        ),
        "signon_withdraw_ask": (
            "이 서한의 서명을 철회하시겠습니까? 이름이 더 이상 함께 공개되지 않습니다."
        ),
        "signon_withdraw_button": "서명 철회",
        "signon_withdrawn": "서명이 철회되었습니다.",
        "signon_already_withdrawn": "이 서명은 이미 철회되었습니다.",
        "signon_link_expired": (
            "이 링크는 만료되었습니다. 같은 이메일 주소로 양식을 다시 작성하시면 새 링크를 "
            "보내 드립니다."
        ),
        "signon_link_invalid": (
            "이 링크는 유효하지 않습니다. 이메일에서 다시 열거나 링크 전체를 복사하십시오."
        ),
        "signon_back": "서한으로 돌아가기",
        "signon_problem_title": "아무것도 저장되지 않았습니다",
        "signon_unavailable": (
            "지금은 데이터베이스에 연결할 수 없어 아무것도 저장되지 않았습니다. "
            "몇 분 뒤에 다시 시도해 주십시오."
        ),
        "signon_rate_limited": (
            "지난 한 시간 동안 사용 중인 연결에서 너무 많은 서명이 접수되었습니다. "
            "나중에 다시 시도해 주십시오."
        ),
        "signon_form_expired": "양식이 만료되어 아무것도 보내지 않았습니다. 다시 작성해 주십시오.",
        "signon_too_large": "보낸 내용이 양식이 허용하는 크기를 훨씬 넘습니다.",
        "signon_wrong_host": "이 페이지는 이 주소에서 제공되지 않습니다.",
        "signon_not_found": "그런 페이지는 없습니다.",
        "signon_form_problems": "아래에 표시된 칸을 고쳐 주십시오.",
        "signon_error_required": "이 칸을 채워 주십시오.",
        "signon_error_email": "이메일 주소가 아닙니다.",
        "signon_error_choice": "항목 중 하나를 고르십시오.",
        "signon_error_consent": "이름을 인쇄해도 되는 경우에만 추가할 수 있습니다.",
        "signon_error_long": "너무 깁니다. 최대 {limit}자입니다.",
        "signon_error_control": "인쇄할 수 없는 제어 문자가 들어 있습니다.",
        "signon_mail_confirm_subject": "서명을 확인해 주십시오: {title}",
        "signon_mail_confirm": (
            "누군가(아마도 본인)가 서한 「{title}」에 다음 서명을 추가해 달라고 요청했습니다."
            "\n\n{signer}\n\n확인하시려면 {days}일 안에 이 링크를 여십시오.\n{confirm}\n\n"
            "본인이 아니라면 이 메일을 무시하십시오. 확인 없이는 아무것도 서명되지 "
            "않습니다.\n\n나중에 서명을 철회하시려면 이 링크를 여십시오.\n{withdraw}"
        ),
        "signon_mail_already_subject": "서명 안내: {title}",
        "signon_mail_already": (
            "누군가(아마도 본인)가 이 이메일 주소로 서한 「{title}」에 다시 서명해 달라고 "
            "요청했습니다. 서명은 이미 올라 있습니다.\n\n{signer}\n\n바뀐 것은 없습니다. "
            "서명을 철회하시려면 이 링크를 여십시오.\n{withdraw}"
        ),
    },
    "ar": {
        "signon_heading": "وقّع هذه الرسالة",
        "signon_intro": (
            "أضف اسمك أدناه. سنرسل إليك رسالة بريد إلكتروني فيها رابط، "
            "وحين تفتحه وتؤكد يُحتسب توقيعك."
        ),
        "signon_name": "الاسم",
        "signon_name_hint": "كما ينبغي أن يُطبع: اسمك الكامل أو اسم منظمتك.",
        "signon_kind": "التوقيع بصفة",
        "signon_individual": "فرد",
        "signon_organization": "منظمة",
        "signon_affiliation": "الصفة أو جهة الانتماء (اختياري)",
        "signon_country": "البلد (اختياري)",
        "signon_email": "البريد الإلكتروني",
        "signon_email_hint": "لتأكيد توقيعك فقط؛ لا يُنشر أبدًا.",
        "signon_group": "التوقيع ضمن قائمة",
        "signon_print_consent": (
            "أوافق على طباعة اسمي كما كُتب أعلاه على هذه الرسالة وعلى قائمة موقعيها المنشورة."
        ),
        "signon_contact_consent": "يمكنكم التواصل معي بشأن هذه الرسالة (اختياري).",
        "signon_homepage": "اترك هذا الحقل فارغًا: إنه لكشف البرامج الآلية.",
        "signon_submit": "وقّع",
        "signon_counts": "التوقيعات حتى الآن",
        "signon_none_yet": "لا توقيعات بعد.",
        "signon_check_inbox_title": "تفقّد بريدك الوارد",
        "signon_check_inbox": (
            "أرسلنا رسالة إلى العنوان الذي أدخلته. افتح الرابط الذي فيها لتأكيد توقيعك، "
            "فهو لا يُحتسب إلا بعد التأكيد. إن لم تصلك الرسالة فتفقّد مجلد الرسائل غير المرغوب فيها."
        ),
        "signon_confirmed": "شكرًا لك: تم تأكيد توقيعك.",
        "signon_already_confirmed": "هذا التوقيع مؤكَّد من قبل.",
        "signon_confirm_ask": "أكِّد أنك توقِّع هذه الرسالة باسم:",
        "signon_confirm_button": "أكِّد توقيعي",
        "signon_confirm_expired": (
            "انتهت صلاحية الصفحة فلم يُؤكَّد شيء. يُرجى الضغط على الزر مرة أخرى."
        ),
        "signon_withdraw_expired": (
            "انتهت صلاحية الصفحة فلم يُسحب شيء. يُرجى الضغط على الزر مرة أخرى."
        ),
        "signon_withdraw_ask": "هل تريد سحب توقيعك من هذه الرسالة؟ لن يُنشر اسمك معها بعد ذلك.",
        "signon_withdraw_button": "اسحب توقيعي",
        "signon_withdrawn": "تم سحب توقيعك.",
        "signon_already_withdrawn": "هذا التوقيع مسحوب من قبل.",
        "signon_link_expired": (
            "انتهت صلاحية هذا الرابط. املأ النموذج مرة أخرى بعنوان البريد نفسه لتحصل على رابط جديد."
        ),
        "signon_link_invalid": "هذا الرابط غير صالح. افتحه من الرسالة مرة أخرى أو انسخه كاملًا.",
        "signon_back": "العودة إلى الرسالة",
        "signon_problem_title": "لم يُحفظ شيء",
        "signon_unavailable": (
            "تعذّر على صفحة التوقيع الوصول إلى قاعدة بياناتها الآن، فلم يُحفظ شيء. "
            "يُرجى المحاولة بعد دقائق."
        ),
        "signon_rate_limited": (
            "وصل عدد كبير جدًا من التوقيعات من اتصالك خلال الساعة الأخيرة. يُرجى المحاولة لاحقًا."
        ),
        "signon_form_expired": "انتهت صلاحية النموذج فلم يُرسل شيء. يُرجى ملؤه مرة أخرى.",
        "signon_too_large": "ما أُرسل أكبر بكثير مما يسمح به النموذج.",
        "signon_wrong_host": "هذه الصفحة لا تُقدَّم على هذا العنوان.",
        "signon_not_found": "لا توجد صفحة كهذه.",
        "signon_form_problems": "يُرجى تصحيح الحقول المشار إليها أدناه.",
        "signon_error_required": "يُرجى ملء هذا الحقل.",
        "signon_error_email": "هذا ليس عنوان بريد إلكتروني.",
        "signon_error_choice": "يُرجى اختيار أحد الخيارات.",
        "signon_error_consent": "لا يمكن إضافة اسمك إلا إذا جاز طبعه.",
        "signon_error_long": "النص طويل جدًا: {limit} حرفًا على الأكثر.",
        "signon_error_control": "يحتوي على حرف تحكّم لا يمكن طباعته.",
        "signon_mail_confirm_subject": "يُرجى تأكيد توقيعك: {title}",
        "signon_mail_confirm": (
            "طلب شخص، لعله أنت، إضافة هذا التوقيع إلى الرسالة «{title}»:\n\n{signer}\n\n"
            "لتأكيده افتح هذا الرابط خلال {days} أيام:\n{confirm}\n\nإن لم تكن أنت، فتجاهل "
            "هذه الرسالة: لا يُوقَّع شيء دون هذا التأكيد.\n\nلسحب توقيعك لاحقًا، افتح هذا "
            "الرابط:\n{withdraw}"
        ),
        "signon_mail_already_subject": "توقيعك: {title}",
        "signon_mail_already": (
            "طلب شخص، لعله أنت، التوقيع مرة أخرى على الرسالة «{title}» بعنوان البريد هذا. "
            "توقيعك موجود بالفعل:\n\n{signer}\n\nلم يتغير شيء. لسحب توقيعك، افتح هذا "
            "الرابط:\n{withdraw}"
        ),
    },
}
for _language, _words in SIGNON.items():
    LABELS[_language] |= _words
_BRITISH |= {
    key: SIGNON["en"][key].replace("organization", "organisation")
    for key in ("signon_name_hint", "signon_organization")
}
