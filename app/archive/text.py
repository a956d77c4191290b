"""Text for archive files: what XML 1.0 (and so XMP) can carry, never silently dropped."""

from __future__ import annotations

import re

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(value: str) -> str:
    """``value`` with every character XML 1.0 forbids (control characters, lone surrogates,
    U+FFFE/U+FFFF) replaced by U+FFFD, so a reader sees that something was there."""
    return _NOT_XML.sub("\ufffd", value)
