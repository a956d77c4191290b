"""Local accounts for children under 16 who have their own access (AUTH-07, seed 004).

Username, password (argon2id) and a TOTP one-time code from an authenticator
app. Each code is accepted once: the last accepted time-step is stored and a
code for the same or an earlier step is refused (pyotp alone does not prevent
replay). Failed attempts lock the account for a while and are rate-limited per
client address; every failure answers the same, so usernames cannot be probed.
Accounts are enrolled by staff, who hand the child a one-time activation code
that expires. TOTP seeds are stored encrypted. Flask-free.
"""

from app.local_accounts.service import (
    ActivationFailed,
    LocalAccounts,
    LoginFailed,
    PasswordRejected,
)

__all__ = ["ActivationFailed", "LocalAccounts", "LoginFailed", "PasswordRejected"]
