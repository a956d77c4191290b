"""Fødselsnummer (and D-/H-/synthetic numbers): always an 11-character string.

Only the structure and the check digits are verified here. Whether synthetic
test identities are acceptable is a login policy, decided elsewhere. From 2032
the first check digit may leave a remainder of 0, 1, 2 or 3 (Skatteetaten), so
both the old and the new rule are accepted; gender is never derived.
"""

from __future__ import annotations

from datetime import date

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


def is_valid_pid(value: str, allow_synthetic: bool) -> bool:
    """Whether ``value`` is a usable person identifier from ID-porten.

    Fødselsnummer, D-number (day + 40) and H-number (month + 40) are accepted
    with valid check digits and a real birth date. Synthetic test identities
    (Skatteetaten's Tenor: month + 80) only when ``allow_synthetic``, which the
    configuration allows in demo and test instances only (SECURITY-NOTES 1.5).
    """
    if not has_valid_check_digits(value):
        return False
    day, month, year = int(value[0:2]), int(value[2:4]), int(value[4:6])
    if day > 40:
        day -= 40
    if month > 80:
        if not allow_synthetic:
            return False
        month -= 80
    elif month > 40:
        month -= 40
    try:
        date(2000 + year, month, day)  # 2000 + yy is a leap year whenever 1900 + yy is
    except ValueError:
        return False
    return True


def birth_date_of(value: str) -> date | None:
    """The birth date a fødselsnummer (or D-, H- or synthetic number) encodes, if real.

    The century follows the individual number (Skatteetaten's rule), so a
    child born in 2016 and a parent born in 1985 both come out right.
    """
    if not has_valid_check_digits(value):
        return None
    day, month, year = int(value[0:2]), int(value[2:4]), int(value[4:6])
    individual = int(value[6:9])
    day -= 40 if day > 40 else 0
    month -= 80 if month > 80 else 40 if month > 40 else 0
    if individual < 500 or (individual >= 900 and year >= 40):
        century = 1900
    elif individual < 750 and year >= 54:
        century = 1800
    elif year < 40:
        century = 2000
    else:
        return None  # no century gives this individual number with this year
    try:
        return date(century + year, month, day)
    except ValueError:
        return None
