"""The sign-on page end to end, as a signer and a coordinator use it, in real headless Chromium.

Sign in the browser, confirm with the e-mail's link, pull into the list, build: the name is in
signatories.pdf. Withdraw with the e-mail's link, pull, build: the name is gone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from signonharness import LIST, SLUG, Inbox, Server, links, serve, smtp_server, use_smtp

from conftest import Days, body_text, chromium, flat, pdf_text, run, text_while_loading

WAIT = 15  # seconds a page may take to arrive (not a speed test)
NAME = "Zoë Browser-Signer"
EMAIL = "zoe.signer@signers.example"
LIST_FILE = f"ws/signatories/{LIST}.yaml"  # as sig pull names it, from the test's folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """A phone-wide window: the page must work where most signers open it."""
    driver = chromium(tmp_path_factory.mktemp("chromium"), 800, 1400)
    yield driver
    driver.quit()


@pytest.fixture
def mail() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as started:
        yield started


@pytest.fixture
def signing_days() -> Days:
    """The days this test runs on, as the sign-on page dates signatures: in UTC."""
    return Days(utc=True)


@pytest.fixture
def server(example: Path, mail: tuple[Inbox, int], signing_days: Days) -> Iterator[Server]:
    # A letter still collecting: dated today, so a signature made today is printed (the
    # example's is dated 2020, and a letter prints no one who signed after its as_of).
    letter = example / "letters" / SLUG / "letter.yaml"
    today = signing_days.first.isoformat()
    letter.write_text(re.sub(r"\b2020-02-13\b", today, letter.read_text()))
    use_smtp(example, mail[1])
    started = serve(example)
    yield started
    assert started.stop() == 0, started.log()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: pytest keeps its last three runs' folders, to look at."""
    return tmp_path_factory.mktemp("screenshots")


def shot(driver: webdriver.Chrome, folder: Path, name: str, selector: str = "") -> Path:
    """A screenshot into ``folder``: of the element ``selector``, else of the window."""
    path = folder / f"{name}.png"
    if selector:
        path.write_bytes(driver.find_element(By.CSS_SELECTOR, selector).screenshot_as_png)
    else:
        path.write_bytes(driver.get_screenshot_as_png())
    return path


def page_text(driver: webdriver.Chrome) -> str:
    return flat(body_text(driver))


def wait_for_word(driver: webdriver.Chrome, word: str) -> None:
    """Until the page that a click or link opens says ``word``."""
    WebDriverWait(driver, WAIT).until(lambda d: word in flat(text_while_loading(d)).casefold())


def choose(driver: webdriver.Chrome, name: str, value: str) -> None:
    """Pick ``value`` for the field ``name``, be it a select or radio buttons."""
    fields = driver.find_elements(By.NAME, name)
    assert fields, f"no field {name!r} on the page"
    if fields[0].tag_name == "select":
        Select(fields[0]).select_by_value(value)
        return
    (chosen,) = [f for f in fields if f.get_attribute("value") == value]
    chosen.click()


def sign(driver: webdriver.Chrome, url: str, shots: Path) -> None:
    """Fill in the form as a person does (typing, clicking) and send it."""
    driver.get(url)
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.NAME, "email"))
    shot(driver, shots, "1-page")
    driver.find_element(By.NAME, "name").send_keys(NAME)
    choose(driver, "kind", "individual")
    driver.find_element(By.NAME, "affiliation").send_keys("University of Testing")
    choose(driver, "country", "FR")
    driver.find_element(By.NAME, "email").send_keys(EMAIL)
    choose(driver, "group", "international")
    driver.find_element(By.NAME, "print_consent").click()
    shot(driver, shots, "2-form-filled-in", "form:has([name=email])")
    form = driver.find_element(By.NAME, "email").find_element(By.XPATH, "./ancestor::form")
    form.find_element(By.CSS_SELECTOR, "[type=submit]").click()


def entry(workspace: Path) -> dict[str, object]:
    """The signer's entry in the list, read as YAML."""
    data = yaml.safe_load((workspace / "signatories" / f"{LIST}.yaml").read_text())
    (found,) = [e for e in data["signatories"] if e["name"] == NAME]
    return dict(found)


def printed_names(workspace: Path) -> str:
    result = run("build", SLUG, workspace=workspace)
    assert result.exit_code == 0, result.output
    return flat(pdf_text(workspace / "build" / SLUG / "signatories.pdf"))


def test_sign_confirm_pull_build_then_withdraw_pull_build(
    example: Path,
    server: Server,
    mail: tuple[Inbox, int],
    browser: webdriver.Chrome,
    shots: Path,
    signing_days: Days,
) -> None:
    inbox = mail[0]
    assert NAME not in printed_names(example)

    # Sign: the page answers at once; the confirmation comes by mail.
    sign(browser, server.url, shots)
    wait_for_word(browser, "inbox")
    shot(browser, shots, "3-check-your-inbox")
    (message,) = inbox.wait_for(1)
    assert EMAIL in str(message["To"])
    found = links(message)
    assert found["confirm"].startswith(server.url + "/confirm/"), found

    # Unconfirmed: nothing to pull yet, nobody on the page.
    assert NAME not in page_text(browser)

    # Confirm with the link, in the browser: it asks first (a mail scanner opening the link
    # confirms nothing), and the button confirms.
    browser.get(found["confirm"])
    wait_for_word(browser, "confirm that you sign this letter")
    assert NAME in page_text(browser)
    shot(browser, shots, "4-confirm-form")
    browser.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    wait_for_word(browser, "is confirmed")
    shot(browser, shots, "4-confirmed")
    browser.get(server.url)
    assert NAME in page_text(browser)  # the public list of confirmed signers

    # Into the list, approved: the name is printed.
    pulled = run("sig", "pull", LIST, "--approve", workspace=example)
    assert pulled.exit_code == 0, pulled.output
    assert pulled.stdout == (
        f"added: {NAME} (international, signed)\n"
        f"{LIST_FILE}: 1 added (signed), 0 already on the list, 0 withdrawn.\n"
    )
    signed = entry(example)
    confirmed = signed.pop("confirmed")
    today = signed["signed"]
    assert today in signing_days
    assert signed == {
        "name": NAME,
        "type": "individual",
        "affiliation": "University of Testing",
        "country": "France",
        "group": "international",
        "signed": today,
        "status": "signed",
        "email": EMAIL,
        "contact": "no",
        "source": "signon",
    }
    assert str(confirmed).startswith(today.isoformat() + "T")
    assert NAME in printed_names(example)

    # Pulling again adds nobody twice.
    again = run("sig", "pull", LIST, "--approve", workspace=example)
    assert (again.exit_code, again.stdout) == (
        0,
        f"{LIST_FILE}: 0 added (signed), 0 already on the list, 0 withdrawn.\n",
    )
    assert entry(example) == {**signed, "confirmed": confirmed}

    # Withdraw with the e-mail's link: a page with a button that posts to the same address.
    withdraw = found.get("withdraw") or links(inbox.wait_for(2)[-1])["withdraw"]
    browser.get(withdraw)
    shot(browser, shots, "5-withdraw-form")
    browser.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    wait_for_word(browser, "withdrawn")
    shot(browser, shots, "6-withdrawn")
    browser.get(server.url)
    assert NAME not in page_text(browser)

    # Pull the withdrawal, build: the name is gone from the PDF, kept in the list as withdrawn.
    pulled = run("sig", "pull", LIST, workspace=example)
    line = (
        (example / LIST_FILE.removeprefix("ws/"))
        .read_text()
        .splitlines()
        .index(f"  - name: {NAME}")
    )
    withdrawn = pulled.stdout.partition(", on ")[2][:10]
    assert withdrawn in signing_days
    assert (pulled.exit_code, pulled.stdout) == (
        0,
        f"withdrawn: {NAME} ({LIST_FILE}:{line + 1}), on {withdrawn}\n"
        f"{LIST_FILE}: 0 added (pending), 0 already on the list, 1 withdrawn.\n",
    )
    assert entry(example) == {
        **signed,
        "status": "withdrawn",
        "confirmed": confirmed,
        "withdrawn": dt.date.fromisoformat(withdrawn),
    }
    assert NAME not in printed_names(example)
