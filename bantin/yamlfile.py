"""Safe YAML parsing that remembers the line of every key, for problems that point at the line."""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .messages import _
from .problems import WARNING, Problem

try:  # the C parser is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_SCALAR_TAGS = {f"tag:yaml.org,2002:{name}" for name in
                ("str", "int", "float", "bool", "null", "timestamp")}
Key = tuple  # a path into the document: ("localities", 2, "name")


class _Invalid:
    """Stands for a value that could not be read; its problem is already reported."""

    def __repr__(self) -> str:
        return "<invalid>"


INVALID = _Invalid()


@dataclass
class YamlDocument:
    """A parsed YAML mapping with the 1-based line of every key and list item."""

    data: dict
    lines: dict[Key, int] = field(default_factory=dict)

    def line(self, *key) -> int | None:
        """The line of the deepest known part of `key`."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return None


FRONT_MATTER = _("front matter")
_NO_TAGS = _("YAML tags (!something) are not allowed; remove the tag")


def parse_yaml_mapping(text: str, path: str, line_offset: int = 0, what: str = FRONT_MATTER):
    """Parse `text` as a YAML mapping; return (YamlDocument or None, problems).

    `line_offset` is how many lines of the file come before `text`. Aliases are refused (they
    are the road to "billion laughs" documents); duplicate keys are warned about.
    """
    problems: list[Problem] = []
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            return None, [_syntax_problem(error, text, path, line_offset)]
        except yaml.reader.ReaderError as error:  # a control character, most often pasted
            line = text.count("\n", 0, max(error.position, 0)) + 1 + line_offset
            return None, [Problem(path, line, _("{what} holds the control character U+{code:04X}, "
                                                "which YAML does not allow", what=what,
                                                code=error.character),
                                  _("delete it; it often comes with text pasted from elsewhere"),
                                  code="control-character")]
        except yaml.YAMLError as error:
            return None, [Problem(path, None, _("{what} is not valid YAML: {error}", what=what,
                                                error=str(error)), code="invalid-yaml")]
        if node is None:
            return YamlDocument({}), []
        if not isinstance(node, yaml.MappingNode):
            kind = _("a list") if isinstance(node, yaml.SequenceNode) else _("a single value")
            return None, [Problem(path, node.start_mark.line + 1 + line_offset,
                                  _("{what} must be a mapping of keys to values, found {kind}",
                                    what=what, kind=kind),
                                  _("write one `key: value` per line"), code="not-a-mapping")]
        document = YamlDocument({})
        alias_line = _find_alias(node)
        if alias_line is not None:
            return None, [Problem(path, alias_line + 1 + line_offset,
                                  _("{what} uses a YAML alias (*name)", what=what),
                                  _("write the value out in full"), code="yaml-alias")]
        _walk(loader, node, (), document, problems, path, line_offset, what)
        return document, problems
    finally:
        loader.dispose()


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, path: str, line_offset: int) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 + line_offset if mark else None
    message = error.problem or "invalid YAML"  # PyYAML's own words, in English
    hint = _("check the indentation and quote values that contain ': ' or start with a special "
             "character")
    lines = text.split("\n")
    near = lines[max(mark.line - 1, 0):mark.line + 1] if mark else []
    if "\\t" in message or any("\t" in text_line for text_line in near):
        hint = _("YAML does not allow tabs for indentation; use spaces")
    elif error.context:
        message = f"{error.context}, {message}"
    if "could not determine a constructor" in message:
        hint = _NO_TAGS
    return Problem(path, line, _("invalid YAML: {reason}", reason=message), hint,
                   code="invalid-yaml")


def _short_tag(tag: str) -> str:
    """A tag as it was written: tag:yaml.org,2002:python/name:os.system → !!python/name:os.system."""
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _find_alias(root) -> int | None:
    """Line of the first reference, in document order, to a node already seen: only aliases
    make the graph share nodes. The line is that of the key or list holding the alias."""
    seen: set[int] = set()
    stack = [(root, root.start_mark.line)]
    while stack:
        node, line = stack.pop()
        if id(node) in seen:
            return line
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in reversed(node.value):
                stack += [(value_node, key_node.start_mark.line), (key_node, key_node.start_mark.line)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, node.start_mark.line) for item in reversed(node.value)]
    return None


def _walk(loader, node, key: Key, document: YamlDocument, problems, path, line_offset, what):
    """Construct the value of `node` into document.data at `key`, recording lines as it goes."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
        problems.append(_tag_problem(node, path, line_offset, what))
        value = INVALID
    elif isinstance(node, yaml.MappingNode):
        value = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1 + line_offset
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(path, line, _("{what} has a key that is not a plain name",
                                                      what=what),
                                        _("write each key as a name followed by a colon, such as "
                                          "`title:`"), code="invalid-key"))
                continue
            name = key_node.value
            if name in value:
                problems.append(Problem(path, line, _("duplicate key '{key}' in {what}", key=name,
                                                      what=what),
                                        _("YAML keeps only the last one; remove the other"),
                                        severity=WARNING, code="duplicate-key"))
            document.lines[key + (name,)] = line
            value[name] = _walk(loader, value_node, key + (name,), document, problems, path,
                                line_offset, what)
    elif isinstance(node, yaml.SequenceNode):
        value = []
        for index, item_node in enumerate(node.value):
            document.lines[key + (index,)] = item_node.start_mark.line + 1 + line_offset
            value.append(_walk(loader, item_node, key + (index,), document, problems, path,
                               line_offset, what))
    elif node.tag not in _SCALAR_TAGS:
        problems.append(_tag_problem(node, path, line_offset, what))
        value = INVALID
    else:
        try:
            value = loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            line = node.start_mark.line + 1 + line_offset
            field = ".".join(str(k) for k in key)
            reason = getattr(error, "problem", None) or str(error)
            reason = DATE_REASONS.get(reason, reason)
            hint = _("check that the day exists in that month, the time is between 00:00 and "
                     "23:59 and any offset between -12:00 and +14:00") \
                if node.tag.endswith(":timestamp") else _("put the value in quotes to keep it as text")
            problems.append(Problem(path, line, _("'{field}': cannot read {value}: {reason}",
                                                  field=field, value=repr(node.value),
                                                  reason=reason), hint, code="unreadable-value"))
            value = INVALID
    if not key:
        document.data = value
    return value


# Python's words for an impossible date or time, so that they are shown in the reader's language.
DATE_REASONS = {
    "day is out of range for month": _("day is out of range for month"),
    "month must be in 1..12": _("month must be in 1..12"),
    "hour must be in 0..23": _("hour must be in 0..23"),
    "minute must be in 0..59": _("minute must be in 0..59"),
    "second must be in 0..59": _("second must be in 0..59"),
    "year 0 is out of range": _("year 0 is out of range"),
}


def _tag_problem(node, path: str, line_offset: int, what: str) -> Problem:
    return Problem(path, node.start_mark.line + 1 + line_offset,
                   _("{what} uses the YAML tag {tag}", what=what, tag=repr(_short_tag(node.tag))),
                   _NO_TAGS, code="yaml-tag")
