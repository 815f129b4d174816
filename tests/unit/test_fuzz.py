"""Fuzzing with hypothesis: whatever the files hold, a command succeeds or says what is wrong.

The property for every target: exit status 0, or 1 with ``Error: ...`` as the last
line (after any ``path:line: problem`` lines); never a traceback, never a hang. Each
example runs under a watchdog, so a hang fails the test instead of blocking CI.
Every crash found is kept below as an ``@example``, so it stays a regression test.

``make test`` runs the profile registered in conftest.py as ``default`` (a fixed
number of examples, derandomized); ``make fuzz`` runs ``long``, many more and random.
"""

from __future__ import annotations

import _thread
import csv
import faulthandler
import io
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result
from hypothesis import example, given, settings
from hypothesis import strategies as st

from campaign.cli.main import cli
from campaign.errors import Problem
from campaign.load.records import (
    RECIPIENT_KEYS,
    SIGNATORY_KEYS,
    load_letter,
    load_recipients,
    load_settings,
    load_signature_list,
)
from campaign.model.records import Settings

from conftest import FIXTURES

# Examples per target in the default profile; the long profile multiplies them.
SCALE = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 1
LOADER_EXAMPLES = 150 * SCALE
CLI_EXAMPLES = 40 * SCALE
BUILD_EXAMPLES = 15 * SCALE
# Far beyond what any example needs (most take milliseconds, a build about a second).
HANG_SECONDS = 60.0

LETTER = "letters/test/letter.yaml"
RECIPIENTS = "letters/test/recipients.yaml"
LIST = "signatories/people.yaml"
SETTINGS = "campaign.yaml"
BODY = "letters/test/body.md"


# -- the property -------------------------------------------------------------------------


@contextmanager
def watchdog(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail the example when it runs longer than ``seconds``.

    A timer thread interrupts the main thread (Python code stops at once); should the
    code be stuck inside C, faulthandler ends the run a little later with every
    thread's stack, so CI fails instead of waiting for its own time limit.
    """
    fired = threading.Event()
    lock = threading.Lock()
    done = False

    def interrupt() -> None:
        with lock:
            if not done:
                fired.set()
                _thread.interrupt_main()

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    faulthandler.dump_traceback_later(seconds * 2, exit=True)
    timer.start()
    try:
        yield
    except KeyboardInterrupt:
        if not fired.is_set():
            raise
    finally:
        with lock:
            done = True
        timer.cancel()
        faulthandler.cancel_dump_traceback_later()
    assert not fired.is_set(), f"hang: still running after {seconds:g} s"


def invoke(root: Path, *args: str) -> Result:
    """Run the CLI in ``root`` under the watchdog; exceptions propagate (to be shrunk)."""
    with watchdog():
        return CliRunner().invoke(
            cli, ["--workspace", str(root), *args], obj={}, catch_exceptions=False
        )


def assert_clean(result: Result) -> None:
    """Success, or status 1 with a clean message; never a traceback or another status."""
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    if result.exit_code == 2:  # Click's own usage errors (an option value it refuses)
        assert "Usage:" in result.stderr and "Error: " in result.stderr, result.stderr
        return
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        # 'Error: ...' closes the output; only its own indented hint may follow.
        lines = result.stderr.rstrip("\n").split("\n")
        errors = [n for n, line in enumerate(lines) if line.startswith("Error: ")]
        assert errors, result.stderr
        assert all(line.startswith("  ") for line in lines[errors[-1] + 1 :]), result.stderr


def assert_problems(problems: list[Problem]) -> None:
    """Problems are complete: a message, and a line number that is a real line."""
    for problem in problems:
        assert isinstance(problem.message, str) and problem.message
        assert isinstance(problem.line, int) and problem.line >= 0
        problem.format()


@contextmanager
def workspace(source: Path = FIXTURES / "minimal") -> Iterator[Path]:
    """A fresh copy of a fixture workspace for one example (fixtures are per test)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        shutil.copytree(source, root)
        yield root


def put(root: Path, name: str, content: str | bytes) -> None:
    """Write a file of the workspace, text as UTF-8."""
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    (root / name).write_bytes(data)


# -- what goes in --------------------------------------------------------------------------

# Pieces of YAML that parsers and loaders trip over, glued together at random.
YAML_PIECES = (
    "signatories:", "to:", "cc:", "title:", "subject:", "date:", "name:", "address:",
    "groups:", "key:", "heading:", "list:", "as_of:", "type:", "group:", "signed:",
    "sender:", "language:", "paper:", "translations:", "ja:", "headings:", "signers:",
    "smtp:", "port:", "- ", "  ", "    ", "\t", "\n", "\r\n", "\r", ": ", ":", "&a ", "*a",
    "*b", "<<: *a", "<<: [*a, *a]", "[", "]", "{", "}", ", ", "? ", "|", "|-", ">", "'", '"',
    "# ", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "!!str ", "!!int ",
    "!!float ", "!!bool ", "!!null ", "!!binary ", "!!timestamp ", "!!set ", "!!omap ",
    "!!pairs ", "!!map ", "!!seq ", "!!python/object:os.system ", "!x ", "!<tag:a> ",
    "\ufeff", "\x00", "\x85", "\u2028", "\x1b[2J", "\ud800", "2020-02-30", "2020-02-13",
    "2020-02-13 10:00:00", "12:30:45", "1e400", "-.inf", ".nan", "0x1F", "0o17", "1_000",
    "~", "null", "yes", "no", "on", "off", "true", "-1", "99999999999999999999",
    "individual", "organization", "signed", "withdrawn", "pending", "intl", "orgs",
    "people", "a4", "letter", "en-US", "ja", "x@example.org", "@", "\\", "%", "{{", "}}",
)  # fmt: skip
yaml_soup = st.lists(st.one_of(st.sampled_from(YAML_PIECES), st.text(max_size=4)), max_size=60).map(
    "".join
)

# Values of every YAML type, and texts that look like something they are not.
ODD_TEXTS = (
    "", " ", "\t", "~", "null", "yes", "No", "2020-02-30", "2020-13-01", "0x1F", "1e400",
    ".nan", "-", "x" * 300, "\u202e", "\u200b", "\ufeff", "a\nb", "a\r\nb", "\x00", "\x07",
    "\x1b[31m", "\U0001f600", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "名前", "이름", "שם", "e\u0301", "<b>x</b>",
    "{{ 1/0 }}", "{% for %}", "x@example.org", "not-an-email", "@", "intl", "orgs",
    "individual", "organization", "signed", "withdrawn", "pending", "en-US", "ja", "xx-YY",
    "a4", "letter", "din5008-a", "us-10", "jp-chou3", "following", "side-by-side",
)  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.dates(),
    st.datetimes(),
    st.sampled_from(ODD_TEXTS),
    st.text(max_size=40),
    st.binary(max_size=10),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def field(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field's value: mostly a good one, often anything at all."""
    return st.one_of(good, good, values)


def entries(keys: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """A mapping with any subset of ``keys`` (hostile values) and maybe a stray key."""
    return st.one_of(
        st.fixed_dictionaries({}, optional={k: field(v) for k, v in keys.items()}),
        values,
    )


def text_of(*choices: str) -> st.SearchStrategy[Any]:
    """One of ``choices``, or any text."""
    return st.one_of(st.sampled_from(choices), st.text(max_size=30))


names = text_of("Ada Lovelace", "Ministry of Tests", "増元照明", "북한인권시민연합")
address = st.one_of(st.lists(names, max_size=10), names)
dates = st.one_of(st.dates(), st.sampled_from(["2020-02-30", "2024-04-01", "Feb 1"]))
signatory = entries(
    {
        "name": names,
        "name_latin": names,
        "type": text_of("individual", "organization"),
        "affiliation": names,
        "country": names,
        "group": text_of("intl", "orgs"),
        "signed": dates,
        "status": text_of("signed", "pending", "withdrawn"),
        "sort_as": names,
        "withdrawn": dates,
        "email": text_of("x@example.org", "zoe.private@example.org"),
        "phone": names,
        "notes": names,
    }
)
recipient = entries(
    {
        "name": names,
        "title": names,
        "organization": names,
        "salutation": names,
        "name_latin": names,
        "honorific": text_of("様", "귀하"),
        "address": address,
        "email": text_of("x@example.org"),
    }
)
group = entries({"key": text_of("intl", "orgs"), "heading": names})
letter_doc = entries(
    {
        "title": names,
        "short_title": names,
        "subject": names,
        "date": dates,
        "language": text_of("en-US", "ja", "ko", "fr", "xx"),
        "template": text_of("joint-letter", "petition", "../../etc", "nope"),
        "paper": text_of("a4", "letter"),
        "envelope": text_of("din5008-a", "din5008-b", "us-10", "jp-chou3"),
        "signatories": entries(
            {
                "list": text_of("people", "../people", "missing"),
                "as_of": dates,
                "groups": st.lists(group, max_size=3),
            }
        ),
        "closing": names,
        "max_pages": st.integers(-5, 20_000),
        "translations": st.dictionaries(
            text_of("ja", "ko", "fr", "en", "to", "xx"),
            entries({"title": names, "subject": names, "parallel": text_of("following")}),
            max_size=2,
        ),
        "signers": st.lists(entries({"name": names, "title": names, "signature": names})),
    }
)
recipients_doc = entries(
    {"to": st.lists(recipient, max_size=3), "cc": st.lists(recipient, max_size=3)}
)
list_doc = entries({"signatories": st.lists(signatory, max_size=6)})
settings_doc = entries(
    {
        "sender": entries({"name": names, "address": address, "email": names, "website": names}),
        "language": text_of("en-US", "ja", "de"),
        "paper": text_of("a4", "letter"),
        "smtp": entries({"host": names, "port": st.integers(-1, 70_000), "from": names}),
    }
)


class _Dumper(yaml.SafeDumper):
    """Safe dumping that also writes bytes as !!binary and keeps everything else as text."""


_Dumper.add_representer(bytes, yaml.SafeDumper.represent_binary)


def dump(document: Any) -> str:
    """A document as YAML text (any value the strategies make can be written)."""
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


def encoded(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """Text in an encoding the file might have been saved in, maybe behind a BOM."""
    return st.tuples(
        text, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "shift_jis"])
    ).map(lambda te: te[0].encode(te[1], "replace"))


def yaml_bytes(document: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """A file's bytes: the document as YAML, soup, raw bytes, or one of those re-encoded."""
    as_text = st.one_of(document.map(dump), document.map(dump), yaml_soup, st.text())
    return st.one_of(
        as_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
        encoded(as_text),
        st.binary(max_size=200),
        st.tuples(as_text, st.integers(0, 400)).map(
            lambda ti: (ti[0][: ti[1]] + "\x00" + ti[0][ti[1] :]).encode("utf-8", "surrogatepass")
        ),
    )


# Documents that only a limit stops: kept as explicit examples of every loader target.
BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(8)
)
MERGE_BOMB = "a: &a {x: 1, y: 2}\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} {{<<: [{', '.join([f'*{chr(97 + n)}'] * 4)}]}}\n"
    for n in range(12)
)
DEEP_LISTS = "signatories: " + "[" * 50_000 + "]" * 50_000 + "\n"
DEEP_MAPS = "signatories:\n" + "".join(" " * n + "a:\n" for n in range(3000))
HUGE_SCALAR = "signatories:\n  - name: " + "x" * 5_000_000 + "\n"
RECURSIVE = "signatories: &s\n  - name: *s\n    group: *s\n    type: *s\n"
# The bomb in every field, for the messages that quote a value.
BOMB_IN_LISTS = BILLION_LAUGHS + "".join(
    f"{key}:\n  - {{{', '.join(f'{k}: *i' for k in keys)}}}\n"
    for key, keys in (
        ("signatories", SIGNATORY_KEYS),
        ("to", RECIPIENT_KEYS),
        ("cc", RECIPIENT_KEYS),
        ("signers", ("name", "title", "signature")),
    )
)
BOMB_IN_MAPPINGS = BILLION_LAUGHS + "".join(
    f"{key}: *i\n"
    for key in (
        "title", "subject", "date", "language", "template", "paper", "envelope", "closing",
        "max_pages", "short_title", "sender", "smtp",
    )
) + "signatories: {list: *i, as_of: *i, groups: [*i, {key: *i, heading: *i}]}\n" + (
    "translations: {ja: *i, ko: {title: *i, headings: *i}, *i : x}\n"
)  # fmt: skip
HOSTILE = (
    BILLION_LAUGHS, MERGE_BOMB, DEEP_LISTS, DEEP_MAPS, HUGE_SCALAR, RECURSIVE, BOMB_IN_LISTS,
    BOMB_IN_MAPPINGS,
)  # fmt: skip


# -- the YAML loaders, called directly (hundreds of examples) -----------------------------


def load_everything(root: Path) -> list[Problem]:
    """What ``check`` reads first: every YAML file of the minimal workspace."""
    problems: list[Problem] = []
    settings_ = load_settings(root / SETTINGS, problems)
    assert isinstance(settings_, Settings)
    load_letter(root / "letters" / "test", settings_, problems)
    load_recipients(root / "letters" / "test", problems)
    load_signature_list(root / LIST, problems)
    return problems


def _loader_property(name: str, data: bytes) -> None:
    with workspace() as root, watchdog():
        put(root, name, data)
        problems = load_everything(root)
    assert_problems(problems)


def _with_hostile(test: Any) -> Any:
    for text in HOSTILE:
        test = example(data=text.encode())(test)
    return test


@settings(max_examples=LOADER_EXAMPLES)
@given(data=yaml_bytes(list_doc))
@_with_hostile
def test_fuzz_signature_list_loader(data: bytes) -> None:
    _loader_property(LIST, data)


@settings(max_examples=LOADER_EXAMPLES)
@given(data=yaml_bytes(recipients_doc))
@_with_hostile
def test_fuzz_recipients_loader(data: bytes) -> None:
    _loader_property(RECIPIENTS, data)


@settings(max_examples=LOADER_EXAMPLES)
@given(data=yaml_bytes(letter_doc))
@_with_hostile
def test_fuzz_letter_loader(data: bytes) -> None:
    _loader_property(LETTER, data)


@settings(max_examples=LOADER_EXAMPLES)
@given(data=yaml_bytes(settings_doc))
@_with_hostile
def test_fuzz_settings_loader(data: bytes) -> None:
    _loader_property(SETTINGS, data)


# -- check, through the command line --------------------------------------------------------

body_text = st.lists(
    st.one_of(
        st.sampled_from(
            (
                "{{ signatories.count }}",
                "{{ recipient.name }}",
                "{{ nope }}",
                "{{",
                "}}",
                "{%",
                "%}",
                "{% if %}",
                "{% for x in signatories.groups %}",
                "{% endfor %}",
                "{{ 1/0 }}",
                "{{ signatories.as_of | long_date }}",
                "{# ",
                " #}",
                "<b>",
                "# ",
                "\n",
                "* ",
                "[x](",
                "![i](/etc/passwd)",
                "`",
                "\x00",
                "{{ say('x') }}",
                "{% include 'x' %}",
                "{% extends 'y' %}",
                "{{ range(3) | list }}",
            )
        ),
        st.text(max_size=6),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=CLI_EXAMPLES)
@given(
    which=st.sampled_from([LETTER, RECIPIENTS, LIST, SETTINGS, BODY]),
    data=st.one_of(
        yaml_bytes(st.one_of(letter_doc, recipients_doc, list_doc, settings_doc)),
        body_text.map(str.encode),
    ),
    strict=st.booleans(),
)
def test_fuzz_check(which: str, data: bytes, strict: bool) -> None:
    with workspace() as root:
        put(root, which, data)
        assert_clean(invoke(root, "check", *(["--strict"] if strict else [])))


# -- the CSV import ------------------------------------------------------------------------

HEADINGS = (
    "Name", "Full name", "Timestamp", "Email Address", "Type", "Group", "Country",
    "Affiliation", "Status", "Withdrawn", "Phone", "Notes", "Date", "Name of organization",
    "", " ", "name", "NAME ", "Sort as", "Name (Latin)", "Signed", "\ufeffName", "e-mail",
)  # fmt: skip
CELLS = (
    "Ada Lovelace", "Émile Abel", "x@example.org", "bad@", "individual", "organization",
    "person", "intl", "orgs", "signed", "pending", "withdrawn", "2024-04-01", "01/02/2024",
    "13/02/2024", "02/13/2024", "2024/02/30", "31.12.2023", "2024-04-01T10:00:00Z", "",
    " ", "a\nb", "a\r\nb", '"', "'", ",", ";", "\t", "\x00", "\x1b", "=1+1", "増元照明",
    "99/99/9999", "0000-00-00", "9999-12-31",
)  # fmt: skip
cell = st.one_of(st.sampled_from(CELLS), st.text(max_size=12))


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A spreadsheet export: headings, ragged rows, any separator, line end and encoding."""
    header = draw(st.lists(st.one_of(st.sampled_from(HEADINGS), st.text(max_size=8)), max_size=8))
    width = max(len(header), 1)
    rows = draw(
        st.lists(st.lists(cell, min_size=0, max_size=width + 2), max_size=8)
    )  # ragged on purpose
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=draw(st.sampled_from([",", ";", "\t", "|"])),
        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])),
    )
    for row in [header, *rows]:
        writer.writerow(row)
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    if encoding == "utf-8":
        return text.encode("utf-8", "surrogatepass")
    return text.encode(encoding, "replace")


import_options = st.lists(
    st.one_of(
        st.just(["--type", "individual"]),
        st.just(["--type", "organization"]),
        st.just(["--group", "intl"]),
        st.sampled_from(["orgs", "", " ", "new group", "\x00"]).map(lambda g: ["--group", g]),
        st.sampled_from([["--date-order", "dmy"], ["--date-order", "mdy"], ["--status", "signed"]]),
        st.just(["--skip-invalid"]),
        st.tuples(
            st.sampled_from([*HEADINGS, "Missing"]),
            st.one_of(st.sampled_from([*SIGNATORY_KEYS, "-", "x"]), cell),
        ).map(lambda hk: ["--map", f"{hk[0]}={hk[1]}"]),
    ),
    max_size=4,
).map(lambda groups: [arg for group in groups for arg in group])


@settings(max_examples=CLI_EXAMPLES * 3)
@given(
    data=st.one_of(csv_files(), csv_files(), st.binary(max_size=300), encoded(st.text())),
    options=import_options,
    target=st.sampled_from(["people", "new-list"]),
)
@example(data=b"", options=[], target="people")
@example(data=b"\xef\xbb\xbf", options=[], target="people")
@example(data=b'Name\n"unclosed\n', options=[], target="people")
@example(data=b"Name\n" + b"x" * 200_000 + b"\n", options=[], target="people")
def test_fuzz_csv_import(data: bytes, options: list[str], target: str) -> None:
    with workspace() as root:
        (root / "export.csv").write_bytes(data)
        before = (root / LIST).read_bytes()
        result = invoke(root, "sig", "import", target, str(root / "export.csv"), *options)
        assert_clean(result)
        if result.exit_code != 0:
            assert (root / LIST).read_bytes() == before
            assert not (root / "signatories" / "new-list.yaml").exists()


# -- the signatory commands on a hostile list ------------------------------------------------

sig_commands = st.one_of(
    st.tuples(st.sampled_from(["list", "stats", "export", "dedupe"]), st.just(())).map(
        lambda c: [c[0]]
    ),
    st.sampled_from(
        [
            ["list", "--format", "csv"],
            ["list", "--format", "json"],
            ["export", "--private"],
            ["export", "--format", "json"],
            ["dedupe", "--merge"],
            ["diff", "--since", "2020-01-01"],
            ["approve", "--all-pending"],
            ["list", "--as-of", "2024-04-02", "--group", "intl"],
        ]
    ),
    st.tuples(st.sampled_from(["withdraw", "remove", "approve"]), cell).map(
        lambda c: [c[0], c[1], *(["--yes"] if c[0] == "remove" else [])]
    ),
    st.tuples(
        cell, st.sampled_from(["individual", "organization"]), cell, st.lists(cell, max_size=1)
    ).map(
        lambda c: (
            ["add", "--name", c[0], "--type", c[1], "--group", c[2]]
            + (["--email", c[3][0]] if c[3] else [])
        )
    ),
)


@settings(max_examples=CLI_EXAMPLES * 3)
@given(data=yaml_bytes(list_doc), command=sig_commands)
@example(data=RECURSIVE.encode(), command=["list"])
@example(data=MERGE_BOMB.encode(), command=["withdraw", "x"])
@example(data=b"{}\n", command=["add", "--name", "Ada", "--type", "individual", "--email", "\n"])
@example(data=b"{}\n", command=["withdraw", "a\nb"])
def test_fuzz_signatory_commands(data: bytes, command: list[str]) -> None:
    with workspace() as root:
        put(root, LIST, data)
        verb, *rest = command
        result = invoke(root, "sig", verb, "people", *rest)
        assert_clean(result)
        if result.exit_code != 0:
            assert (root / LIST).read_bytes() == data


# -- build (about a second an example: few of them) -----------------------------------------


# For build, files that pass check, with hostile text where text goes: the layout has
# to cope with whatever a name, an address or the body holds.
# Scripts the fonts installed by `make venv` cover (check refuses a name no font has).
SCRIPTS = "".join(
    chr(c)
    for first, last in (
        (0x20, 0x7E),
        (0xA0, 0x24F),
        (0x300, 0x36F),
        (0x370, 0x3FF),
        (0x400, 0x4FF),
        (0x5D0, 0x5EA),
        (0x620, 0x64A),
        (0x2010, 0x2027),
        (0x3041, 0x3096),
        (0x30A1, 0x30FA),
        (0x4E00, 0x4E80),
        (0xAC00, 0xAC80),
    )
    for c in range(first, last + 1)
)
printable = st.text(alphabet=SCRIPTS, min_size=1, max_size=80).filter(str.strip)
words = st.one_of(
    printable,
    st.sampled_from(["x" * 300, "\u202e", "\u200b", "e\u0301", "<b>x</b>", "{{ 1/0 }}", "a\nb"]),
    st.sampled_from(["Ada Lovelace", "増元照明", "북한인권시민연합", "שם", "اسم", "x@example.org"]),
)
good_recipient = st.fixed_dictionaries(
    {"name": words, "address": st.lists(words, min_size=1, max_size=5)},
    optional={"title": words, "organization": words, "salutation": words, "honorific": words},
)
good_signatory = st.fixed_dictionaries(
    {
        "name": words,
        "type": st.sampled_from(["individual", "organization"]),
        "group": st.sampled_from(["intl", "orgs"]),
    },
    optional={"affiliation": words, "country": words, "sort_as": words, "name_latin": words},
)


@settings(max_examples=BUILD_EXAMPLES)
@given(
    to=st.lists(good_recipient, min_size=1, max_size=3),
    cc=st.lists(good_recipient, max_size=2),
    people=st.lists(good_signatory, max_size=12, unique_by=lambda e: e["name"].casefold()),
    language=st.sampled_from(["en-US", "de", "ja", "ko", "ar", "he"]),
    body=st.one_of(words, body_text),
)
def test_fuzz_build(
    to: list[Any], cc: list[Any], people: list[Any], language: str, body: str
) -> None:
    with workspace() as root:
        put(root, RECIPIENTS, dump({"to": to, "cc": cc}))
        # Each group the letter prints needs a member, or check refuses the letter.
        anchors = [
            {"name": "Zed Anchor", "type": "individual", "group": "intl"},
            {"name": "Anchor Org", "type": "organization", "group": "orgs"},
        ]
        put(root, LIST, dump({"signatories": anchors + people}))
        letter = (root / LETTER).read_text()
        put(root, LETTER, letter.replace("title:", f"language: {language}\ntitle:", 1))
        put(root, BODY, body)
        result = invoke(root, "build", "--jobs", "1")
        assert_clean(result)
        if result.exit_code != 0:
            assert not (root / "build" / "test").exists()


def test_the_hostile_documents_are_what_they_claim() -> None:
    """The bombs above really are bombs, so the examples test what they say they do."""
    laughs = yaml.load(BILLION_LAUGHS, Loader=yaml.CSafeLoader)
    assert len(laughs["i"]) == 9 and laughs["i"][8][8][8][8][8][8][8][8][8] == "lol"
    merged = yaml.compose(MERGE_BOMB, Loader=yaml.CSafeLoader)
    assert isinstance(merged, yaml.MappingNode) and len(merged.value) == 13
    assert DEEP_LISTS.count("[") == 50_000 and len(HUGE_SCALAR) > 5_000_000
