"""The tree tinyhtml5 makes of a batch of sheets, each shape of sheet parsed once.

An overlay batch holds a hundred sheets that differ only in their text (an
addressee's name, street, salutation), and tinyhtml5, pure Python, took some 2 ms
a sheet to read them. Here each sheet's text runs are put aside, each shape (the
sheet with every run replaced by a numbered mark) is parsed once by tinyhtml5 itself,
and each sheet's tree is a copy of its shape's with its own text put back.

The tree is the one tinyhtml5 makes of the whole document, or None (the caller
parses it whole), by these checks:
  * each piece (the head, then each sheet) is parsed followed by a probe element, which
    must come out alone at the end of the body: the parser is then back where the
    body began (no element left open, no formatting element to reopen, no comment or
    attribute left unclosed), so the pieces parse alone as they do one after another;
  * no piece gives the root or the body attributes (a second ``<html>`` or ``<body>``
    tag does, which reaches outside its sheet);
  * each mark comes out exactly once, as text in an element whose text the parser
    reads as plain text (not in a comment or an attribute, no ``<pre>`` whose first
    line break is dropped, no table that moves text, no ``<style>`` or ``<textarea>``);
  * a run put aside holds no ``<``, no character reference but the few read here the
    same way, and the document no NUL, carriage return, lone surrogate or mark character.
"""

from __future__ import annotations

import copy
import io
import re
import xml.etree.ElementTree as ET

from campaign.compose.scanning import install

# Elements whose text the parser reads as plain text, placed where it stands.
_PLAIN = {
    "div", "span", "p", "br", "b", "i", "em", "strong", "small", "sub", "sup", "u", "s",
    "a", "abbr", "cite", "code", "mark", "q", "time", "bdi", "bdo", "wbr", "img", "h1",
    "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "section", "article",
    "header", "footer", "address", "blockquote", "figure", "figcaption", "hr", "nav",
    "aside", "main", "data", "var", "kbd", "samp", "dfn", "ins", "del",
}  # fmt: skip
_FIRST = 0xE000  # marks: private-use characters, one per run of a sheet
_LAST = 0xF8FF
_MARKS = re.compile("[\ue000-\uf8ff]")
_REFUSED = re.compile("[\x00\r\ud800-\udfff\ue000-\uf8ff]")
# A sheet's pieces as the parser's data state reads them: a comment, a tag, or text.
_TOKEN = re.compile(
    r"<!--.*?-->"  # a comment
    r"|</?[A-Za-z][^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>"  # a tag
    r"|[^<]+",  # text
    re.S,
)
_END_TAG = re.compile(r"</([A-Za-z][^\s/>]*)")
_START_TAG = re.compile(r"<([A-Za-z][^\s/>]*)")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
_VOID |= {"track", "wbr", "param"}
# The character references read here as the parser reads them in text.
_REFS = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}
_REFS |= {"&#39;": "'", "&#34;": '"', "&#x27;": "'", "&#x22;": '"'}
_REF = re.compile("|".join(re.escape(ref) for ref in _REFS))
_PROBE = "<div data-tree-probe>x</div>"
_CONTEXT = "<!DOCTYPE html><html><head></head><body>"
_START = "<!DOCTYPE html>"  # a document in no-quirks mode, as _CONTEXT is
_SUFFIX = re.compile(r"</body>\s*</html>\s*\Z")


def _parse(text: str) -> ET.Element:
    import tinyhtml5

    install()  # its scanning patterns kept (scanning.py)
    # As WeasyPrint reads a string (weasyprint.HTML(string=...)).
    root: ET.Element = tinyhtml5.parse(io.StringIO(text), namespace_html_elements=False)
    return root


def _body_before_probe(root: ET.Element) -> list[ET.Element] | None:
    """The body's elements before the probe, when the probe stands alone at its end."""
    body = root.find("body")
    if body is None or len(body) == 0 or body.text:
        return None
    *elements, probe = list(body)
    if probe.get("data-tree-probe") is None or probe.text != "x" or len(probe):
        return None
    if (probe.tail or "").strip(" \t\n\f"):  # the document's last line breaks go there
        return None
    if elements and elements[-1].tail:
        return None
    return elements


def _pieces(body: str) -> list[str] | None:
    """The body's top-level elements, each with everything in it; None when text stands
    between them or a ``<`` starts nothing the parser would read as a tag or comment."""
    pieces, depth, start, at = [], 0, 0, 0
    for token in _TOKEN.finditer(body):
        if token.start() != at:
            return None
        at = token.end()
        text = token.group()
        if text[0] != "<":
            if depth == 0 or "<" in text:
                return None
            continue
        if text.startswith("<!--"):
            if depth == 0:
                return None
            continue
        if text[1] == "/":
            depth -= 1
        elif not text.endswith("/>") and _START_TAG.match(text).group(1).lower() not in _VOID:  # type: ignore[union-attr]
            depth += 1
        else:
            continue
        if depth < 0:
            return None
        if depth == 0:
            pieces.append(body[start:at])
            start = at
    if at != len(body) or depth != 0 or start != len(body):
        return None
    return pieces


def _shape(piece: str) -> tuple[str, list[str]]:
    """``piece`` with each plain run of text replaced by a numbered mark; the runs, decoded."""
    runs: list[str] = []
    out: list[str] = []
    for token in _TOKEN.finditer(piece):
        text = token.group()
        plain = text[0] != "<" and "&" not in _REF.sub("", text)
        if plain and _FIRST + len(runs) <= _LAST:
            out.append(chr(_FIRST + len(runs)))
            runs.append(_REF.sub(lambda ref: _REFS[ref.group()], text))
        else:
            out.append(text)
    return "".join(out), runs


def _template(shape: str, marks: int) -> list[ET.Element] | None:
    """The elements tinyhtml5 makes of ``shape``, when each of its ``marks`` comes out once
    as plain text."""
    root = _parse(_CONTEXT + shape + _PROBE + "</body></html>")
    elements = _body_before_probe(root)
    if elements is None:
        return None
    # A second <html> or <body> tag gives the document's own its attributes: reaching
    # outside the sheet, it is not a piece read alone (the context has none).
    if root.attrib or root.find("body").attrib:  # type: ignore[union-attr]
        return None
    seen: list[str] = []
    for top in elements:
        for element in top.iter():
            if not isinstance(element.tag, str):  # a comment: no mark may be in it
                if _MARKS.search(element.text or ""):
                    return None
            elif element.tag not in _PLAIN:
                return None
            if any(_MARKS.search(k) or _MARKS.search(v) for k, v in element.attrib.items()):
                return None
            if isinstance(element.tag, str):
                seen += _MARKS.findall(element.text or "")
            seen += _MARKS.findall(element.tail or "")
    if sorted(seen) != [chr(_FIRST + n) for n in range(marks)]:
        return None
    return elements


def _filled(template: list[ET.Element], runs: list[str]) -> list[ET.Element]:
    """A copy of ``template`` with each mark replaced by its run."""

    def run(mark: re.Match[str]) -> str:
        return runs[ord(mark.group()) - _FIRST]

    elements = copy.deepcopy(template)
    for top in elements:
        for element in top.iter():
            if element.text and isinstance(element.tag, str):
                element.text = _MARKS.sub(run, element.text)
            if element.tail:
                element.tail = _MARKS.sub(run, element.tail)
    return elements


def sheet_tree(html: str) -> ET.Element | None:
    """The tree tinyhtml5 makes of ``html``, a document whose body is a run of sheets.

    None when a check fails (see the module's docstring), or the sheets take no fewer
    shapes than half their number: the caller then has tinyhtml5 parse it whole.
    """
    opening = html.find("<body")
    closing = html.rfind("</body>")
    if not html.startswith(_START) or opening < 0 or closing < opening:
        return None
    if not _SUFFIX.match(html, closing) or _REFUSED.search(html):
        return None
    # The body's start tag with its attributes (a template's class or lang): the
    # sheets' elements are made the same under it.
    prefix, suffix = html[: html.index(">", opening) + 1], html[closing:]
    pieces = _pieces(html[len(prefix) : closing])
    if not pieces:
        return None
    root = _parse(prefix + _PROBE + suffix)
    body = root.find("body")
    if body is None or _body_before_probe(root) != []:
        return None
    probe = body[-1]
    templates: dict[str, list[ET.Element] | None] = {}
    sheets: list[ET.Element] = []
    for n, piece in enumerate(pieces):
        shape, runs = _shape(piece)
        if shape not in templates:
            if len(templates) > 8 and len(templates) * 2 > n:
                return None  # hardly a shape shared: no time saved
            templates[shape] = _template(shape, len(runs))
        template = templates[shape]
        if template is None:
            return None
        sheets += _filled(template, runs)
    body.remove(probe)
    body.extend(sheets)
    sheets[-1].tail = probe.tail
    return root
