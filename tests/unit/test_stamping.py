"""Letters stamped on a master opened once are those stamped on it opened anew.

To the byte but for the order of /Filter and /Length in the stamped page's content
stream, compressed once for all (and so the /ID, a hash of the bytes): the same bytes
once both are written again the same way, without their /ID.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.pdf.joining import stamp, stamping
from campaign.pdf.variants import save

# How a master's page holds its drawing and its resources: WeasyPrint shares one
# resource dictionary between the pages; other writers give each page its own, or
# none (inherited from the page tree), and the drawing as one stream or several.
SHAPES = st.sampled_from(["shared", "own", "inherited", "no xobjects"])


def master_pdf(path: Path, pages: int, shape: str, split: bool) -> None:
    """A master of ``pages`` pages, its resources held the way ``shape`` says."""
    pdf = pikepdf.new()
    image = pdf.make_stream(b"\x00" * 3, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image)
    image.Width, image.Height, image.BitsPerComponent = 1, 1, 8
    image.ColorSpace = pikepdf.Name.DeviceRGB
    shared = pdf.make_indirect(pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)))
    for n in range(pages):
        drawing = f"0 0 {n + 10} {n + 10} re f".encode()
        page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 200, 300])
        if split:  # the drawing in two streams
            page.Contents = pikepdf.Array([pdf.make_stream(drawing), pdf.make_stream(b"/Im0 Do")])
        else:
            page.Contents = pdf.make_stream(drawing + b" /Im0 Do")
        if shape == "shared":
            page.Resources = shared
        elif shape == "own":
            page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        elif shape == "no xobjects":
            page.Resources = pikepdf.Dictionary(ProcSet=pikepdf.Array([pikepdf.Name.PDF]))
        pdf.pages.append(pikepdf.Page(page))
    if shape == "inherited":
        pdf.Root.Pages.Resources = shared
    pdf.save(path)


def written_again(data: bytes) -> bytes:
    """``data`` as qpdf writes it when every stream is read from a file, without an /ID."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        del pdf.trailer["/ID"]
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True)
        return buffer.getvalue()


def overlay_pdf(pages: int, mixed: bool) -> pikepdf.Pdf:
    """Overlay pages sharing a font, as a WeasyPrint batch's do; ``mixed``: of two sizes.

    A page of another size is placed another way: its drawing is made anew.
    """
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    resources = pdf.make_indirect(pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))
    for n in range(pages):
        drawing = f"BT /F1 12 Tf 20 {250 - n} Td (Addressee {n}) Tj ET".encode()
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 200 + 10 * (mixed and n % 3 == 1), 300],
            Contents=pdf.make_stream(drawing),
            Resources=resources,
        )
        pdf.pages.append(pikepdf.Page(page))
    return pikepdf.open(io.BytesIO(save(pdf, "")))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shape=SHAPES,
    split=st.booleans(),
    per=st.integers(1, 2),
    letters=st.integers(1, 4),
    mixed=st.booleans(),
)
def test_each_letter_is_the_master_just_opened_and_stamped(
    tmp_path: Path, shape: str, split: bool, per: int, letters: int, mixed: bool
) -> None:
    master = tmp_path / "master.pdf"
    master_pdf(master, 3, shape, split)
    overlay = overlay_pdf(per * letters, mixed)
    expected = []
    for index in range(letters):
        with pikepdf.open(master) as pdf:
            for n in range(per):
                stamp(pdf.pages[n], overlay.pages[index * per + n], n)
            expected.append(save(pdf, "", str(pdf.pdf_version)))
    with stamping(str(master), "") as letter:
        got = [
            letter([overlay.pages[index * per + n] for n in range(per)]) for index in range(letters)
        ]
    assert [written_again(data) for data in got] == [written_again(data) for data in expected]
    # Each letter carries its own addressee alone.
    for index, data in enumerate(got):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            forms = pdf.pages[0].obj.Resources.XObject
            assert forms.CampaignStamp1.read_bytes().endswith(
                f"(Addressee {index * per}) Tj ET".encode()
            )
