"""The reference site as a reader sees it: built, served on loopback, opened in Chromium.

docs/architecture.md "The reference site". The site is built from the working tree
(``mkdocs build --strict``, the same as ``make docs``) into a temporary directory, served
by a loopback HTTP server, and every page is loaded in Debian's headless Chromium, driven
by Playwright through its executable path (no browser download). A page fails the test by
logging a console error, throwing, or asking for anything outside the site; the built
files fail it by referencing another host for anything the browser would load. The
screenshot of ``place_market_order`` goes to ``reports/docs-site.png``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Route, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("AGENTEXCHANGE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOT = ROOT / "reports" / "docs-site.png"
# The flags that run Debian's Chromium in this sandbox and keep it from calling home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
METHOD_ID = "agentexchange.AgentExchangeClient.place_market_order"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    return out


@pytest.fixture(scope="module")
def origin(site: Path) -> Iterator[str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            # A navigation cancels the previous page's pending fetches (the search index):
            # the browser closing its end is not the site's error.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)  # type: ignore[arg-type]

    server = Server(("127.0.0.1", 0), partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _Resources(HTMLParser):
    """Absolute http(s) URLs of what a browser would fetch for one HTML file."""

    LOADS: ClassVar[set[str]] = {
        "src",
        "srcset",
        "poster",
        "data",
        "action",
        "formaction",
        "background",
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            # <a href> is a link a reader may follow, not a fetch; <link href> is a fetch.
            if name in self.LOADS or (name == "href" and tag != "a"):
                self.urls += re.findall(r"https?://[^\s,\"']+", value)
        if tag == "style" or any(name == "style" for name, _ in attrs):
            self.urls += [v for _, v in attrs if v and "url(http" in v]


def test_built_site_references_no_other_host(site: Path) -> None:
    offenders: list[str] = []
    for html in site.rglob("*.html"):
        parser = _Resources()
        parser.feed(html.read_text(encoding="utf-8"))
        offenders += [f"{html.relative_to(site)}: {url}" for url in parser.urls]
    for css in site.rglob("*.css"):
        offenders += [
            f"{css.relative_to(site)}: {url}"
            for url in re.findall(r"url\(\s*[\"']?(https?://[^)\"']+)", css.read_text("utf-8"))
        ]
    assert offenders == []


def _pages(site: Path) -> list[str]:
    """The URL path of every page of the site (directory URLs, as MkDocs links them)."""
    paths = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        paths.append("/" + rel.removesuffix("index.html"))
    return paths


def test_every_page_loads_in_chromium_without_errors_or_outside_requests(
    site: Path, origin: str, tmp_path: Path
) -> None:
    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} is missing: `make test` installs Debian's chromium package "
        "(apt-get install chromium), or set AGENTEXCHANGE_CHROMIUM"
    )
    profile = tmp_path / "profile"  # --user-data-dir: empty, made for this run
    profile.mkdir()
    pages = _pages(site)
    assert "/api/client/" in pages and "/reference/http/trade/" in pages

    outside: list[str] = []
    errors: list[str] = []
    host = urlsplit(origin).netloc

    def guard(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and urlsplit(url).netloc != host:
            outside.append(url)
            route.abort()
        else:
            route.continue_()

    with sync_playwright() as pw:
        # A persistent context is how Playwright takes --user-data-dir: a new, empty one.
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            context.route("**/*", guard)
            page = context.new_page()
            current = {"path": ""}

            def on_console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    errors.append(f"{current['path']}: console: {message.text}")

            def on_request_failed(request: Request) -> None:
                # Leaving a page cancels its pending fetches (the search worker, the search
                # index): the browser's own ERR_ABORTED. A missing file is a 404 and a
                # console error; a refused host is in `outside`.
                if request.failure != "net::ERR_ABORTED":
                    errors.append(f"{current['path']}: failed: {request.url} {request.failure}")

            page.on("console", on_console)
            page.on("pageerror", lambda exc: errors.append(f"{current['path']}: {exc}"))
            page.on("requestfailed", on_request_failed)

            for path in pages:
                current["path"] = path
                response = page.goto(origin + path, wait_until="load")
                assert response is not None and response.ok, path
                assert page.title(), path
            # The search index is fetched by a web worker after load: wait for it once.
            page.goto(origin + "/api/client/", wait_until="networkidle")
            assert outside == []
            assert errors == []
            _check_place_market_order(page)
            _check_search(page)
            assert outside == [] and errors == []  # the search's fetches and worker too
        finally:
            context.close()


def _check_search(page: Page) -> None:
    """The search runs in the page, from the site's own index: the method is found."""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # Typed key by key: Material searches on keyboard events, not on a set value.
    page.locator("input.md-search__input").press_sequentially("place_market_order", delay=20)
    result = page.locator(".md-search-result__item", has_text="place_market_order").first
    result.wait_for(state="visible", timeout=10_000)
    page.keyboard.press("Escape")


def _check_place_market_order(page: Page) -> None:
    """The method's entry shows its signature, its Args (with side's values) and Raises."""
    heading = page.locator(f'[id="{METHOD_ID}"]')
    assert heading.count() == 1
    # The entry at the top of the window, below Material's fixed header; the header's
    # title fades to the page's name on scroll, so let that settle first.
    page.set_viewport_size({"width": 1280, "height": 1700})  # signature, Args, Returns, Raises
    page.evaluate(f"document.getElementById('{METHOD_ID}').scrollIntoView({{block: 'start'}})")
    page.evaluate("window.scrollBy(0, -70)")
    page.wait_for_timeout(600)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))  # before the checks: a failure has its picture too
    entry = heading.locator("xpath=..")  # the doc-object div holding heading and contents
    contents = entry.locator(":scope > .doc-contents")
    text = contents.inner_text()

    params = contents.locator("table", has=page.locator("th", has_text="Name")).first
    assert "Parameters:" in text, text[:400]
    rows = {
        row.locator("td").first.inner_text().strip(): row.inner_text()
        for row in params.locator("tbody tr").all()
    }
    assert {"symbol", "side", "quantity"} <= set(rows), rows
    assert re.search(r"[\"']buy[\"']", rows["side"]), rows["side"]  # the allowed values
    assert re.search(r"[\"']sell[\"']", rows["side"]), rows["side"]
    assert "Raises:" in text, text[:400]
    raises = re.search(r"Raises:(.*)", text, re.S)
    assert raises and re.search(r"\b\w+Error\b", raises.group(1)), text
