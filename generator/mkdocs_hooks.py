"""MkDocs hooks (mkdocs.yml ``hooks:``): add the generated pages to the site's build.

docs/architecture.md "The reference site". MkDocs loads this file by its path, so the
repository root is put on ``sys.path`` for ``generator.site``, which does the work: the
README's guides, CONTRIBUTING.md and CHANGELOG.md, and the reference pages of openapi.yaml
and asyncapi.yaml are added as in-memory files (none is written to disk), the nav's
``README.md`` / ``openapi.yaml`` / ``asyncapi.yaml`` entries become their pages, and the
hand-written pages' repository links are pointed at site pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.site import DOCS_DIR, SiteInput, rewrite_links  # noqa: E402

_site: SiteInput | None = None


def _current() -> SiteInput:
    if _site is None:
        raise RuntimeError("on_config has not run")
    return _site


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _site
    _site = SiteInput.build(ROOT)
    config.nav = _site.expand_nav(config.nav)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for page in _current().pages:
        files.append(File.generated(config, page.path, content=page.text))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.generated_by is not None:
        return markdown  # generated pages had their links rewritten when made
    src = page.file.src_uri
    return rewrite_links(markdown, f"{DOCS_DIR}/{src}", src, _current().links)
