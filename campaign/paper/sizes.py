"""The paper a letter is printed on, declared once: its size, margins and page 1's top.

Everything else (the template's CSS, the preview's sheets, the choices letter.yaml
accepts, the envelope a letter goes in by default) is derived from ``PAPERS``.
All measures are millimetres.
"""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_INCH = 25.4
MM_PER_PT = MM_PER_INCH / 72

# Page 1's page area starts this far from the top of the sheet, higher than the other
# pages', so the letterhead and the address field can sit where the window needs them.
FIRST_PAGE_TOP = 10.0


@dataclass(frozen=True)
class Paper:
    """One paper size ``paper:`` can name."""

    name: str  # as letter.yaml and campaign.yaml write it
    title: str  # as people write it ('A4', 'Letter')
    css: str  # the CSS page size (@page { size: ... })
    width: float
    height: float
    margins: tuple[float, float, float, float]  # top, right, bottom, left
    envelope: str  # the envelope window a letter on this paper goes in by default
    # Per language (its base: 'ja'), the window instead of ``envelope``.
    envelopes: tuple[tuple[str, str], ...] = ()

    def default_envelope(self, base_language: str) -> str:
        """The window a letter in ``base_language`` goes in unless letter.yaml says."""
        return dict(self.envelopes).get(base_language, self.envelope)


PAPERS = {
    "a4": Paper(
        "a4",
        title="A4",
        css="A4",
        width=210.0,
        height=297.0,
        margins=(22.0, 20.0, 22.0, 25.0),
        envelope="din5008-b",
        envelopes=(("ja", "jp-chou3"),),  # Japanese letters go in 長形3号
    ),
    "letter": Paper(
        "letter",
        title="Letter",
        css="letter",
        width=8.5 * MM_PER_INCH,
        height=11 * MM_PER_INCH,
        margins=(22.0, 22.0, 22.0, 25.0),
        envelope="us-10",
    ),
}
