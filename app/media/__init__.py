"""Photos of a child, reduced to their pixels.

A photo straight from a phone carries more than the picture: GPS coordinates of
where it was taken (often the child's home or school), the device's make and
serial, timestamps, names in descriptions and comments, and whatever a crafted
file hides after its last byte. None of that belongs in a child-welfare log, so
``photo`` decodes the upload and keeps only the pixels, re-encoded as a fresh
JPEG. It knows nothing of HTTP, Git or encryption; callers store the result.
"""

from app.media.photo import (
    MAX_PIXELS,
    MAX_SIDE,
    MAX_UPLOAD_BYTES,
    CleanPhoto,
    PhotoRejected,
    clean_photo,
)

__all__ = [
    "MAX_PIXELS",
    "MAX_SIDE",
    "MAX_UPLOAD_BYTES",
    "CleanPhoto",
    "PhotoRejected",
    "clean_photo",
]
