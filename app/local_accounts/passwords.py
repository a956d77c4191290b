"""Password rules (ASVS V6.2): length 8–128, no composition rules, no guessable passwords."""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable: moderate protection from offline attacks"
# zxcvbn's lists are English; these make common Norwegian choices count as guessable.
NORWEGIAN_WORDS = [
    "passord",
    "hemmelig",
    "sommer",
    "vinter",
    "høst",
    "vår",
    "fotball",
    "norge",
    "skole",
    "barnehage",
    "mamma",
    "pappa",
    "hund",
    "katt",
    "hest",
    "elsker",
    "kjæreste",
    "bursdag",
    "stafett",
    "stafettlogg",
    "qwerty",
    "asdf",
    "123456",
    "jesus",
    "rosenborg",
    "brann",
]


def password_problem(password: str, username: str) -> str | None:
    """Why ``password`` cannot be used, or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    if password.strip().lower() == username.lower():
        return "same_as_username"
    result = zxcvbn(password[:100], user_inputs=[username, *NORWEGIAN_WORDS])
    if result["score"] < MIN_SCORE:
        return "guessable"
    return None
