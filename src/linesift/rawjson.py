"""JSON read and written back so that what linesift does not change comes out as it came in.

A record's fields pass through linesift untouched, so they must be written back exactly.
Python's json module does not give numbers back as written (``1E+2`` comes back ``100.0``,
``1e400`` as ``Infinity``, which is not JSON; an integer of more than 4,300 digits is
refused), so here a number is read as ``Raw``, its text, and written back as that text.

Only JSON is read: Python's json module takes ``NaN`` and ``Infinity``, which are not JSON,
and here they are refused. Nesting deeper than ``MAX_DEPTH`` is refused too (``TooDeep``):
the limit is well inside Python's recursion limit, so whether a value is read does not
depend on how deep the call stack of the process reading it is, and writing it back (which
recurses as deep as the value nests) cannot fail.
"""

import json
from json.encoder import encode_basestring  # the string encoder of json.dumps(..., ensure_ascii=False)

MAX_DEPTH = 500   # arrays and objects inside one another; real records nest a few levels


class TooDeep(ValueError):
    """JSON nested deeper than ``MAX_DEPTH``."""

    def __init__(self):
        super().__init__(f"more than {MAX_DEPTH} arrays or objects inside one another")


class Raw:
    """JSON text written back as it is: a number as it was read, or a value made once with
    ``json.dumps``."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __eq__(self, other):
        return isinstance(other, Raw) and other.text == self.text

    def __hash__(self):
        return hash(self.text)

    def __repr__(self):
        return f"Raw({self.text!r})"


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_float=Raw, parse_int=Raw, parse_constant=_refuse_constant)


def loads(text: str):
    """The JSON value of ``text``, numbers as ``Raw``; ValueError when it is not JSON,
    ``TooDeep`` when it nests deeper than ``MAX_DEPTH``."""
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise TooDeep() from None
    # No more opening brackets than MAX_DEPTH (counted in C, fast) cannot nest deeper.
    if text.count("[") + text.count("{") > MAX_DEPTH and _deeper_than(value, MAX_DEPTH):
        raise TooDeep()
    return value


def _deeper_than(value, depth):
    stack = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        value, level = stack.pop()
        if level > depth:
            return True
        items = value.values() if isinstance(value, dict) else value
        stack.extend((item, level + 1) for item in items if isinstance(item, (dict, list)))
    return False


def dumps(value) -> str:
    """``value`` as ``json.dumps(value, ensure_ascii=False)`` writes it, except that a
    ``Raw`` is written as its text."""
    out: list = []
    _write(value, out)
    return "".join(out)


def _write(value, out):
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is Raw:
        out.append(value.text)
    elif kind is dict:
        out.append("{")
        for at, (key, item) in enumerate(value.items()):
            out.append(f"{', ' if at else ''}{encode_basestring(key)}: ")
            _write(item, out)
        out.append("}")
    elif kind in (list, tuple):
        out.append("[")
        for at, item in enumerate(value):
            if at:
                out.append(", ")
            _write(item, out)
        out.append("]")
    else:   # None, True, False, and numbers linesift made (never NaN: that would not be JSON)
        out.append(json.dumps(value, allow_nan=False))
