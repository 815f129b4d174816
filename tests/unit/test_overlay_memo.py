"""Each page-1 overlay is composed once and given again as it was composed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer
from campaign.load.workspace import Workspace


def test_every_overlay_is_given_again_exactly_as_composed(example: Path) -> None:
    bundles, _ = load_letters(Workspace(example))
    composer = Composer(bundles[0])
    fresh = Composer(bundles[0])  # composes everything anew: nothing kept yet
    first = composer.to[0]
    asked = [(a, None) for a in composer.to] + [(first, c) for c in composer.cc]
    assert len(asked) >= 3 and composer.cc  # addressees and copies alike
    once = [composer.letter_html(a, copy_for=c, layer="overlay") for a, c in asked]
    again = [composer.letter_html(a, copy_for=c, layer="overlay") for a, c in asked]
    made = [fresh._letter_html(a, c, "overlay") for a, c in asked]
    assert once == again == made
    assert len(set(once)) == len(asked)  # each addressee's and each copy's own
    assert len(composer._overlays) == len(asked)
    # A recipient alike in every field but another object is composed for itself.
    other = dataclasses.replace(first, salutation="Dear Other,")
    assert "Dear Other," in composer.letter_html(other, layer="overlay")
    assert "Dear Other," not in composer.letter_html(first, layer="overlay")
    # The other layers are never kept.
    assert composer.letter_html(first, layer="shared") == fresh._letter_html(first, None, "shared")
    assert len(composer._overlays) == len(asked) + 1
