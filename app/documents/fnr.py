"""Fødselsnummer (and D-/H-/synthetic numbers): always an 11-character string.

Only the structure and the check digits are verified here. Whether synthetic
test identities are acceptable is a login policy, decided elsewhere. From 2032
the first check digit may leave a remainder of 0, 1, 2 or 3 (Skatteetaten), so
both the old and the new rule are accepted; gender is never derived.
"""

from __future__ import annotations

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def has_valid_check_digits(value: str) -> bool:
    """Whether ``value`` is 11 ASCII digits with valid check digits (old or 2032 rule)."""
    if len(value) != 11 or not value.isascii() or not value.isdigit():
        return False
    digits = [int(c) for c in value]
    first = sum(w * d for w, d in zip(_W1, digits[:10], strict=True)) % 11
    second = sum(w * d for w, d in zip(_W2, digits, strict=True)) % 11
    return first in (0, 1, 2, 3) and second == 0


def complete_check_digits(first_nine: str) -> str | None:
    """Append check digits to nine digits by the classic rule, or None if impossible."""
    digits = [int(c) for c in first_nine]
    k1 = (11 - sum(w * d for w, d in zip(_W1[:9], digits, strict=True)) % 11) % 11
    if k1 == 10:
        return None
    digits.append(k1)
    k2 = (11 - sum(w * d for w, d in zip(_W2[:10], digits, strict=True)) % 11) % 11
    if k2 == 10:
        return None
    return f"{first_nine}{k1}{k2}"
