"""stafettlogg: the BTI relay log as encrypted Git repositories behind a gateway.

Nothing happens at import time; the command line (``app.cli``) and, later, the
web application factory build everything from configuration.
"""
