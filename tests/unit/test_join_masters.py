"""Letters stamped on a master: print.pdf takes the master's pages once, and each letter's own."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from campaign.pdf.joining import join_pdfs


def page_of(pdf: pikepdf.Pdf, drawing: bytes) -> None:
    """A page drawing ``drawing`` (a content stream), with its own resources."""
    resources = pdf.make_indirect(pikepdf.Dictionary(XObject=pikepdf.Dictionary()))
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 200, 200],
        Contents=pdf.make_stream(drawing),
        Resources=resources,
    )
    pdf.pages.append(pikepdf.Page(page))


def files(tmp_path: Path) -> tuple[Path, list[Path]]:
    """A master of two pages, and three letters: its page 1 drawn on, page 2 as it is."""
    master = pikepdf.new()
    page_of(master, b"0 0 10 10 re f")
    page_of(master, b"0 0 20 20 re f")
    master.save(tmp_path / "master.pdf")
    letters = []
    for n in range(3):
        with pikepdf.open(tmp_path / "master.pdf") as letter:
            first = letter.pages[0]
            form = letter.make_stream(f"0 0 {n + 1} {n + 1} re f".encode())
            form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
            form.BBox = [0, 0, 200, 200]
            first.obj.Resources.XObject.Stamp = form
            first.obj.Contents = letter.make_stream(b"0 0 10 10 re f /Stamp Do")
            if n == 2:  # a link the master's page has not
                link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link)
                link.Rect = [0, 0, 5, 5]
                first.obj.Annots = letter.make_indirect(pikepdf.Array([letter.make_indirect(link)]))
            letter.save(tmp_path / f"letter{n}.pdf")
        letters.append(tmp_path / f"letter{n}.pdf")
    return tmp_path / "master.pdf", letters


def test_later_pages_are_the_masters_and_each_page_1_its_letters(tmp_path: Path) -> None:
    master, letters = files(tmp_path)
    join_pdfs(letters, tmp_path / "print.pdf", before=lambda _: master)
    with pikepdf.open(tmp_path / "print.pdf") as joined:
        pages = [page.obj for page in joined.pages]
        assert len(pages) == 6
        # Page 2 of every letter: one content stream, the master's.
        assert len({pages[n].Contents.objgen for n in (1, 3, 5)}) == 1
        assert pages[1].Contents.read_bytes() == b"0 0 20 20 re f"
        # Page 1 of each: its own stamp, on the master's drawing.
        stamps = [pages[n].Resources.XObject.Stamp.read_bytes() for n in (0, 2, 4)]
        assert stamps == [b"0 0 1 1 re f", b"0 0 2 2 re f", b"0 0 3 3 re f"]
        assert {pages[n].Contents.read_bytes() for n in (0, 2, 4)} == {b"0 0 10 10 re f /Stamp Do"}
        # The third letter's link is kept: its page 1 has more than the master's.
        assert [("/Annots" in pages[n]) for n in (0, 2, 4)] == [False, False, True]
        assert list(pages[4].Annots[0].Rect) == [0, 0, 5, 5]


def test_a_page_that_is_not_the_masters_is_the_letters(tmp_path: Path) -> None:
    master, letters = files(tmp_path)
    with pikepdf.open(letters[0], allow_overwriting_input=True) as letter:
        letter.pages[1].obj.Contents = letter.make_stream(b"0 0 30 30 re f")
        letter.save(letters[0])
    join_pdfs(letters[:2], tmp_path / "print.pdf", before=lambda _: master)
    with pikepdf.open(tmp_path / "print.pdf") as joined:
        drawn = [page.obj.Contents.read_bytes() for page in joined.pages]
    assert drawn[1] == b"0 0 30 30 re f" and drawn[3] == b"0 0 20 20 re f"
