"""render._numbered: each element marked for the fit numbered, and nothing else."""

from __future__ import annotations

import re

import pytest

from campaign.pdf.render import _numbered

ADDRESS = '<div class="address" data-fit="address" data-fit-lines>A\nB</div>'


@pytest.mark.parametrize(
    "around",
    [
        "<!-- a note <27mm; don't pad it -> it moves -->",  # a '<' and a quote in a comment
        "<!-- <div data-fit-lines>in a comment</div> -->",
        "<!---->",
        "<!-->",
        '<script>let t = "<div data-fit>";</script>',
        "<style>.x::before { content: '<p data-fit>' }</style>",
        "<template><div data-fit-lines>unused</div></template>",
        '<p title="x>y" class=\'a"b\'>text</p>',
        "",
    ],
)
def test_each_address_gets_its_own_number_whatever_stands_between(around: str) -> None:
    html = (ADDRESS + around) * 3
    numbered = _numbered(html)
    assert re.findall(r'data-fit-lines data-fit-n="(\d+)">A', numbered) == ["0", "1", "2"]
    # Nothing else changed: the numbers taken out, the text is as it was.
    assert re.sub(r' data-fit-n="\d+"', "", numbered) == html


def test_attribute_names_are_read_as_html_reads_them() -> None:
    numbered = _numbered('<DIV DATA-FIT="label" id=x>a</DIV><p data-fit-frame>b</p>')
    assert numbered == '<DIV DATA-FIT="label" id=x data-fit-n="0">a</DIV><p data-fit-frame>b</p>'
