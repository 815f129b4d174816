"""An object of one file is taken for an object of another only when all it reaches is equal."""

from __future__ import annotations

from typing import Any

import pikepdf
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.pdf.joining import _Copier, _fingerprint


def font(data: bytes, name: str = "/F", padding: int = 0, text: bytes = b"") -> tuple[Any, Any]:
    """A file holding a font-like chain: a dictionary -> a descriptor -> a stream of ``data``.

    ``padding`` objects come first, so that equal chains have other numbers.
    """
    pdf = pikepdf.new()
    for n in range(padding):
        pdf.make_indirect(pikepdf.Dictionary(N=n))
    stream = pdf.make_stream(data)
    descriptor = pdf.make_indirect(pikepdf.Dictionary(FontFile2=stream, Note=pikepdf.String(text)))
    top = pdf.make_indirect(pikepdf.Dictionary(BaseFont=pikepdf.Name(name), D=descriptor))
    return pdf, top


def print_of(pdf: Any, top: Any) -> bytes | None:
    return _fingerprint(top, pdf, {})


def test_equal_chains_in_other_numbers_have_one_fingerprint() -> None:
    first, second = font(b"glyphs"), font(b"glyphs", padding=3)
    assert first[1].objgen != second[1].objgen
    assert print_of(*first) == print_of(*second) is not None


def test_a_difference_anywhere_down_the_chain_is_another_fingerprint() -> None:
    base = print_of(*font(b"glyphs"))
    assert print_of(*font(b"glyphz")) != base  # the stream's bytes, two references down
    assert print_of(*font(b"glyphs", name="/G")) != base
    assert print_of(*font(b"glyphs", text=b"x")) != base


def test_a_string_spelling_a_reference_is_not_one() -> None:
    # The descriptor is object 2 in both; one holds a reference, one a string saying so.
    pdf = pikepdf.new()
    pdf.make_indirect(pikepdf.Dictionary(N=1))
    referenced = pdf.make_indirect(pikepdf.Dictionary(A=pdf.get_object(1, 0)))
    spelled = pdf.make_indirect(pikepdf.Dictionary(A=pikepdf.String('"1 0 R')))
    assert print_of(pdf, referenced) != print_of(pdf, spelled)


def test_what_belongs_to_a_page_is_never_fingerprinted() -> None:
    pdf = pikepdf.new()
    link = pdf.make_indirect(pikepdf.Dictionary(Subtype=pikepdf.Name.Link, Rect=[0, 0, 1, 1]))
    assert print_of(pdf, link) is None
    holder = pdf.make_indirect(pikepdf.Dictionary(Annot=link))
    assert print_of(pdf, holder) is None


@settings(max_examples=30, deadline=None)
@given(st.lists(st.binary(max_size=8), min_size=2, max_size=6))
def test_copies_share_an_object_exactly_when_it_is_equal(datas: list[bytes]) -> None:
    # Copied as a stamp is, one file after another: equal chains become one object.
    out = pikepdf.new()
    copier = _Copier(out)
    copies = []
    for n, data in enumerate(datas):
        pdf, top = font(data, padding=n)
        copies.append(copier.copy_again(top, {}, pdf))
    for i, copy_a in enumerate(copies):
        for j, copy_b in enumerate(copies):
            assert (copy_a.objgen == copy_b.objgen) == (datas[i] == datas[j])
    for data, copy in zip(datas, copies, strict=True):
        assert copy.D.FontFile2.read_bytes() == data
