"""A disposable SQLite index of who relates to which log, and of subjects.

The repositories are the truth; this index answers "my logs" and "does this
person already have a log" in microseconds without opening thousands of
repositories. It is updated by the same operation that commits, remembers the
head it saw per log (so drift is detectable), and can be rebuilt at any time
with ``stafettlogg reindex``. Fødselsnumre are never stored: people are keyed by
an HMAC under an instance secret.
"""

from app.index.store import IndexedLog, LogIndex

__all__ = ["IndexedLog", "LogIndex"]
