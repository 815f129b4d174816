"""Synthetic campaigns for the benchmarks: many addressees, many signatories."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from campaign.drafting.scaffold import EXAMPLE

if TYPE_CHECKING:
    from campaign.compose.composer import Composer

_FAMILY = "Abe Baek Chen Dubois Eriksen Fujita Garcia Han Ito Jung Kato Lee Mori Novak Ota Park"
_GIVEN = "Aiko Bo Carlos Dana Emi Farid Gina Hiro Ines Jun Kenta Lena Min Nora Omar Pia"
FAMILY, GIVEN = _FAMILY.split(), _GIVEN.split()
PLACES = [
    "Chiyoda-ku, Tokyo 100-8962",
    "Nagatacho 2-1-2, Tokyo 100-8982",
    "Minato-ku, Tokyo 107-0052",
]
_ORG_WORDS = (
    "Action Alliance Asia Human Rights Watch Network Justice Peace Freedom Citizens Committee "
    "Forum Centre Council League Union Solidarity Women Youth Refugee Memory Truth Law"
)
ORG_WORDS = _ORG_WORDS.split()


def english_only(letter: Path) -> None:
    """Take the example's Japanese translation out of a copied letter folder."""
    for path in [*letter.glob("body.*.md"), *letter.glob("recipients.*.yaml")]:
        path.unlink()
    text = (letter / "letter.yaml").read_text(encoding="utf-8")
    (letter / "letter.yaml").write_text(text[: text.index("# The same letter in Japanese")])


def make_campaign(root: Path, addressees: int, signatories: int, cc: int = 3) -> Path:
    """A workspace like the example (in English only), with ``addressees`` letters and
    ``signatories`` names."""
    rng = random.Random(11)
    # Only the workspace's own files: from a checkout EXAMPLE is the repository's top,
    # and copying it whole would take .venv and build/ along.
    for folder in ("letters", "signatories"):
        shutil.copytree(EXAMPLE / folder, root / folder, dirs_exist_ok=True)
    shutil.copy2(EXAMPLE / "campaign.yaml", root / "campaign.yaml")
    letter = root / "letters" / "japan-hrc-2020"
    english_only(letter)
    lines = ["to:\n"]
    for n in range(addressees):
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {n}"
        lines.append(
            f"  - name: {name}\n    title: Member of the House of Representatives\n"
            f"    salutation: Dear {name},\n"
            f"    address: [Room {300 + n}, First Members' Office Building, "
            f'"{rng.choice(PLACES)}", Japan]\n'
        )
    lines.append("cc:\n")
    for n in range(cc):
        lines.append(
            f"  - name: Copy Person {n}\n    title: Minister\n"
            f'    address: [Ministry {n}, "1-1 Kasumigaseki", "Tokyo 100-0013", Japan]\n'
        )
    (letter / "recipients.yaml").write_text("".join(lines))
    entries = ["signatories:\n"]
    day = dt.date(2020, 2, 1)
    for n in range(signatories):
        if n % 4 == 0:
            name, kind, group = (
                f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}{n}",
                "individual",
                "international",
            )
        else:
            name = " ".join(rng.choice(ORG_WORDS) for _ in range(3)) + f" {n}"
            kind, group = "organization", "organizations"
        entries.append(
            f'  - name: "{name}"\n    type: {kind}\n    country: Japan\n    group: {group}\n'
            f"    signed: {day + dt.timedelta(days=n % 12)}\n"
        )
    (root / "signatories" / "japan-hrc-2020.yaml").write_text("".join(entries))
    return root


def composed(root: Path, addressees: int, signatories: int) -> Composer:
    """The composer of the letter of a campaign made in ``root`` (``make_campaign``)."""
    from campaign.checks.letters import load_letters
    from campaign.compose.composer import Composer
    from campaign.load.workspace import Workspace

    return Composer(load_letters(Workspace(make_campaign(root, addressees, signatories)))[0][0])
