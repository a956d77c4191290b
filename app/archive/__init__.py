"""Exports for the municipal archive: the full history, and (issue 9) the Noark 5 package."""
