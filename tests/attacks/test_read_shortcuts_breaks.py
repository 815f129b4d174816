"""Held: the four shortcuts of 15d20ea to read a long list give what 04bc687 gave.

No break was found; these are the strongest checks of the attack, each against the
answer of the code before 15d20ea (04bc687), written out here:

- yamlfile: a text node's value taken straight (values, keys, aliases of text nodes
  used as keys and values, '!!str' on nothing, numbers and words, '!' tags, merges);
- yamlfile: a plain scalar's tag kept by its text ('null' quoted, plain, '! ' tagged,
  '<<' quoted and plain and '! <<', in one file, where the first sets what is kept);
- records.read_fields: an optional field first left out, then given as nothing, as a
  wrong value, through a merge; lists and recipients read in turn in one process and in
  threads at once (what one table learnt must not leak to another list or table);
- listfile: a reading kept without its keys' places (build's ``read_list``), then
  edits through it of a flow entry, a '|' block followed by blank lines, an entry whose
  '-' stands alone, and a comment after a value, with LF and CRLF line ends; and the
  ``sig`` commands, one after another, each taking the reading the one before kept.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from campaign.errors import Problem
from campaign.lists import listfile
from campaign.load import records
from campaign.load.yamlfile import LineDict, LineList, parse_yaml
from campaign.model.fields import Recipient, Signatory

from conftest import FIXTURES, copy_tree, run

_PATH = Path("signatories/people.yaml")


def _shape(value: Any) -> Any:
    """What a reader sees of a parsed value: types, lines, flow and plain marks."""
    if isinstance(value, LineDict):
        return ["map", value.line, [[k, value.key_lines[k], _shape(v)] for k, v in value.items()]]
    if isinstance(value, LineList):
        items = [_shape(v) for v in value]
        return ["seq", value.line, value.flow, value.item_lines, value.item_plain, items]
    return [type(value).__name__, repr(value)]


def _told(problems: list[Problem]) -> list[str]:
    """Problems as ``check`` prints them, in their order."""
    return [
        f"{p.path}:{p.line}: {p.message} [{p.hint}]" + (" (warning)" if p.warning else "")
        for p in problems
    ]


def _record(entry: Signatory | Recipient) -> str:
    """An entry as its repr shows every field, its line and each value's type."""
    return repr(entry)


def _parsed(text: str) -> str:
    problems: list[Problem] = []
    return json.dumps([_shape(parse_yaml(text, _PATH, problems)), _told(problems)])


def _listed(text: str) -> str:
    problems: list[Problem] = []
    got = records.load_signature_list(_PATH, problems, text=text, allow_empty=True)
    entries = None if got is None else [_record(e) for e in got.entries]
    return json.dumps([entries, _told(problems)])


def _recipients(text: str, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "recipients.yaml").write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    to, cc = records.load_recipients(folder, problems)
    told = [f"{p.line}: {p.message}" for p in problems]
    return json.dumps([[_record(r) for r in to], [_record(r) for r in cc], told])


# Text nodes anchored and aliased as keys and values, '!!str' on nothing, a number, a
# word and a block key, '! ' on nothing and on '', merges by '<<' and by '! <<' (the
# memo must not keep '<<' as text for the second), a quoted and a plain 'null' key.
TAGS = (
    "a: &s !!str 12\n*s : *s\nb: ! null\nc: ! ''\nd: '<<'\n! <<: {m: &t text}\n"
    "<<: {n: 1, d: merged}\n*t : ~\n'null': x\nnull: y\ne: !!str\nk: 1\nk: 2\n"
    "!!str 3: !!str true\n? |\n  block key\n: &u [*s, !!str , ! x, 'q']\nf: *u\n"
)
# A text node aliased, then a value no tag can make: the problem, and no data.
UNREADABLE = "a: x\nb: &x !!str\nc: *x\nd: !!int nope\ne: y\n"
# An anchored key used again as a key by its alias, plain and as a '?' key.
ALIAS_KEYS = "a: &k name\n*k : 1\n? *k\n: 2\nname: 3\n"
# A byte-order mark, CRLF, a '|' block with a blank line, a control character escaped.
CRLF = '\ufeffa: 1\r\nb: |\r\n  x\r\n\r\n  y\r\nc: "\\x01"\r\n'
# '! ' and quoted '' first, so the memo is filled by them before the plain ones.
MEMO = "- ! ''\n- ''\n-\n- ! null\n- 'null'\n- null\n- '<<'\n- ! ~\n- '~'\n- ~\n- !\n- !!str\n"

# Optional fields left out by the first entries, then given as nothing ('signed:'),
# as '' and as wrong values, through '!!str', in a flow entry and through a merge.
FIRST_LEFT_OUT = (
    "signatories:\n"
    "- name: A\n  type: individual\n  group: g\n"
    "- name: B\n  type: individual\n  group: g\n  signed:\n  status:\n  contact: ''\n  email: ''\n"
    "- name: C\n  type: individual\n  group: g\n  signed: ''\n  status: pending\n  email: bad\n"
    "- name: D\n  type: individual\n  group: g\n  withdrawn: 2020-01-01\n"
    "- name: E\n  group: g\n  notes: !!str\n  signed: !!str 2020-02-30\n"
    "- {name: F, type: individual, group: g, country: }\n"
    "- name: G\n  type: individual\n  group: g\n  <<: {signed: 2021-01-01, status: withdrawn}\n"
    "- name: H\n  type: individual\n  group: g\n"
)
# Every optional field given in the first entry, then left out: read after the list above.
FIRST_GIVEN = (
    "signatories:\n"
    "- name: X\n  type: organization\n  group: g\n  signed: 2022-02-02\n  status: withdrawn\n"
    "  withdrawn: 2022-03-03\n  contact: 'yes'\n  email: x@example.org\n  notes: |\n    n\n"
    "- name: Y\n  type: individual\n  group: g\n  status: ''\n"
    "- name: Z\n  type: individual\n  group: g\n"
)
RECIPIENTS = (
    "to:\n- name: A\n  address: [x]\n- name: B\n  address:\n  - y\n  title: ''\n  email: ''\n"
    "- name: C\n  address: |\n    l1\n    l2\ncc:\n- name: D\n  address: [Washington, DC 20460]\n"
    "- title: T\n"
)

# A list with every shape an edit through a kept reading must find its keys in.
KEPT = (
    "# kept\n"
    "signatories:\n"
    "  - name: Flow One\n    type: individual\n    group: intl\n"
    "  - {name: Flow Two, type: individual, group: intl, signed: 2024-04-02}\n"
    "  - name: Block Notes\n    type: individual\n    group: intl\n    notes: |\n      one\n\n"
    "      three\n\n"
    "  -\n    name: Dash Alone\n    type: organization\n    group: orgs\n"
    "    country: Peru  # here\n"
    "  - name: Last\n    type: individual\n    group: intl\n    signed:\n"
)

# The same list edited by ``sig`` commands one after another (each keeps a reading).
EDITED = (
    "# list\n"
    "signatories:\n"
    "  - name: Zoë Zimmer\n    type: individual\n    group: intl\n    signed: 2024-04-01\n"
    "  - {name: Flow One, type: individual, group: intl, signed: 2024-04-02}\n"
    "  - name: Block Notes\n    type: individual\n    group: intl\n    notes: |\n"
    "      line one\n\n      line three\n\n"
    "  - name: Empty Signed\n    type: individual\n    group: intl\n    signed:\n"
    "    status: signed\n"
    "  - name: Quoted Signed\n    type: individual\n    group: intl\n    signed: ''\n"
    "  -\n    name: Dash Alone\n    type: organization\n    group: orgs\n"
)
SIG_COMMANDS = (
    ("check",),
    ("sig", "set", "people", "Block Notes", "country=France"),
    ("sig", "set", "people", "Flow One", "affiliation=Uni"),
    ("sig", "set", "people", "Dash Alone", "country=Peru", "notes=hi"),
    ("sig", "set", "people", "Empty Signed", "signed=2024-04-05"),
    ("sig", "remove", "--yes", "people", "Zoë Zimmer"),
    ("sig", "set", "people", "Block Notes", "notes="),
    ("sig", "set", "people", "Quoted Signed", "status=pending"),
    ("sig", "list", "people"),
)


def _kept_then_edited(root: Path, text: str) -> tuple[str, str, bytes]:
    """Build's read (a reading kept), then four edits through it: reading, render, file."""
    (root / "signatories").mkdir(parents=True)
    (root / ".campaign" / "lists").mkdir(parents=True)
    path = root / "signatories" / "people.yaml"
    path.write_bytes(text.encode("utf-8"))
    keep: list[listfile.Kept] = []
    problems: list[Problem] = []
    listfile.read_list(path, problems, keep)
    listfile.keep_readings(keep)
    sealed = (root / ".campaign" / "lists" / "people.yaml.json").read_bytes()
    body = json.loads(sealed.partition(b"\n")[2])
    body.pop("key")  # the code's own digest: another for every version of campaign
    edit = listfile.ListFile.load(path)
    edit.update(1, affiliation="Uni")
    edit.update(2, notes=None, country="France")
    edit.update(3, country="Chile", notes="hi")
    edit.update(4, signed=None, sort_as="L")
    rendered = edit.render()
    edit.save()
    return json.dumps(body, ensure_ascii=False), rendered, path.read_bytes()


# --- what 04bc687 gave (written out by running it) ---------------------------------------
TAGS_OLD = (
    '[["map", 1, [["a", 1, ["str", "\'12\'"]], ["12", 1, ["str", "\''
    '12\'"]], ["b", 3, ["NoneType", "None"]], ["c", 4, ["NoneType"'
    ', "None"]], ["d", 5, ["str", "\'<<\'"]], ["text", 6, ["NoneTyp'
    'e", "None"]], ["null", 10, ["str", "\'y\'"]], ["e", 11, ["str"'
    ', "\'\'"]], ["k", 13, ["str", "\'2\'"]], ["3", 14, ["str", "\'tru'
    'e\'"]], ["block key\\n", 15, ["seq", 17, true, [1, 17, 17, 17]'
    ', [true, true, true, false], [["str", "\'12\'"], ["str", "\'\'"]'
    ', ["str", "\'x\'"], ["str", "\'q\'"]]]], ["f", 18, ["seq", 17, t'
    'rue, [1, 17, 17, 17], [true, true, true, false], [["str", "\''
    '12\'"], ["str", "\'\'"], ["str", "\'x\'"], ["str", "\'q\'"]]]], ["m'
    '", 6, ["str", "\'text\'"]], ["n", 7, ["str", "\'1\'"]]]], ["sign'
    "atories/people.yaml:10: key 'null' appears twice [keep one o"
    'f them; YAML keeps only the last]", "signatories/people.yaml'
    ":13: key 'k' appears twice [keep one of them; YAML keeps onl"
    'y the last]"]]'
)
UNREADABLE_OLD = (
    '[["NoneType", "None"], ["signatories/people.yaml:4: \'nope\' c'
    "annot be read as a whole number [put the value in quotes to "
    "keep it as text, or remove its '!!' tag]\"]]"
)
ALIAS_KEYS_OLD = (
    '[["map", 1, [["a", 1, ["str", "\'name\'"]], ["name", 5, ["str"'
    ", \"'3'\"]]]], [\"signatories/people.yaml:1: key 'name' appears"
    ' twice [keep one of them; YAML keeps only the last]", "signa'
    "tories/people.yaml:5: key 'name' appears twice [keep one of "
    'them; YAML keeps only the last]"]]'
)
CRLF_OLD = (
    '[["map", 1, [["a", 1, ["str", "\'1\'"]], ["b", 2, ["str", "\'x\\'
    '\\n\\\\ny\\\\n\'"]], ["c", 6, ["str", "\'\\\\x01\'"]]]], []]'
)
MEMO_OLD = (
    '[["seq", 1, false, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], '
    "[false, false, true, true, false, true, false, true, false, "
    'true, true, true], [["NoneType", "None"], ["str", "\'\'"], ["N'
    'oneType", "None"], ["NoneType", "None"], ["str", "\'null\'"], '
    '["NoneType", "None"], ["str", "\'<<\'"], ["NoneType", "None"],'
    ' ["str", "\'~\'"], ["NoneType", "None"], ["str", "\'\'"], ["str"'
    ", \"''\"]]], []]"
)
FIRST_LEFT_OUT_OLD = (
    "[[\"Signatory(name='A', name_latin='', type='individual', aff"
    "iliation='', country='', sort_as='', group='g', signed=None,"
    " status='signed', withdrawn=None, email='', phone='', notes="
    "'', contact='', source='', confirmed='', optout=None, line=2"
    ")\", \"Signatory(name='B', name_latin='', type='individual', a"
    "ffiliation='', country='', sort_as='', group='g', signed=Non"
    "e, status='signed', withdrawn=None, email='', phone='', note"
    "s='', contact='', source='', confirmed='', optout=None, line"
    "=5)\", \"Signatory(name='C', name_latin='', type='individual',"
    " affiliation='', country='', sort_as='', group='g', signed=N"
    "one, status='pending', withdrawn=None, email='', phone='', n"
    "otes='', contact='', source='', confirmed='', optout=None, l"
    "ine=12)\", \"Signatory(name='D', name_latin='', type='individu"
    "al', affiliation='', country='', sort_as='', group='g', sign"
    "ed=None, status='signed', withdrawn=datetime.date(2020, 1, 1"
    "), email='', phone='', notes='', contact='', source='', conf"
    "irmed='', optout=None, line=18)\", \"Signatory(name='E', name_"
    "latin='', type='organization', affiliation='', country='', s"
    "ort_as='', group='g', signed=None, status='signed', withdraw"
    "n=None, email='', phone='', notes='', contact='', source='',"
    " confirmed='', optout=None, line=22)\", \"Signatory(name='F', "
    "name_latin='', type='individual', affiliation='', country=''"
    ", sort_as='', group='g', signed=None, status='signed', withd"
    "rawn=None, email='', phone='', notes='', contact='', source="
    "'', confirmed='', optout=None, line=26)\", \"Signatory(name='G"
    "', name_latin='', type='individual', affiliation='', country"
    "='', sort_as='', group='g', signed=datetime.date(2021, 1, 1)"
    ", status='withdrawn', withdrawn=None, email='', phone='', no"
    "tes='', contact='', source='', confirmed='', optout=None, li"
    "ne=27)\", \"Signatory(name='H', name_latin='', type='individua"
    "l', affiliation='', country='', sort_as='', group='g', signe"
    "d=None, status='signed', withdrawn=None, email='', phone='',"
    " notes='', contact='', source='', confirmed='', optout=None,"
    " line=31)\"], [\"signatories/people.yaml:17: 'email' is not a "
    "valid e-mail address: 'bad' (An email address must have an @"
    "-sign.) [write it as name@example.org, or leave the field ou"
    "t]\", \"signatories/people.yaml:21: signatory 'D' withdrew on "
    "2020-01-01, but its status is 'signed' [write 'status: withd"
    "rawn'; if they signed again, take out 'withdrawn']\", \"signat"
    "ories/people.yaml:22: signatory 'E' has no 'type' [add 'type"
    ": individual' or 'type: organization']\", \"signatories/people"
    ".yaml:25: 'signed' is not a valid date: '2020-02-30': Februa"
    "ry 2020 has 29 days, not 30 [correct the day or the month; t"
    'he date is written YYYY-MM-DD]"]]'
)
FIRST_GIVEN_OLD = (
    "[[\"Signatory(name='X', name_latin='', type='organization', a"
    "ffiliation='', country='', sort_as='', group='g', signed=dat"
    "etime.date(2022, 2, 2), status='withdrawn', withdrawn=dateti"
    "me.date(2022, 3, 3), email='x@example.org', phone='', notes="
    "'n', contact='yes', source='', confirmed='', optout=None, li"
    "ne=2)\", \"Signatory(name='Y', name_latin='', type='individual"
    "', affiliation='', country='', sort_as='', group='g', signed"
    "=None, status='signed', withdrawn=None, email='', phone='', "
    "notes='', contact='', source='', confirmed='', optout=None, "
    "line=12)\", \"Signatory(name='Z', name_latin='', type='individ"
    "ual', affiliation='', country='', sort_as='', group='g', sig"
    "ned=None, status='signed', withdrawn=None, email='', phone='"
    "', notes='', contact='', source='', confirmed='', optout=Non"
    'e, line=16)"], []]'
)
RECIPIENTS_OLD = (
    "[[\"Recipient(name='A', role='to', name_latin='', title='', o"
    "rganization='', honorific='', salutation='', address=('x',),"
    " email='', line=2)\", \"Recipient(name='B', role='to', name_la"
    "tin='', title='', organization='', honorific='', salutation="
    "'', address=('y',), email='', line=4)\", \"Recipient(name='C',"
    " role='to', name_latin='', title='', organization='', honori"
    "fic='', salutation='', address=('l1', 'l2'), email='', line="
    "9)\"], [\"Recipient(name='D', role='cc', name_latin='', title="
    "'', organization='', honorific='', salutation='', address=('"
    "Washington', 'DC 20460'), email='', line=14)\", \"Recipient(na"
    "me='', role='cc', name_latin='', title='T', organization='',"
    " honorific='', salutation='', address=(), email='', line=16)"
    "\"], [\"15: 'address' lines 'Washington' and 'DC 20460' look l"
    "ike one line split at a comma\", \"16: 'cc' entry has no 'name"
    "'\", \"16: 'cc' entry has no 'address'\"]]"
)
KEPT_READING_OLD = (
    '{"fields": ["name", "name_latin", "type", "affiliation", "co'
    'untry", "sort_as", "group", "signed", "status", "withdrawn",'
    ' "email", "phone", "notes", "contact", "source", "confirmed"'
    ', "optout"], "entries": [[3, "Flow One", "", "individual", "'
    '", "", "", "intl", null, "signed", null, "", "", "", "", "",'
    ' "", null], [6, "Flow Two", "", "individual", "", "", "", "i'
    'ntl", "2024-04-02", "signed", null, "", "", "", "", "", "", '
    'null], [7, "Block Notes", "", "individual", "", "", "", "int'
    'l", null, "signed", null, "", "", "one\\n\\nthree", "", "", ""'
    ', null], [16, "Dash Alone", "", "organization", "", "Peru", '
    '"", "orgs", null, "signed", null, "", "", "", "", "", "", nu'
    'll], [20, "Last", "", "individual", "", "", "", "intl", null'
    ', "signed", null, "", "", "", "", "", "", null]], "warnings"'
    ': [], "spans": [[2, 5, 2, 4, false, false], [5, 6, 2, 4, true, false], '
    "[6, 13, 2, 4, false, false], [14, 19, 2, 4, false, false], "
    '[19, 23, 2, 4, false, false]], "list_line": -1, "list_end": -1}'
)  # each span with whether it is an alias item's since 7 December
KEPT_RENDERED_OLD = (  # the { } entry edited inside its braces since 7 December
    "# kept\nsignatories:\n  - name: Flow One\n    type: individual\n    group: intl\n"
    "  - {name: Flow Two, type: individual, group: intl, signed: 2024-04-02, affiliation: Uni}\n"
    "  - name: Block Notes\n    type: individual\n    group: intl\n    country: France\n\n"
    "  -\n    name: Dash Alone\n    type: organization\n    group: orgs\n"
    "    country: Chile  # here\n    notes: hi\n"
    "  - name: Last\n    type: individual\n    group: intl\n    sort_as: L\n"
)
SIG_SAID_OLD = [
    (
        "0 test: 6 signatories as of 2024-05-01, 1 addressee, 1 in cc"
        "\nNo problems found in 1 letter.\n"
    ),
    ("0 changed: Block Notes (ws/signatories/people.yaml:8): country (none) -> France\n"),
    ("0 changed: Flow One (ws/signatories/people.yaml:7): affiliation (none) -> Uni\n"),
    (
        "0 changed: Dash Alone (ws/signatories/people.yaml:27): count"
        "ry (none) -> Peru\nchanged: Dash Alone (ws/signatories/people"
        ".yaml:27): notes (none) -> (private)\n"
    ),
    ("0 changed: Empty Signed (ws/signatories/people.yaml:17): signed (none) -> 2024-04-05\n"),
    ("0 removed: Zoë Zimmer (intl, signed), was at ws/signatories/people.yaml:3\n"),
    ("0 changed: Block Notes (ws/signatories/people.yaml:4): notes (private) -> (none)\n"),
    ("0 changed: Quoted Signed (ws/signatories/people.yaml:14): status signed -> pending\n"),
    (
        "0 line  name           type          group  country  signed      status\n"
        "----  -------------  ------------  -----  -------  ----------  -------\n"
        "3     Flow One       individual    intl            2024-04-02  signed\n"
        "4     Block Notes    individual    intl   France               signed\n"
        "9     Empty Signed   individual    intl            2024-04-05  signed\n"
        "14    Quoted Signed  individual    intl                        pending\n"
        "20    Dash Alone     organization  orgs   Peru                 signed\n"
        "5 of 5 entries shown (1 pending, 4 signed)\n"
    ),
]
SIG_FILE_OLD = (  # the { } entry edited inside its braces since 7 December
    "# list\nsignatories:\n"
    "  - {name: Flow One, type: individual, group: intl, signed: 2024-04-02, affiliation: Uni}\n"
    "  - name: Block Notes\n    type: individual\n    group: intl\n    country: France\n\n"
    "  - name: Empty Signed\n    type: individual\n    group: intl\n    signed: 2024-04-05\n"
    "    status: signed\n"
    "  - name: Quoted Signed\n    type: individual\n    group: intl\n    signed: ''\n"
    "    status: pending\n"
    "  -\n    name: Dash Alone\n    type: organization\n    group: orgs\n    country: Peru\n"
    "    notes: hi\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TAGS, TAGS_OLD),
        (UNREADABLE, UNREADABLE_OLD),
        (ALIAS_KEYS, ALIAS_KEYS_OLD),
        (CRLF, CRLF_OLD),
        (MEMO, MEMO_OLD),
    ],
    ids=["tags", "unreadable", "alias-keys", "crlf", "memo"],
)
def test_parse_as_before(text: str, expected: str) -> None:
    assert _parsed(text) == expected


def test_first_left_out_as_before() -> None:
    assert _listed(FIRST_LEFT_OUT) == FIRST_LEFT_OUT_OLD


def test_lists_and_recipients_in_turn_as_before(tmp_path: Path) -> None:
    # What one list or table learnt of its left-out fields must not reach the next.
    assert _listed(FIRST_GIVEN) == FIRST_GIVEN_OLD
    assert _recipients(RECIPIENTS, tmp_path / "a") == RECIPIENTS_OLD
    assert _listed(FIRST_LEFT_OUT) == FIRST_LEFT_OUT_OLD
    assert _listed(FIRST_GIVEN) == FIRST_GIVEN_OLD
    assert _recipients(RECIPIENTS, tmp_path / "b") == RECIPIENTS_OLD
    for text, expected in [(TAGS, TAGS_OLD), (MEMO, MEMO_OLD)]:
        assert _parsed(text) == expected


def test_threads_read_as_before(tmp_path: Path) -> None:
    # Threads filling the one table's left-out values at once read what each reads alone.
    found: list[tuple[str, str]] = []
    lock = threading.Lock()

    def read(n: int) -> None:
        for _ in range(5):
            for text, expected in [
                (FIRST_LEFT_OUT, FIRST_LEFT_OUT_OLD),
                (FIRST_GIVEN, FIRST_GIVEN_OLD),
            ]:
                got = _listed(text)
                with lock:
                    found.append((got, expected))
            got = _recipients(RECIPIENTS, tmp_path / str(n))
            with lock:
                found.append((got, RECIPIENTS_OLD))

    threads = [threading.Thread(target=read, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8 * 5 * 3
    assert all(got == expected for got, expected in found)


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_kept_reading_then_edits_as_before(tmp_path: Path, newline: str) -> None:
    body, rendered, written = _kept_then_edited(tmp_path / "ws", KEPT.replace("\n", newline))
    assert body == KEPT_READING_OLD
    assert rendered == KEPT_RENDERED_OLD.replace("\n", newline)
    assert written == KEPT_RENDERED_OLD.replace("\n", newline).encode("utf-8")


def test_sig_commands_through_kept_readings_as_before(tmp_path: Path) -> None:
    root = copy_tree(FIXTURES / "minimal", tmp_path / "ws")
    (root / "signatories" / "people.yaml").write_text(EDITED, encoding="utf-8")
    said = []
    for command in SIG_COMMANDS:
        result = run(*command, workspace=root)
        said.append(f"{result.exit_code} {result.stdout}{result.stderr}")
    assert said == SIG_SAID_OLD
    assert (root / "signatories" / "people.yaml").read_text(encoding="utf-8") == SIG_FILE_OLD
    assert os.listdir(root / ".campaign" / "lists") == ["people.yaml.json"]
