"""The documents of a log: one pydantic model per kind, and their one parser.

Models know nothing of Git, encryption or HTTP. ``frontmatter`` is the only
module that turns bytes into models and back.
"""
