"""Plain-language advice for staff writing in a log about a child.

Families read these logs, and many do not know the abbreviations and professional
shorthand of school, kindergarten, health and child-welfare services, or struggle with
long, heavy sentences. This package gives advice in bokmål or nynorsk before a note is
saved: unexplained abbreviations, over-long sentences and a high LIX score. It is a pure
helper (standard library only) and it never blocks a save.
"""

from app.writing.plain_language import (
    LIX_LIMIT,
    LONG_SENTENCE,
    Advice,
    advise,
    lix,
    split_sentences,
)

__all__ = ["LIX_LIMIT", "LONG_SENTENCE", "Advice", "advise", "lix", "split_sentences"]
