"""A command reads each template once: found or missing, the answer is kept; a refusal is not."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.compose.templating import TemplateRefused, make_environment
from campaign.load.catalog import BUILTIN_TEMPLATES
from campaign.text.scripts import mark_scripts


def _workspace(tmp_path: Path) -> Path:
    own = tmp_path / "templates" / "mine"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text(
        '{% include ["mine/part.en.html.j2", "mine/part.html.j2"] %}|{{ who }}\n'
    )
    (own / "part.html.j2").write_text("part")
    return tmp_path


def _counted(env: jinja2.Environment, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names each loader is asked for, in order."""
    asked: list[str] = []
    assert isinstance(env.loader, jinja2.ChoiceLoader)
    for loader in env.loader.loaders:
        original = loader.get_source

        def counting(
            environment: jinja2.Environment, name: str, original: object = original
        ) -> object:
            asked.append(name)
            return original(environment, name)  # type: ignore[operator]

        monkeypatch.setattr(loader, "get_source", counting)
    return asked


def test_a_template_rendered_again_is_read_once_and_a_missing_one_looked_for_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = make_environment(_workspace(tmp_path), BUILTIN_TEMPLATES)
    asked = _counted(env, monkeypatch)
    names = ["mine/letter.en.html.j2", "mine/letter.html.j2"]
    first = [env.get_or_select_template(names).render(who=w) for w in ("a", "b")]
    assert first == ["part|a\n", "part|b\n"]
    # The first render asked the workspace's and the shipped folder for each missing
    # English variant, and read each template found once; the second asked nothing.
    once = asked.copy()
    assert once == [
        "mine/letter.en.html.j2",
        "mine/letter.en.html.j2",
        "mine/letter.html.j2",
        "mine/part.en.html.j2",
        "mine/part.en.html.j2",
        "mine/part.html.j2",
    ]
    env.get_or_select_template(names).render(who="c")
    assert asked == once
    # Nor is a file changed under the command read again: one command, one version.
    (tmp_path / "templates" / "mine" / "part.html.j2").write_text("changed")
    os.utime(tmp_path / "templates" / "mine" / "part.html.j2", (1, 1))
    assert env.get_or_select_template(names).render(who="d") == "part|d\n"
    # The next command (a new environment) reads it anew.
    again = make_environment(tmp_path, BUILTIN_TEMPLATES)
    assert again.get_or_select_template(names).render(who="e") == "changed|e\n"


def test_a_refused_template_is_refused_each_time_it_is_asked_for(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("private\n")
    (root / "templates" / "mine" / "part.en.html.j2").symlink_to(secret)
    env = make_environment(root, BUILTIN_TEMPLATES)
    names = ["mine/letter.en.html.j2", "mine/letter.html.j2"]
    for _ in range(2):  # not kept as missing: the fallback would print without a word
        with pytest.raises(TemplateRefused, match="outside the templates folder"):
            env.get_or_select_template(names).render(who="a")


_LATIN = st.text(
    alphabet=st.characters(max_codepoint=0x2FF, blacklist_categories=("Cs",)), max_size=80
)


@given(
    st.lists(st.tuples(_LATIN, st.sampled_from(["<p>", "</p>", "<!-- x -->", "<style>é</style>"])))
)
def test_text_in_latin_letters_only_is_left_exactly_as_it_was(
    pieces: list[tuple[str, str]],
) -> None:
    html = "".join(text + tag for text, tag in pieces)
    assert mark_scripts(html, "en") == html
    assert (
        mark_scripts(html + "<p>ひまわり</p>", "en")
        == html + '<p><bdi lang="ja">ひまわり</bdi></p>'
    )


@pytest.mark.parametrize("target", ["outside", "private", "pipe"])
def test_a_template_is_read_as_it_was_checked_even_if_its_link_changes_in_between(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    # The loader looks at where a template leads, then reads it: a link re-pointed in
    # between must not lead the read out of templates/, to a private file or a pipe.
    root = _workspace(tmp_path)
    own = root / "templates" / "mine"
    (root / "secret.txt").write_text("outside")
    (own / "recipients.yaml").write_text("to: []\n")
    os.mkfifo(own / "pipe")
    (own / "part.html.j2").unlink()
    (own / "part.html.j2").symlink_to("letter.html.j2")  # allowed when looked at
    leads = {"outside": root / "secret.txt", "private": own / "recipients.yaml"}
    leads["pipe"] = own / "pipe"
    import campaign.compose.templating as templating

    looked = templating.off_limits

    def re_pointed(real: Path, where: Path) -> str:
        (own / "part.html.j2").unlink()
        (own / "part.html.j2").symlink_to(leads[target])
        return looked(real, where)

    monkeypatch.setattr(templating, "off_limits", re_pointed)
    env = make_environment(root, BUILTIN_TEMPLATES)
    with pytest.raises(TemplateRefused) as refused:
        env.get_template("mine/part.html.j2")
    assert str(refused.value.path) == str(own / "part.html.j2")
