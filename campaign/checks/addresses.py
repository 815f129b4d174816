"""Doubts about postal addresses: a postal code wrong for its country, a country left out."""

from __future__ import annotations

from campaign.compose.bundle import LetterBundle
from campaign.compose.composer import Piece
from campaign.errors import Problem
from campaign.paper.postal import (
    PostalAddress,
    country_code,
    country_name,
    country_of_last_line,
    postal_code_problem,
    split_address,
)

_HINTS = {
    "country": "end the address with the country; for domestic mail, end the sender's "
    "address in campaign.yaml with it instead",
    "postal code": "end the address with the line holding the postal code and city, "
    "then the country",
}


def read_addresses(
    bundle: LetterBundle, pieces: list[Piece], every: bool = True
) -> tuple[list[PostalAddress], list[Problem]]:
    """Each piece's address in columns, and the doubts about them (warnings).

    A postal code is checked against its country and state; an address without a
    country line whose last line reads as another country's is read as that country's
    and named, as it would be mailed as domestic. Without ``every`` (for ``check``),
    only these two are said: a part not found is left to ``export-mail``, which needs
    the columns (a window address may be right without them: 東京都千代田区...).
    """
    sender = bundle.settings.sender
    language = bundle.letter.language
    home = country_code(sender.address[-1], language) if sender and sender.address else ""
    path = bundle.letter.folder / "recipients.yaml"
    addresses, problems = [], []
    for piece in pieces:
        person = (bundle.to if piece.role == "to" else bundle.cc)[piece.index]
        lines = piece.recipient.address

        def doubt(message: str, hint: str, line: int = person.line) -> None:
            problems.append(Problem(path, line, message, hint, warning=True))

        address, missing = split_address(lines, home, language)
        named = bool(lines) and bool(country_code(lines[-1], language))
        # Reading every country's layout takes a moment: check, silent anyway about an
        # address when no country is known, does it only when the sender's is.
        if not named and lines and (missing or not home) and (home or every):
            found = country_of_last_line(lines[-1])
            if len(found) == 1 and found[0] != home:
                address, missing = split_address(lines, found[0], language)
                there = country_name(found[0])
                doubt(
                    f"the address of '{person.name}' names no country, and its last line "
                    f"'{lines[-1]}' is an address in {there}"
                    + (f", not in {country_name(home)}" if home else ""),
                    f"end the address with the line '{there}', so that it is mailed there",
                )
        if missing and every:
            doubt(
                f"no {' or '.join(missing)} found in the address of '{person.name}'",
                _HINTS["country" if missing == ["country"] else "postal code"],
            )
        elif not missing and (wrong := postal_code_problem(address)):
            doubt(
                f"{wrong}, in the address of '{person.name}'",
                "check the postal code, and the state or region before it",
            )
        addresses.append(address)
    return addresses, problems
