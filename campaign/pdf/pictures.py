"""Whether a picture can be shown, checked before layout: decodable, and of a bounded size.

WeasyPrint leaves out a picture it cannot decode and goes on (a letter without its
logo or signature), and lays out whatever size it is given: a 30,000 × 30,000 PNG is
dropped, a ``<use>``-bomb SVG runs until the time limit. Each picture a letter asks
for is read here first; what fails stops the build with the file named.
"""

from __future__ import annotations

import hashlib
import io
import re

# A page at 600 dpi is about 35 million pixels: no picture on a letter needs more.
MAX_PIXELS = 50_000_000
# An SVG's elements, as written and with every <use> expanded (a signature or logo
# has tens to a few thousand), and its references to other elements.
MAX_SVG_ELEMENTS = 20_000
MAX_SVG_DRAWN = 100_000
MAX_SVG_REFERENCES = 2_000
RASTER = (".png", ".jpg", ".jpeg", ".gif", ".webp")
_URL_REFERENCE = re.compile(r"url\(\s*['\"]?#")
_CHECKED: dict[bytes, str] = {}  # by content: the same signature is on every letter


def picture_problem(data: bytes, svg: bool) -> str:
    """What keeps ``data`` from being shown as a picture ('' when nothing does)."""
    digest = hashlib.blake2b(data, digest_size=20).digest() + (b"s" if svg else b"r")
    if digest not in _CHECKED:
        _CHECKED[digest] = _svg_problem(data) if svg else _raster_problem(data)
    return _CHECKED[digest]


_RASTER_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")


def disguised_picture_problem(data: bytes) -> str:
    """For a file served as anything but a picture: what keeps it from being drawn, if
    it is a picture all the same ('' when it is none, or a sound one).

    WeasyPrint draws whatever a picture's URL gives it, by its content, whatever its
    name or type says: an SVG named .css is drawn as an SVG, so it is checked as one.
    """
    head = data[:16].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return picture_problem(data, svg=True)
    if head.startswith(_RASTER_MAGIC) or (head[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return picture_problem(data, svg=False)
    return ""


def inline_svg_problem(html: str) -> str:
    """What keeps an SVG written into the page itself (a template's <svg>) from being drawn."""
    if "<svg" not in html:  # no template ships one: the usual page costs nothing here
        return ""
    from lxml import etree  # type: ignore[import-untyped]
    from lxml import html as lxml_html

    for svg in lxml_html.document_fromstring(html).iter("svg"):
        if why := picture_problem(etree.tostring(svg), svg=True):
            return why
    return ""


def _raster_problem(data: bytes) -> str:
    from PIL import Image, ImageFile, UnidentifiedImageError

    # WeasyPrint tells Pillow to fill in a truncated picture (grey) rather than fail;
    # here a truncated picture is found, so the letter does not go out with half a logo.
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                return _too_many(f"{width:,} × {height:,} pixels")
            image.load()  # decodes it all: a truncated or damaged file fails here
    except Image.DecompressionBombError as exc:  # Pillow's own bound, far above ours
        found = re.search(r"\((\d+) pixels\)", str(exc))
        return _too_many(f"{int(found.group(1)):,} pixels" if found else "far too many pixels")
    except UnidentifiedImageError:
        return "not a picture: not PNG, JPEG, GIF or WebP data"
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return f"a damaged picture: {exc}"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    return ""


def _too_many(what: str) -> str:
    return f"{what}; a picture may have at most {MAX_PIXELS // 1_000_000} million"


def _svg_problem(data: bytes) -> str:
    from lxml import etree

    # Entities are never expanded and nothing is fetched: no XXE, no billion laughs.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    # No picture needs entities; they are how XXE and billion-laughs files work.
    if b"<!ENTITY" in data or b"<\x00!\x00E\x00N\x00T\x00I\x00T\x00Y" in data:
        return "an SVG that declares entities (<!ENTITY ...>) is not read"
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return f"not an SVG picture: {exc}"
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        return "an SVG that declares entities (<!ENTITY ...>) is not read"
    if etree.QName(root).localname != "svg":
        return "not an SVG picture: its root element is not <svg>"
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    if len(elements) > MAX_SVG_ELEMENTS:
        return f"an SVG of {len(elements):,} elements; at most {MAX_SVG_ELEMENTS:,} are drawn"
    ids = {e.get("id"): e for e in elements if e.get("id")}
    references = 0
    for e in elements:
        references += sum(len(_URL_REFERENCE.findall(v)) for v in e.attrib.values())
        references += _href(e).startswith("#")
    if references > MAX_SVG_REFERENCES:
        return (
            f"an SVG with {references:,} references between its elements; "
            f"at most {MAX_SVG_REFERENCES:,} are followed"
        )
    try:
        drawn = _drawn(root, ids, {}, set())
    except (RecursionError, _TooMany):
        drawn = MAX_SVG_DRAWN + 1
    if drawn > MAX_SVG_DRAWN:
        return (
            f"an SVG whose <use> elements draw more than {MAX_SVG_DRAWN:,} elements "
            "(or refer to each other in a circle)"
        )
    return ""


class _TooMany(Exception):
    """An SVG expands past the bound (or refers to itself): no need to count further."""


def _href(element: object) -> str:
    attrib = getattr(element, "attrib", {})
    return str(attrib.get("href") or attrib.get("{http://www.w3.org/1999/xlink}href") or "")


def _drawn(element: object, ids: dict[str, object], seen: dict[int, int], open_: set[int]) -> int:
    """How many elements drawing ``element`` draws, each <use> expanded."""
    key = id(element)
    if key in seen:
        return seen[key]
    if key in open_:
        raise _TooMany  # a <use> inside what it shows: drawn for ever
    open_.add(key)
    total = 1
    for child in element:  # type: ignore[attr-defined]
        if isinstance(child.tag, str):
            total += _drawn(child, ids, seen, open_)
    target = _href(element) if str(element.tag).endswith("use") else ""  # type: ignore[attr-defined]
    if target.startswith("#") and target[1:] in ids:
        total += _drawn(ids[target[1:]], ids, seen, open_)
    if total > MAX_SVG_DRAWN:
        raise _TooMany
    open_.discard(key)
    seen[key] = total
    return total
