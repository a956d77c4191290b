"""The access log: who read, exported or printed which part of a log, and why.

One append-only file per log in the instance folder, apart from the content.
Each line is one entry, sealed with the log's own data key (so shredding a log
shreds its access log too) under a path that binds the entry's sequence
number. Entries are hash-chained: each carries the SHA-256 of the previous
entry's plaintext, and the newest (sequence, hash) is also kept in a separate
anchor file. A changed, removed, reordered or truncated entry breaks the chain
or falls short of the anchor, and ``verify`` (run by ``stafettlogg fsck``)
reports it.
"""

from app.audit.chain import AccessEntry, AccessLog, ChainBroken

__all__ = ["AccessEntry", "AccessLog", "ChainBroken"]
