"""One YAML file read with PyYAML's safe loader, keeping the line of every value so that a problem
can name it (`file:line: field`).

Before anything is built, the file's parse events are checked: an alias (`*name`) is refused, because a
few hundred bytes of nested aliases stand for billions of values (a "billion laughs") to walk and
check; so are nesting deeper than any knowledge file needs and more values than a file of the largest
size the loader accepts holds. Dates stay text, so that a bad date is reported rather than raised.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 20          # a knowledge file nests 4 deep (entries > entry > questions > question)
MAX_NODES = 200_000     # a file of 1,000 entries with six phrasings each holds 23,000

# libyaml's parser when PyYAML was built with it: a large knowledge base loads several times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):
    """PyYAML's safe loader, except that dates stay text, so a bad date is reported, not raised."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)

_OPENING = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSING = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class RefusedYAML(Exception):
    """Valid YAML that a knowledge file may not contain; `line` is where."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


class Document:
    """A parsed YAML file: its data plus the line of every node, addressed by path.

    Raises yaml.YAMLError for invalid YAML and RefusedYAML for an alias, deep nesting or too many values.
    """

    def __init__(self, text: str, display: str):
        self.display = display
        _check_events(text)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            self.data: Any = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
        self.lines: dict[tuple, int] = {}
        self.duplicate_keys: list[tuple[tuple, str, int]] = []
        if root is not None:
            self._index(root, ())

    def _index(self, node: yaml.Node, path: tuple) -> None:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                if key in seen:
                    self.duplicate_keys.append((path, key, key_node.start_mark.line + 1))
                seen.add(key)
                self.lines[path + (key,)] = key_node.start_mark.line + 1
                self._index(value_node, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._index(item, path + (index,))

    def line(self, path: tuple) -> int | None:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)


def _check_events(text: str) -> None:
    """Refuses aliases, nesting deeper than MAX_DEPTH and more than MAX_NODES values, from the parser's
    events alone: nothing is composed, so nothing can expand."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_Loader):
        kind = type(event)
        if kind is yaml.ScalarEvent or kind in _OPENING:
            nodes += 1
            if nodes > MAX_NODES:
                raise RefusedYAML(f"more than {MAX_NODES:,} values in one file; split it into several files", _line(event))
            if kind in _OPENING:
                depth += 1
                if depth > MAX_DEPTH:
                    raise RefusedYAML(f"nested more than {MAX_DEPTH} levels deep", _line(event))
        elif kind in _CLOSING:
            depth -= 1
        elif kind is yaml.AliasEvent:
            raise RefusedYAML(f"aliases are not allowed (*{event.anchor}): write the value out in full", _line(event))


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1


def field_name(path: tuple) -> str:
    """A path as a maintainer reads it: ("entries", 3, "sources", 0) -> "entries[3].sources[0]"."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
