"""Where the next page starts: the one stop rule of the generated iterators
(docs/architecture.md "Pagination").

Both clients' ``iter_*`` methods (``x-sdk`` ``pages``) call their list method's page
function with ``limit`` and ``offset`` and ask this module where the next page starts.
The platform pages in four styles: ``{items, total, limit, offset}``, ``{items, total}``,
``{items, count}`` and bare arrays. With a ``total`` the iterator stops once it has reached
that many items — a page shorter than ``limit`` does not end it, since a server may cap
the page size below what was asked; without one, a short page is the last. An empty page
always ends it, so a server that ignores ``offset`` cannot make it loop forever.
Imports nothing: the sync path loads no asyncio and the async one shares the rule.
"""

from __future__ import annotations

__all__ = ["check_page_size", "next_offset"]


def check_page_size(limit: int) -> None:
    """An iterator's ``limit`` (its page size) must be a positive int."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit is the page size: a positive int, not {limit!r}")


def next_offset(offset: int, got: int, limit: int, total: int | None) -> int | None:
    """The offset of the next page after one of ``got`` items at ``offset``, or None
    when that page was the last."""
    if got == 0:
        return None
    following = offset + got
    if total is not None:
        return following if following < total else None
    return following if got >= limit else None
