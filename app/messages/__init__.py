"""Messages between the people of a log: who has read which thread, and until when."""

from app.messages.read_marks import ReadMarks

__all__ = ["ReadMarks"]
