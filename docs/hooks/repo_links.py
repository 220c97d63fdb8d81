"""MkDocs hook: links from a page to the repository's own files (``../cases/<id>/case.toml``).

MkDocs checks the links between pages, but a link that leaves ``docs/`` is one it cannot
resolve: it warns, and strict mode fails. This hook checks those links itself (the file or
folder must exist in the repository; a link to one that does not is a warning, so the strict
build fails on it as on a broken link between pages) and writes each relative to where its page
is built, so that it works in the built site as it does on GitHub.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.hooks.repo_links")  # under "mkdocs": strict mode counts it

_LINK = re.compile(r"\]\((?P<target>[^)\s#]+)(?P<anchor>#[^)\s]*)?\)")
_EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|/)", re.IGNORECASE)
_MARK = "repo-file:"
_HREF = re.compile(rf'href="{_MARK}(?P<path>[^"#]*)')


def _roots(config: Any) -> tuple[Path, Path]:
    docs = Path(config["docs_dir"]).resolve()
    return docs, docs.parent


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    docs, root = _roots(config)
    here = (docs / page.file.src_uri).parent

    def link(match: re.Match[str]) -> str:
        target = match["target"]
        if _EXTERNAL.match(target):
            return match[0]
        path = Path(os.path.normpath(here / target))
        if path.is_relative_to(docs):
            return match[0]  # a page of the docs: MkDocs checks it
        if not path.is_relative_to(root) or not path.exists():
            log.warning(
                "%s: link to '%s', which is not a file of the repository", page.file.src_uri, target
            )
            return match[0]
        return f"]({_MARK}{path.relative_to(root).as_posix()}{match['anchor'] or ''})"

    return _LINK.sub(link, markdown)


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    _, root = _roots(config)
    built = (Path(config["site_dir"]).resolve() / page.file.dest_uri).parent

    def href(match: re.Match[str]) -> str:
        return 'href="' + Path(os.path.relpath(root / match["path"], built)).as_posix()

    return _HREF.sub(href, html)
