"""Checking PDF/A-3b and PDF/UA-1 output: a validator from PyPI, and clauses checked here.

``validator_failures`` runs page (PyPI ``page-validation``), a Rust validator for
PDF/A-1 to -3 and PDF/UA-1 whose rules follow veraPDF's. ``pdfa_problems`` and
``pdfua_problems`` read the clauses this project relies on straight from the file
with pikepdf, so a change in the validator cannot quietly let them go.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import page
import pikepdf

PROFILES = {"pdf/a-3b": "3b", "pdf/ua-1": "ua1"}

# ISO 32000-1, 14.8.4: the standard structure types (a role map may name others).
STANDARD_TYPES = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI",
    "Index", "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L",
    "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span",
    "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT",
    "RP", "Warichu", "WT", "WP", "Figure", "Formula", "Form",
}  # fmt: skip
BLEND_MODES = {
    "Normal", "Compatible", "Multiply", "Screen", "Overlay", "Darken", "Lighten",
    "ColorDodge", "ColorBurn", "HardLight", "SoftLight", "Difference", "Exclusion",
    "Hue", "Saturation", "Color", "Luminosity",
}  # fmt: skip
TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
XMP = {
    "dc": "{http://purl.org/dc/elements/1.1/}",
    "pdf": "{http://ns.adobe.com/pdf/1.3/}",
    "xmp": "{http://ns.adobe.com/xap/1.0/}",
    "pdfaid": "{http://www.aiim.org/pdfa/ns/id/}",
    "pdfuaid": "{http://www.aiim.org/pdfua/ns/id/}",
}


def validator_failures(path: Path, variant: str) -> list[str]:
    """What page finds wrong with ``path`` as ``variant`` ('rule: message' each)."""
    report = page.validate_pdf(str(path), profile=PROFILES[variant])
    failures = [f"{f.rule_id}: {f.message}" for f in report.failures]
    if not report.is_compliant and not failures:
        failures.append("not compliant (no rule named)")
    return failures


def problems(path: Path, variant: str, language: str = "") -> list[str]:
    """Our own checks of ``path`` for ``variant``."""
    if variant == "pdf/a-3b":
        return pdfa_problems(path)
    return pdfua_problems(path, language)


def _xmp(pdf: pikepdf.Pdf) -> dict[str, Any]:
    """The XMP properties, read only (as a context manager, pikepdf would rewrite them)."""
    meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
    return dict(meta)


def _pdf_date(value: str) -> str:
    """A PDF date (D:20200213000000Z) as an XMP one (2020-02-13T00:00:00Z)."""
    m = re.fullmatch(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(Z|[+-]\d\d'\d\d'?)?", value)
    if not m:
        return f"unreadable date {value!r}"
    zone = (m.group(7) or "").replace("'", ":").rstrip(":")
    return "{}-{}-{}T{}:{}:{}{}".format(*m.groups()[:6], zone)


def _objects(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    for obj in pdf.objects:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            yield obj


def _fonts(resources: Any, seen: set[tuple[int, int]]) -> Iterator[tuple[str, Any]]:
    """Every font reachable from a resource dictionary (forms included), with its name."""
    if resources is None:
        return
    for name, font in dict(resources.get("/Font", {})).items():
        yield name, font
        for descendant in font.get("/DescendantFonts", []):
            yield name, descendant
    for xobject in dict(resources.get("/XObject", {})).values():
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            yield from _fonts(xobject.get("/Resources"), seen)


def pdfa_problems(path: Path) -> list[str]:
    """PDF/A-3b clauses, read with pikepdf (ISO 19005-3 section in brackets)."""
    found: list[str] = []
    with pikepdf.open(path) as pdf:
        found += [f"qpdf: {p}" for p in pdf.check_pdf_syntax()]
        if pdf.is_encrypted:
            found.append("encrypted (6.1.3)")
        ids = pdf.trailer.get("/ID")
        if ids is None or len(ids) != 2:
            found.append("no file identifier /ID in the trailer (6.1.3)")
        meta = pdf.Root.get("/Metadata")
        if meta is None:
            return [*found, "no XMP metadata (6.6.2.1)"]
        if "/Filter" in meta:
            found.append("the XMP metadata stream is compressed (6.6.2.1)")
        xmp = _xmp(pdf)
        if xmp.get(XMP["pdfaid"] + "part") != "3":
            found.append(f"pdfaid:part is {xmp.get(XMP['pdfaid'] + 'part')!r}, not '3' (6.6.4)")
        if xmp.get(XMP["pdfaid"] + "conformance") != "B":
            found.append("pdfaid:conformance is not 'B' (6.6.4)")
        found += _info_matches_xmp(pdf, xmp)
        found += _output_intent(pdf)
        for number, sheet in enumerate(pdf.pages, 1):
            for name, font in _fonts(sheet.obj.get("/Resources"), set()):
                if font.get("/Subtype") in ("/Type0", "/Type3"):
                    continue  # a Type0's glyphs are in its descendant; Type3 draws its own
                descriptor = font.get("/FontDescriptor")
                if descriptor is None or not any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    found.append(f"page {number}: font {name} is not embedded (6.2.11.4.1)")
        for obj in _objects(pdf):
            if "/JS" in obj or obj.get("/S") in ("/JavaScript", "/Launch"):
                found.append(f"object {obj.objgen}: JavaScript or launch action (6.6.1)")
            if obj.get("/Type") == "/ExtGState":
                mode = obj.get("/BM")
                modes = list(mode) if isinstance(mode, pikepdf.Array) else [mode]
                if any(m is not None and str(m)[1:] not in BLEND_MODES for m in modes):
                    found.append(f"object {obj.objgen}: blend mode {mode} (6.2.10)")
            if isinstance(obj, pikepdf.Stream) and obj.read_raw_bytes().endswith(b"\r"):
                found.append(f"object {obj.objgen}: stream data ends with CR, /Length (6.1.7.1)")
            if obj.get("/Type") == "/Filespec" and "/AFRelationship" not in obj:
                found.append(f"object {obj.objgen}: embedded file without AFRelationship")
        if "/AA" in pdf.Root or ("/Names" in pdf.Root and "/JavaScript" in pdf.Root.Names):
            found.append("the catalog has additional or JavaScript actions (6.6.2)")
    return found


def _info_matches_xmp(pdf: pikepdf.Pdf, xmp: dict[str, Any]) -> list[str]:
    """The document information dictionary says what the XMP says (6.6.3)."""
    found = []
    info = pdf.trailer.get("/Info") or {}
    pairs = {
        "/Title": (XMP["dc"] + "title", str),
        "/Author": (XMP["dc"] + "creator", lambda v: ", ".join(v)),
        "/Subject": (XMP["dc"] + "description", str),
        "/Producer": (XMP["pdf"] + "Producer", str),
        "/CreationDate": (XMP["xmp"] + "CreateDate", str),
        "/ModDate": (XMP["xmp"] + "ModifyDate", str),
    }
    for key, (prop, convert) in pairs.items():
        if key not in info:
            continue
        value = str(info[key])
        if key.endswith("Date"):
            value = _pdf_date(value)
        if prop not in xmp or convert(xmp[prop]) != value:
            found.append(f"Info {key} {value!r} is not XMP {prop} {xmp.get(prop)!r} (6.6.3)")
    return found


def _output_intent(pdf: pikepdf.Pdf) -> list[str]:
    """A PDF/A output intent with an embedded ICC profile (6.2.3)."""
    for intent in pdf.Root.get("/OutputIntents", []):
        if intent.get("/S") != "/GTS_PDFA1":
            continue
        profile = intent.get("/DestOutputProfile")
        if profile is None:
            return ["the output intent has no DestOutputProfile (6.2.3)"]
        data = profile.read_bytes()
        if data[36:40] != b"acsp":
            return ["the output intent's profile is not an ICC profile (6.2.3)"]
        if data[16:20] == b"RGB " and int(profile.get("/N", 0)) != 3:
            return ["the output intent's RGB profile does not say /N 3 (6.2.3)"]
        return []
    return ["no GTS_PDFA1 output intent (6.2.3)"]


def pdfua_problems(path: Path, language: str = "") -> list[str]:
    """PDF/UA-1 clauses, read with pikepdf (ISO 14289-1 section in brackets)."""
    found: list[str] = []
    with pikepdf.open(path) as pdf:
        found += [f"qpdf: {p}" for p in pdf.check_pdf_syntax()]
        xmp = _xmp(pdf) if "/Metadata" in pdf.Root else {}
        if xmp.get(XMP["pdfuaid"] + "part") != "1":
            found.append("XMP has no pdfuaid:part 1 (5)")
        if not str(xmp.get(XMP["dc"] + "title", "")).strip():
            found.append("XMP has no dc:title (7.1)")
        if pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle") is not True:
            found.append("ViewerPreferences/DisplayDocTitle is not true (7.1)")
        if pdf.Root.get("/MarkInfo", {}).get("/Marked") is not True:
            found.append("MarkInfo/Marked is not true (7.1)")
        lang = str(pdf.Root.get("/Lang", ""))
        if not lang or (language and lang != language):
            found.append(f"catalog /Lang is {lang!r}, not {language or 'set'!r} (7.2)")
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return [*found, "no StructTreeRoot (7.1)"]
        found += _structure(root)
        found += _marked_content(pdf, root)
        for number, sheet in enumerate(pdf.pages, 1):
            if "/Annots" in sheet.obj and sheet.obj.get("/Tabs") != "/S":
                found.append(f"page {number} has annotations but no /Tabs /S (7.18.3)")
    return found


def _elements(root: Any) -> Iterator[Any]:
    """Every structure element below ``root``, in document order."""
    stack = [root.get("/K")]
    seen: set[tuple[int, int]] = set()
    while stack:
        item = stack.pop(0)
        if isinstance(item, pikepdf.Array):
            stack[:0] = list(item)
        elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
            if item.is_indirect and item.objgen in seen:
                continue
            if item.is_indirect:
                seen.add(item.objgen)
            yield item
            stack[:0] = [item.get("/K")]


def _structure(root: Any) -> list[str]:
    """Standard or role-mapped tags, figures with Alt, headings from H1 on (7.1, 7.3, 7.4)."""
    found = []
    roles = {str(k)[1:]: str(v)[1:] for k, v in dict(root.get("/RoleMap", {})).items()}
    level = 0
    for element in _elements(root):
        kind = str(element.S)[1:]
        for _ in range(8):  # a role map may chain
            if kind in STANDARD_TYPES or kind not in roles:
                break
            kind = roles[kind]
        if kind not in STANDARD_TYPES:
            found.append(f"structure type {element.S} is neither standard nor role-mapped (7.1)")
        if kind == "Figure" and "/Alt" not in element and "/ActualText" not in element:
            found.append("a Figure has no Alt text (7.3)")
        if re.fullmatch(r"H[1-6]", kind):
            n = int(kind[1])
            if n > level + 1:
                found.append(f"heading {kind} follows H{level} (7.4.2)")
            level = n
    return found


def _marked_content(pdf: pikepdf.Pdf, root: Any) -> list[str]:
    """Text is tagged content (MCID) or an artifact, and the parent tree knows each MCID (7.1)."""
    found = []
    tree = {}
    parent_tree = root.get("/ParentTree")
    if parent_tree is not None:
        nums = parent_tree.get("/Nums", [])
        tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}
    for number, sheet in enumerate(pdf.pages, 1):
        loose, mcids = _text_outside_marks(sheet.obj, sheet.obj.get("/Resources"), False, set())
        if loose:
            found.append(f"page {number}: {loose} text operators neither tagged nor artifact")
        if not mcids:
            continue
        key = sheet.obj.get("/StructParents")
        entry = tree.get(int(key)) if key is not None else None
        if entry is None or len(entry) <= max(mcids):
            found.append(f"page {number}: marked content missing from the parent tree")
    return found


def _text_outside_marks(
    holder: Any, resources: Any, marked: bool, seen: set[tuple[int, int]]
) -> tuple[int, set[int]]:
    """How many text operators of a page or form stand outside any tag, and the MCIDs used."""
    loose, mcids = 0, set()
    stack: list[bool] = []  # per open marked-content sequence: does it mark (MCID or Artifact)?
    for operands, operator in pikepdf.parse_content_stream(holder):
        op = str(operator)
        if op in ("BMC", "BDC"):
            tag = str(operands[0])
            props = operands[1] if op == "BDC" and len(operands) > 1 else None
            mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
            if mcid is not None:
                mcids.add(int(mcid))
            stack.append(tag == "/Artifact" or mcid is not None)
        elif op == "EMC" and stack:
            stack.pop()
        elif op in TEXT_OPERATORS and not (marked or any(stack)):
            loose += 1
        elif op == "Do" and resources is not None:
            xobject = resources.get("/XObject", {}).get(operands[0])
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                if xobject.objgen in seen:
                    continue
                seen.add(xobject.objgen)
                inner = xobject.get("/Resources", resources)
                more, _ = _text_outside_marks(xobject, inner, marked or any(stack), seen)
                loose += more
    return loose, mcids
