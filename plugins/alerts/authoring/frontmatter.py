"""Split a Markdown file into YAML front-matter and body, keeping each key's line.

The YAML is read with the safe C loader's composer only, and every scalar stays a
string: YAML 1.1's implicit types (`NO` → False, `12:30` → 750, `010` → 8) never
apply, tags other than YAML's own are refused, duplicate keys and aliases are
errors. The field parsers decide what each string means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

try:  # libyaml is present in PyYAML's wheels; the pure-Python one is ~10× slower
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class _Loader(_Base):
    """Gives a node without a `!tag` the plain tag of its kind: every scalar stays a
    string anyway, so guessing int, bool or timestamp (a Python call per value) is waste."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG

_FENCE = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(---|\.\.\.)[ \t]*$")
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "value")
}
_NULLS = {"", "~", "null", "Null", "NULL"}
MAX_NODES = 5000


@dataclass
class FrontMatter:
    """Parsed front-matter: plain values, the line of each top-level key, the body."""

    values: dict = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # line number of the body's first line in the file
    present: bool = False  # the file started with a `---` fence


class FrontMatterError(Exception):
    """A problem that stops the front-matter from being read at all."""

    def __init__(self, line: int, field: str, message: str):
        super().__init__(message)
        self.line, self.field, self.message = line, field, message


def has_front_matter(text: str) -> bool:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return bool(_FENCE.match(first.rstrip("\r")))


def split(text: str) -> FrontMatter:
    """Read the front-matter of `text`; a file without one is all body."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return FrontMatter(body=text)
    for index in range(1, len(lines)):
        if _END.match(lines[index]):
            break
    else:
        raise FrontMatterError(
            1, "front-matter", "the `---` on line 1 is never closed; "
            "end the front-matter with a line holding only `---`"
        )
    yaml_text = "\n".join(lines[1:index])
    body_lines = lines[index + 1:]
    _refuse_second_block(body_lines, index + 2)
    values, key_lines = _load(yaml_text)
    return FrontMatter(values, key_lines, "\n".join(body_lines), index + 2, True)


def _refuse_second_block(body_lines: list[str], first_line: int) -> None:
    """A `key: value` block followed by `---` right after the front-matter is a
    second YAML document a writer meant to merge into the first."""
    start = 0
    while start < len(body_lines) and not body_lines[start].strip():
        start += 1
    key = re.compile(r"^[A-Za-z_][\w-]*:(\s|$)")
    end = start
    while end < len(body_lines) and key.match(body_lines[end]):
        end += 1
    if end > start and end < len(body_lines) and _FENCE.match(body_lines[end]):
        raise FrontMatterError(
            first_line + start, "front-matter",
            "a second `---` block follows the front-matter; "
            "put all fields in one block between the first two `---` lines",
        )


def _load(yaml_text: str) -> tuple[dict, dict[str, int]]:
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or str(exc)
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "end of stream" in problem:
            # An unclosed quote or bracket runs to the end: name the line it opened on.
            mark = exc.context_mark
        line = (mark.line + 2) if mark else 2
        how = ("check indentation, and quote values that contain `: ` or start with a "
               "special character")
        source = yaml_text.split("\n")
        text_line = source[line - 2] if 0 <= line - 2 < len(source) else ""
        hashed = [i for i, text in enumerate(source) if re.search(r"[\[,]\s*#", text)]
        if "\t" in text_line:
            how = "YAML does not allow tabs: indent with spaces"
        elif hashed:  # `[#BikeLanes]`: the # starts a comment and the list never closes
            line = hashed[0] + 2
            how = "a # starts a comment in YAML: write hashtags without it, or quote them"
        raise FrontMatterError(line, "front-matter", f"YAML syntax error: {problem}; {how}",
                               ) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(2, "front-matter", f"not valid YAML: {exc}") from None
    if node is None:
        return {}, {}
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(
            node.start_mark.line + 2, "front-matter",
            "the front-matter is not a set of fields; write one `key: value` line per "
            "field, e.g. `title: Save the park`",
        )
    converter = _Converter()
    values = {}
    for key_node, value_node in node.value:
        key = converter.key(key_node, values)
        converter.lines[key] = key_node.start_mark.line + 2
        values[key] = converter.value(value_node, key)
    return values, converter.lines


class _Converter:
    """Turns composed YAML nodes into str / list / dict, refusing what is unsafe."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        #: Line of every value: "targets" for a key, "targets[1]" for an item of its list,
        #: "targets[1].email" for a key inside that item.
        self.lines: dict[str, int] = {}

    def key(self, node: yaml.Node, existing: dict) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise _error(node, "front-matter", "a key must be a plain word")
        key = node.value.strip()
        if key in existing:
            raise _error(node, key, "this field is given twice; keep one of them")
        return key

    def value(self, node: yaml.Node, where: str):
        if id(node) in self.seen:
            raise _error(node, "front-matter", "YAML aliases (*name) are not supported; "
                         "write the value out again")
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            raise _error(node, "front-matter", "the front-matter is too large")
        if node.tag not in _STANDARD_TAGS:
            raise _error(node, "front-matter", f"the YAML tag {node.tag!r} is not allowed; "
                         "remove the `!` tag and write a plain value")
        if isinstance(node, yaml.ScalarNode):
            if node.style is None and node.value in _NULLS:
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[f"{where}[{index}]"] = item.start_mark.line + 2
                items.append(self.value(item, f"{where}[{index}]"))
            return items
        mapping = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, mapping)
            self.lines[f"{where}.{key}"] = key_node.start_mark.line + 2
            mapping[key] = self.value(value_node, f"{where}.{key}")
        return mapping


def _error(node: yaml.Node, field: str, message: str) -> FrontMatterError:
    return FrontMatterError(node.start_mark.line + 2, field, message)
