"""The archive's documents are in bokmål, whatever language the exporter reads.

The gateway's labels are lazy gettext strings bound to a request's locale;
an export runs from the command line too, without a request. This reads the
same catalogue for bokmål directly, so a label is worded the same way in the
archive as on the page.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel.support import Translations

from app.config import PROJECT_ROOT

_CATALOGUES = PROJECT_ROOT / "app" / "translations"


@lru_cache(maxsize=1)
def _bokmal() -> Translations:
    found = Translations.load(str(_CATALOGUES), ["nb"], domain="messages")
    if not isinstance(found, Translations):
        raise RuntimeError("the bokmål catalogue is missing (run make i18n)")
    return found


def nb(label: Any) -> str:
    """A gateway label (lazy string, or plain English msgid) in bokmål."""
    args = getattr(label, "_args", None)
    msgid = args[0] if args else str(label)
    return str(_bokmal().gettext(msgid))


def nb_of(labels: dict[str, Any], key: str | None) -> str:
    """The bokmål label of ``key`` in a label table, or the key itself if unknown."""
    if key is None:
        return ""
    label = labels.get(key)
    return nb(label) if label is not None else key
