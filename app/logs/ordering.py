"""The order of goals and activities in their lists, kept as a position per document.

Moving an item renumbers its list 0, 1, 2, … in the new order and returns only
the documents whose position changed, so a move is one small commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def ordered(items: Sequence[T]) -> list[T]:
    """Items in list order: by position, then by id so equal positions stay stable."""
    return sorted(items, key=lambda item: (getattr(item, "position", 0), getattr(item, "id", "")))


def next_position(items: Sequence[Any]) -> int:
    """The position after the last item of a list."""
    return max((item.position for item in items), default=-1) + 1


def moved(items: Sequence[Any], item_id: str, *, up: bool) -> list[Any]:
    """Documents of the list with new positions after moving one item a place up or down."""
    order = ordered(items)
    index = next((i for i, item in enumerate(order) if item.id == item_id), None)
    if index is None:
        return []
    other = index - 1 if up else index + 1
    if not 0 <= other < len(order):
        return []
    order[index], order[other] = order[other], order[index]
    return [item.revised(position=n) for n, item in enumerate(order) if item.position != n]
