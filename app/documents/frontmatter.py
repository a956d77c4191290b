"""The one place where document bytes become models and back.

A document is UTF-8 text::

    ---
    <YAML mapping of the model's fields>
    ---
    <Markdown body, byte for byte>

Reading is deliberately narrow (SECURITY-NOTES §5.3). The YAML is composed by
libyaml, then every node is checked before anything is constructed: aliases
and anchors are refused (billion-laughs bombs, self-referential lists),
explicit tags other than str/seq/map/null are refused (``!!binary``,
``!!python/…``, custom tags), duplicate keys are refused, and the size is
capped. Plain scalars resolve only to strings or null, never to YAML 1.1
booleans, octal numbers or sexagesimals (``no``, ``01020312345``, ``12:30:00``
stay exactly as written); pydantic then converts them strictly per field.

The framing is exact so the body round-trips unchanged, including leading and
trailing whitespace. (python-frontmatter strips both, which would lose data;
the files remain readable by it, which a test checks.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from app.documents.base import DocumentBase
from app.documents.errors import InvalidFrontMatter
from app.documents.registry import validate_document

MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
MAX_NODES = 5_000
_OPEN = "---\n"
_CLOSE = "\n---\n"
_ALLOWED_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map", "null"))


class _StringsOnlyLoader(yaml.CSafeLoader):
    """libyaml loader whose plain scalars resolve to str, except empty/~/null → None."""


_StringsOnlyLoader.yaml_implicit_resolvers = {}
_StringsOnlyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


def parse_document(
    data: bytes, validate: Callable[[dict[str, Any]], DocumentBase] = validate_document
) -> DocumentBase:
    """Parse and validate one document; raises InvalidFrontMatter or InvalidDocument.

    ``validate`` picks the family of kinds (log documents by default).
    """
    fields, body = split_document(data)
    if "body" in fields:
        raise InvalidFrontMatter("'body' is reserved for the text below the front-matter")
    return validate({**fields, "body": body})


def split_document(data: bytes) -> tuple[dict[str, Any], str]:
    """Return the safe-loaded front-matter mapping and the exact body."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidFrontMatter(f"document is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidFrontMatter("document is not valid UTF-8") from None
    if not text.startswith(_OPEN):
        raise InvalidFrontMatter("document must start with a '---' line")
    end = text.find(_CLOSE, len(_OPEN) - 1)
    if end < 0:
        raise InvalidFrontMatter("front-matter is not closed by a '---' line")
    header = text[len(_OPEN) : end + 1]
    if len(header.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise InvalidFrontMatter(f"front-matter is larger than {MAX_FRONT_MATTER_BYTES} bytes")
    return load_yaml_mapping(header), text[end + len(_CLOSE) :]


def load_yaml_mapping(text: str) -> dict[str, Any]:
    """Safely load a YAML mapping of strings, lists and mappings (see module doc)."""
    loader = _StringsOnlyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InvalidFrontMatter("front-matter is empty")
        _check_nodes(node)
        value = loader.construct_document(node)
    except InvalidFrontMatter:
        raise
    except yaml.YAMLError as exc:
        raise InvalidFrontMatter(f"front-matter is not valid YAML: {_first_line(exc)}") from None
    except Exception as exc:  # libyaml and constructors raise more than YAMLError
        raise InvalidFrontMatter(f"front-matter cannot be read: {type(exc).__name__}") from None
    finally:
        loader.dispose()
    if not isinstance(value, dict):
        raise InvalidFrontMatter("front-matter must be a mapping of field names to values")
    return value


def _check_nodes(root: yaml.Node) -> None:
    """Refuse aliases, anchors' reuse, unsafe tags, non-string keys and duplicate keys."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise InvalidFrontMatter("YAML aliases (*name) are not allowed")
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise InvalidFrontMatter("front-matter has too many values")
        if node.tag not in _ALLOWED_TAGS:
            raise InvalidFrontMatter(f"YAML tag {node.tag[:60]!r} is not allowed")
        if isinstance(node, yaml.MappingNode):
            keys = [key.value for key, _value in node.value]
            if any(not isinstance(key, str) for key in keys):
                raise InvalidFrontMatter("front-matter keys must be plain names")
            if len(keys) != len(set(keys)):
                raise InvalidFrontMatter("front-matter has a duplicate key")
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def serialize_document(document: DocumentBase) -> bytes:
    """The canonical bytes of a document: quoted YAML front-matter, then the body."""
    fields = document.model_dump(mode="json", exclude={"body"}, exclude_none=True)
    ordered = {"kind": fields.pop("kind"), **fields}
    header = yaml.dump(
        ordered, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=2**30
    )
    if _CLOSE in f"\n{header}":
        # Never write something the reader would split wrongly: quote everything.
        header = yaml.dump(
            ordered,
            Dumper=yaml.CSafeDumper,
            sort_keys=False,
            allow_unicode=True,
            width=2**30,
            default_style='"',
        )
    return f"{_OPEN}{header}---\n{document.body}".encode()


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
