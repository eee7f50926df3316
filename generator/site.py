"""The documentation site's build input: the pages MkDocs gets beside docs/ (`make docs`).

docs/architecture.md "The reference site". Nothing here is committed as Markdown: at build
time ``generator/mkdocs_hooks.py`` asks this module for

- the guides: README.md split at its ``## `` sections (the first one stays with the
  introduction as the home page), so the README's text is shown, never copied by hand;
- CONTRIBUTING.md and CHANGELOG.md as pages;
- the reference pages of openapi.yaml and asyncapi.yaml (``generator/reference.py``);

and for the link rewriting that makes the repository's relative links work in the site: a
link to a file that is a page (``docs/decisions.md``, ``openapi.yaml``) points at that
page, a link to any other repository file (``examples/webhook_receiver.py``) keeps its text
and loses the link, since the site does not serve source files.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .reference import HTTP_DIR, WEBSOCKET_PAGE, Page, _slug, reference_pages

__all__ = ["SiteInput", "rewrite_links", "split_readme"]

GUIDES_DIR = "guides"
# Hand-written pages that live in docs/ (the site's docs_dir) under their own names.
DOCS_DIR = "docs"
# Other repository files shown as pages: repository path -> site path.
FILE_PAGES = {"CONTRIBUTING.md": "contributing.md", "CHANGELOG.md": "changelog.md"}

_FENCE = re.compile(r"^\s*(```|~~~)")
# [text](target) — not images (a leading "!"), targets without spaces or parentheses.
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]+)\]\((?P<target>[^)\s]+)\)")


def _outside_fences(lines: list[str]) -> Iterator[tuple[int, bool]]:
    """(index, outside a fenced code block) for each line."""
    fence: str | None = None
    for i, line in enumerate(lines):
        match = _FENCE.match(line)
        if match and fence is None:
            fence = match.group(1)
            yield i, False
        elif match and line.strip().startswith(fence or "\0"):
            fence = None
            yield i, False
        else:
            yield i, fence is None


def split_readme(text: str) -> tuple[str, list[tuple[str, str]]]:
    """README text -> (home page text, [(section title, section text), ...]).

    The home page is everything before the second ``## `` heading. Each later section
    becomes a page whose ``## Title`` is its ``# Title`` and whose deeper headings move up
    one level. Headings inside fenced code (shell comments) are not headings.
    """
    lines = text.splitlines()
    starts = [i for i, outside in _outside_fences(lines) if outside and lines[i].startswith("## ")]
    if len(starts) < 2:
        return text, []
    home = "\n".join(lines[: starts[1]]).rstrip() + "\n"
    sections = []
    bounds = [*starts[1:], len(lines)]
    for start, end in itertools.pairwise(bounds):
        chunk = lines[start:end]
        outside = dict(_outside_fences(chunk))
        body = [
            line[1:] if outside[i] and re.match(r"^#{2,6} ", line) else line
            for i, line in enumerate(chunk)
        ]
        sections.append((chunk[0][3:].strip(), "\n".join(body).rstrip() + "\n"))
    return home, sections


def rewrite_links(text: str, source: str, page: str, pages: dict[str, str]) -> str:
    """Point ``text``'s relative links (written for ``source`` in the repository) at site pages.

    ``page`` is where the text is shown in the site; ``pages`` maps repository paths to site
    paths. A link to a repository file that is no page keeps its text and loses the link.
    """
    source_dir = posixpath.dirname(source)
    page_dir = posixpath.dirname(page)

    def replace(match: re.Match[str]) -> str:
        target = match.group("target")
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
            return match.group(0)  # an absolute URL, mailto:, or an anchor on this page
        path, _, anchor = target.partition("#")
        repo_path = posixpath.normpath(posixpath.join(source_dir, path))
        site_path = pages.get(repo_path)
        if site_path is None:
            return match.group("text")
        relative = posixpath.relpath(site_path, page_dir or ".")
        return f"[{match.group('text')}]({relative}{'#' + anchor if anchor else ''})"

    lines = text.splitlines()
    for i, outside in _outside_fences(lines):
        if outside:
            lines[i] = _LINK.sub(replace, lines[i])
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


@dataclass
class SiteInput:
    """Everything the MkDocs hooks add to one build, read once from the repository."""

    root: Path
    pages: list[Page] = field(default_factory=list)  # generated pages, in navigation order
    links: dict[str, str] = field(default_factory=dict)  # repository path -> site path
    sections: dict[str, list[Page]] = field(default_factory=dict)  # nav placeholder -> pages

    @classmethod
    def build(cls, root: Path) -> SiteInput:
        site = cls(root)
        site.links = {
            "README.md": "index.md",
            "openapi.yaml": f"{HTTP_DIR}/index.md",
            "asyncapi.yaml": WEBSOCKET_PAGE,
            **FILE_PAGES,
            **{
                f"{DOCS_DIR}/{p.relative_to(root / DOCS_DIR).as_posix()}": p.relative_to(
                    root / DOCS_DIR
                ).as_posix()
                for p in (root / DOCS_DIR).rglob("*.md")
            },
        }
        home, sections = split_readme((root / "README.md").read_text(encoding="utf-8"))
        guides = [Page(f"{GUIDES_DIR}/{_slug(title)}.md", title, body) for title, body in sections]
        site.add(Page("index.md", "Home", home), "README.md")
        for guide in guides:
            site.add(guide, "README.md")
        for repo_path, site_path in FILE_PAGES.items():
            text = (root / repo_path).read_text(encoding="utf-8")
            site.add(Page(site_path, text.splitlines()[0].lstrip("# ").strip(), text), repo_path)
        reference = reference_pages(root)
        site.pages += reference
        site.sections = {
            "README.md": guides,
            "openapi.yaml": [p for p in reference if p.path.startswith(HTTP_DIR + "/")],
            "asyncapi.yaml": [p for p in reference if p.path == WEBSOCKET_PAGE],
        }
        return site

    def add(self, page: Page, source: str) -> None:
        """Add a page whose text comes from repository file ``source``, links rewritten."""
        text = rewrite_links(page.text, source, page.path, self.links)
        self.pages.append(Page(page.path, page.title, text))

    def expand_nav(self, nav: Any) -> Any:
        """mkdocs.yml's nav with each ``Title: README.md|openapi.yaml|asyncapi.yaml`` entry
        replaced by a section of the pages generated from that file."""
        if isinstance(nav, list):
            return [self.expand_nav(item) for item in nav]
        if isinstance(nav, dict):
            return {
                title: (
                    self._section(value)
                    if isinstance(value, str) and value in self.sections
                    else self.expand_nav(value)
                )
                for title, value in nav.items()
            }
        return nav

    def _section(self, source: str) -> str | list[dict[str, str]]:
        pages = self.sections[source]
        if len(pages) == 1:
            return pages[0].path  # one page: a plain entry, not a section of one
        return [{p.title: p.path} for p in pages]
