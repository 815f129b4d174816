"""A part the join is given that is no longer a file: said at its path, never waited on.

Found on 5 December: ``join_pdfs`` opened each part by its name with pikepdf, which
opens it as Python's open() does. The parts are looked at before (an enclosure is
counted through paths when the build starts), but an enclosure swapped for a named
pipe in between made print.pdf's join wait for a writer for ever. Every PDF the join
and the stamping open now goes through paths, as every other read does.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf
import pytest

from campaign.errors import CampaignError
from campaign.paths import NotAFile
from campaign.pdf.joining import join_pdfs, stamping


def _pdf(path: Path, pages: int = 1) -> Path:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(200, 200))
    pdf.save(path)
    return path


@pytest.fixture
def unblocked() -> Iterator[Callable[[Path], None]]:
    """Makes a named pipe; should anything wait on it, a writer comes and goes, so no test hangs."""
    done = threading.Event()
    threads = []

    def make(path: Path) -> None:
        os.mkfifo(path)

        def writer() -> None:
            while not done.wait(0.05):
                try:
                    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
                except OSError:
                    continue  # nobody is reading it: nothing waits
                os.close(fd)  # a reader waited: it reads an empty file now

        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        threads.append(thread)

    yield make
    done.set()
    for thread in threads:
        thread.join()


def test_a_part_that_is_a_pipe_is_said_as_one(
    tmp_path: Path, unblocked: Callable[[Path], None]
) -> None:
    letter = _pdf(tmp_path / "letter.pdf")
    unblocked(enclosure := tmp_path / "enclosure.pdf")
    with pytest.raises(NotAFile) as caught:
        join_pdfs([letter, enclosure], tmp_path / "joined.pdf")
    assert (caught.value.filename, caught.value.strerror) == (
        str(enclosure),
        "it is a named pipe, not a file",
    )
    assert caught.value.hint == (
        "put the file itself there: campaign reads files, never a pipe or a device"
    )
    assert not (tmp_path / "joined.pdf").exists()


def test_a_master_that_is_a_pipe_is_said_as_one(
    tmp_path: Path, unblocked: Callable[[Path], None]
) -> None:
    letter = _pdf(tmp_path / "letter.pdf")
    unblocked(master := tmp_path / "master.pdf")
    with pytest.raises(NotAFile) as caught:
        join_pdfs([letter], tmp_path / "joined.pdf", before=lambda _: master)
    assert caught.value.strerror == "it is a named pipe, not a file"
    assert not (tmp_path / "joined.pdf").exists()


def test_an_underlay_that_is_a_pipe_is_said_as_one(
    tmp_path: Path, unblocked: Callable[[Path], None]
) -> None:
    letter = _pdf(tmp_path / "letter.pdf")
    unblocked(under := tmp_path / "under.pdf")
    with pytest.raises(NotAFile) as caught:
        join_pdfs([letter], tmp_path / "joined.pdf", dedupe=False, under=under)
    assert caught.value.strerror == "it is a named pipe, not a file"


def test_a_master_to_stamp_on_that_is_a_pipe_is_said_as_one(
    tmp_path: Path, unblocked: Callable[[Path], None]
) -> None:
    unblocked(master := tmp_path / "master.pdf")
    with pytest.raises(NotAFile) as caught, stamping(str(master), "pdf"):
        pass
    assert caught.value.strerror == "it is a named pipe, not a file"


def test_a_part_linked_to_a_device_is_said_as_one(tmp_path: Path) -> None:
    letter = _pdf(tmp_path / "letter.pdf")
    (device := tmp_path / "enclosure.pdf").symlink_to("/dev/zero")
    with pytest.raises(NotAFile) as caught:
        join_pdfs([letter, device], tmp_path / "joined.pdf")
    assert caught.value.strerror == "it is a device, not a file"


def test_a_part_that_is_not_a_pdf_is_said_without_the_streams_name(tmp_path: Path) -> None:
    letter = _pdf(tmp_path / "letter.pdf")
    (broken := tmp_path / "broken.pdf").write_bytes(b"not a PDF at all")
    with pytest.raises(CampaignError) as caught:
        join_pdfs([letter, broken], tmp_path / "joined.pdf")
    message = caught.value.format_message()
    assert message.startswith(f"{broken}: cannot read it to join it (")
    assert "stream <" not in message


def test_a_part_that_is_gone_is_said_at_its_path(tmp_path: Path) -> None:
    letter = _pdf(tmp_path / "letter.pdf")
    with pytest.raises(CampaignError) as caught:
        join_pdfs([letter, tmp_path / "gone.pdf"], tmp_path / "joined.pdf")
    assert caught.value.format_message() == (
        f"{tmp_path / 'gone.pdf'}: cannot read it to join it (No such file or directory)"
    )


def test_parts_read_through_paths_join_as_before(tmp_path: Path) -> None:
    parts = [_pdf(tmp_path / f"part{n}.pdf", pages=n + 1) for n in range(3)]
    counts = join_pdfs(parts, tmp_path / "joined.pdf", duplex=True)
    assert counts == [1, 2, 3]
    with pikepdf.open(tmp_path / "joined.pdf") as joined:
        assert len(joined.pages) == 2 + 2 + 4  # each part from an odd page


def test_an_empty_part_is_said_at_its_path(tmp_path: Path) -> None:
    letter = _pdf(tmp_path / "letter.pdf")
    (empty := tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(CampaignError) as caught:
        join_pdfs([letter, empty], tmp_path / "joined.pdf")
    assert caught.value.format_message().startswith(f"{empty}: cannot read it to join it (")


def test_an_enclosure_elsewhere_than_where_it_was_checked_is_not_joined(tmp_path: Path) -> None:
    """A folder on its way turned into a link after the check: a file of the user's
    outside the letter would have been joined into what is mailed."""
    letter = _pdf(tmp_path / "letter.pdf")
    (tmp_path / "elsewhere").mkdir()
    _pdf(tmp_path / "elsewhere" / "annex.pdf", pages=2)
    (tmp_path / "letter").mkdir()
    checked = tmp_path / "letter" / "annex.pdf"  # where the check found it
    (tmp_path / "letter").rmdir()
    (tmp_path / "letter").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(CampaignError) as caught:
        join_pdfs([letter, checked], tmp_path / "joined.pdf", checked=frozenset({checked}))
    assert caught.value.format_message() == (
        f"{checked}: it now leads to {tmp_path / 'elsewhere' / 'annex.pdf'}, not where it was "
        "checked; nothing was written\n"
        "  hint: build again once nothing changes the letter's files"
    )
    assert not (tmp_path / "joined.pdf").exists()
    # Where it was checked, it is joined.
    counts = join_pdfs([letter, tmp_path / "elsewhere" / "annex.pdf"], tmp_path / "joined.pdf",
                       checked=frozenset({tmp_path / "elsewhere" / "annex.pdf"}))  # fmt: skip
    assert counts == [1, 2]
