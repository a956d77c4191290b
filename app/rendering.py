"""Markdown from log documents to safe HTML (WEB-01).

Raw HTML is off in the parser, and the output then goes through nh3 with an
explicit allowlist of tags and attributes and only http, https and mailto
links. This function is the only producer of markup that templates may trust.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark", {"html": False}).enable("table")
_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


@lru_cache(maxsize=2048)
def render_markdown(text: str) -> str:
    """Sanitized HTML for a Markdown body (cached: bodies repeat across page views)."""
    html = _PARSER.render(text)
    # Headings inside a document start at level 3: the page owns levels 1 and 2.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
