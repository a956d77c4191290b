"""Flask plumbing shared by the blueprints: sessions, security headers, users, i18n."""
