"""One letter with everything it needs to be composed: settings, recipients, signatures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from campaign.compose.signatures import SignatureBlock
from campaign.model.records import Letter, Recipient, Settings


@dataclass(frozen=True)
class LetterBundle:
    """Everything one letter needs to be rendered."""

    root: Path
    settings: Settings
    letter: Letter
    to: tuple[Recipient, ...]
    cc: tuple[Recipient, ...]
    signatures: SignatureBlock
    editions: tuple[LetterBundle, ...] = ()  # the letter in each of its translations
    original: LetterBundle | None = None  # for a translation: the letter it translates

    @property
    def name(self) -> str:
        """'japan-hrc-2020', or 'japan-hrc-2020 (ja)' for a translation."""
        edition = self.letter.edition
        return f"{self.letter.slug} ({edition})" if edition else self.letter.slug
