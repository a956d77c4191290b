"""Log templates: what a new log starts with, per kind of unit (seed 002)."""

from __future__ import annotations

from dataclasses import dataclass

from app.documents.fields import Arena, LogTemplate


@dataclass(frozen=True)
class TemplateSpec:
    """The starting shape of a log created from one template."""

    presentation_title: str
    arenas: tuple[Arena, ...]


TEMPLATES: dict[LogTemplate, TemplateSpec] = {
    LogTemplate.KINDERGARTEN: TemplateSpec(
        "Meg som barnehagebarn",
        (Arena.HOME_LEISURE, Arena.KINDERGARTEN_SCHOOL, Arena.OTHER_PARTNERS),
    ),
    LogTemplate.SCHOOL: TemplateSpec(
        "Meg som elev", (Arena.HOME_LEISURE, Arena.KINDERGARTEN_SCHOOL, Arena.OTHER_PARTNERS)
    ),
    LogTemplate.HEALTH_STATION: TemplateSpec(
        "Meg som barn", (Arena.HOME_LEISURE, Arena.OTHER_PARTNERS)
    ),
    LogTemplate.PREGNANCY: TemplateSpec(
        "Meg som gravid", (Arena.HOME_LEISURE, Arena.OTHER_PARTNERS)
    ),
}
