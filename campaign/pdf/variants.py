"""PDF variants (PDF/A-3b, PDF/UA-1), document dates, and saving PDFs the same way every time.

WeasyPrint writes the variant's metadata when it lays a document out; the steps
after it (stamping page 1 onto the shared pages, joining letters into print.pdf)
work on the PDF with pikepdf, and the helpers here keep what the variant needs
through them: the catalog's metadata, output intent and language, the structure
tree of tagged documents, and stream endings a PDF/A reader can measure.

Nothing here imports WeasyPrint; pikepdf is imported where a PDF is touched.
"""

from __future__ import annotations

import base64
import io
import os
import time
from typing import Any

from campaign.errors import CampaignError
from campaign.model.records import PDF_A, is_tagged

# What a joined PDF (print.pdf) takes over from the first document it is made of.
_CATALOG_KEYS = ("/Metadata", "/OutputIntents", "/Lang", "/MarkInfo", "/ViewerPreferences")


def source_date(environ: dict[str, str] | None = None) -> str:
    """``SOURCE_DATE_EPOCH`` as a W3C date (UTC), or '' when it is not set."""
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return ""
    try:
        seconds = int(value)
        if seconds < 0:
            raise ValueError(value)
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
    except (ValueError, OverflowError, OSError) as exc:
        raise CampaignError(
            f"SOURCE_DATE_EPOCH: '{value}' is not a number of seconds since 1970-01-01\n"
            "  hint: set it to a whole number such as $(git log -1 --format=%ct), or unset it"
        ) from exc


def document_date() -> str:
    """The creation date every PDF of a build carries: ``SOURCE_DATE_EPOCH``, else now."""
    return source_date() or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def weasyprint_options(variant: str) -> dict[str, Any]:
    """Options for WeasyPrint's ``render`` and ``write_pdf`` that make ``variant``."""
    if not variant:
        return {}
    return {"pdf_variant": variant, "pdf_tags": is_tagged(variant)}


def finish_metadata(_document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: the XMP stream stays uncompressed (PDF/A forbids a filter on it).

    WeasyPrint 70 leaves it uncompressed for PDF/A-1 only, while PDF/A-2 and -3 say
    the same (ISO 19005-2, 6.6.2.1).
    """
    reference = pdf.catalog.get("Metadata")
    if reference:
        pdf.objects[int(reference.split()[0])].compress = False


def fix_stream_ends(pdf: Any) -> bool:
    """Re-encode streams whose data ends with a carriage return; True if any was.

    PDF/A requires each stream's /Length to match its bytes up to the end-of-line
    before ``endstream``; when the (compressed) data itself ends with CR, the CR
    and the writer's LF read as one CR LF marker and the length is off by one.
    ASCII85 on top of the stream's filters always ends the data with ``~>``.
    """
    import pikepdf

    changed = False
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        raw = obj.read_raw_bytes()
        if not raw.endswith(b"\r"):
            continue
        filters = _as_list(obj.get("/Filter"))
        parms = _as_list(obj.get("/DecodeParms")) or [None] * len(filters)
        encoded = base64.a85encode(raw, adobe=True)[2:]  # PDF's ASCII85 has no leading <~
        new_filters = pikepdf.Array([pikepdf.Name.ASCII85Decode, *filters])
        new_parms = pikepdf.Array([None, *parms]) if any(p is not None for p in parms) else None
        obj.write(encoded, filter=new_filters, decode_parms=new_parms, type_check=False)
        changed = True
    return changed


def _as_list(value: Any) -> list[Any]:
    """A filter or its parameters as a list: a PDF may write one without an array."""
    import pikepdf

    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def save(pdf: Any, variant: str, version: str = "") -> bytes:
    """The bytes of ``pdf``: the same for the same content (the /ID is a hash of it)."""
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, min_version=version)
    if variant != PDF_A:
        return buffer.getvalue()
    # The writer compresses new streams (a stamped page's contents) as it writes, so
    # their last bytes are known only now.
    import pikepdf

    with pikepdf.open(io.BytesIO(buffer.getvalue())) as again:
        if not fix_stream_ends(again):
            return buffer.getvalue()
        return _save_as_encoded(again, version)


def _save_as_encoded(pdf: Any, version: str) -> bytes:
    """Save keeping every stream's encoding as it is.

    Compressing streams on save would make qpdf take the ASCII85 off again; every
    stream but the XMP metadata (which PDF/A wants plain) is compressed already.
    """
    import pikepdf

    buffer = io.BytesIO()
    pdf.save(
        buffer,
        deterministic_id=True,
        min_version=version,
        compress_streams=False,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
    )
    return buffer.getvalue()


def tidy(data: bytes, variant: str) -> bytes:
    """A PDF WeasyPrint wrote, with its stream endings made safe for PDF/A."""
    if variant != PDF_A:
        return data
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if not fix_stream_ends(pdf):
            return data
        return _save_as_encoded(pdf, str(pdf.pdf_version))


def take_document_info(source: Any, out: Any) -> None:
    """Give ``out`` (a PDF made of ``source``'s pages) its title, language and variant metadata."""
    for key in _CATALOG_KEYS:
        if key in source.Root:
            out.Root[key] = _foreign(out, source.Root[key])
    if source.trailer.get("/Info") is not None:
        out.trailer.Info = out.make_indirect(_foreign(out, source.trailer.Info))


def _foreign(out: Any, value: Any) -> Any:
    """``value`` (an object of another PDF) copied into ``out``."""
    import pikepdf

    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_foreign(out, item) for item in value])
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({k: _foreign(out, v) for k, v in value.items()})
    if isinstance(value, pikepdf.Object):
        return pikepdf.Object.parse(value.unparse())  # a name, string or number
    return value


class StructureMerger:
    """Joins the structure trees of tagged PDFs whose pages are copied into one document.

    Each source's /Document element becomes a /Part of the joined /Document; page
    and annotation keys into the parent tree are shifted so they stay unique.
    """

    def __init__(self, out: Any) -> None:
        import pikepdf

        self.out = out
        self.nums: list[Any] = []
        self.next_key = 0
        self.document = out.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, K=[])
        )
        self.role_map: Any = None

    def add(self, source: Any, copied_pages: list[Any]) -> None:
        """Take over ``source``'s structure; ``copied_pages`` are its pages as copied into out."""
        import pikepdf

        root = source.Root.get("/StructTreeRoot")
        if root is None:
            return
        offset = self.next_key
        highest = -1
        for page in copied_pages:
            if "/StructParents" in page:
                page.StructParents = int(page.StructParents) + offset
                highest = max(highest, int(page.StructParents))
            for annot in page.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
                    highest = max(highest, int(annot.StructParent))
        if "/RoleMap" in root and self.role_map is None:
            self.role_map = _foreign(self.out, root.RoleMap)
        # Cut the source's elements loose from its root before copying, so that the
        # copy does not drag the old root (and its parent tree) along.
        kids = root.get("/K")
        kids = [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/P" in kid:
                del kid["/P"]
        parent_tree = root.get("/ParentTree")
        entries = _number_tree(parent_tree) if parent_tree is not None else []
        copied_kids = [_foreign(self.out, kid) for kid in kids]
        for kid in copied_kids:
            if kid.get("/S") == pikepdf.Name.Document:
                kid.S = pikepdf.Name.Part  # one letter of the joined document
            kid.P = self.document
            self.document.K.append(kid)
        for key, value in entries:
            self.nums += [key + offset, _foreign(self.out, value)]
            highest = max(highest, key + offset)
        self.next_key = highest + 1

    def finish(self) -> None:
        """Attach the joined structure tree to the output's catalog."""
        import pikepdf

        if not len(self.document.K):
            return
        tree = pikepdf.Dictionary(
            Type=pikepdf.Name.StructTreeRoot,
            K=pikepdf.Array([self.document]),
            ParentTree=self.out.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(self.nums))),
            ParentTreeNextKey=self.next_key,
        )
        if self.role_map is not None:
            tree.RoleMap = self.role_map
        root = self.out.make_indirect(tree)
        self.document.P = root
        self.out.Root.StructTreeRoot = root


def _number_tree(node: Any, depth: int = 0) -> list[tuple[int, Any]]:
    """The (key, value) pairs of a PDF number tree, in key order."""
    if depth > 32:
        return []
    pairs: list[tuple[int, Any]] = []
    nums = node.get("/Nums")
    if nums is not None:
        pairs += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2)]
    for kid in node.get("/Kids", []):
        pairs += _number_tree(kid, depth + 1)
    return sorted(pairs, key=lambda pair: pair[0])
