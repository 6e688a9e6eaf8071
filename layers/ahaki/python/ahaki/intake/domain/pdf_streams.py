"""Where a PDF's streams begin and by which filters a viewer decodes them: every dictionary after
``obj`` is read token by token (strings with nested parentheses and escapes, comments, nested
dictionaries and arrays) to its end, and when ``stream`` follows it, where viewers may take its
data to begin and the dictionary's ``/Filter`` (or ``/F``, as lenient viewers also read it) chains
are given. Every value of those keys is given, so a key written twice or a nested ``/Filter`` cannot
choose for us which one a viewer takes. A filter written as anything but a name or an array of
names (an indirect reference) cannot be followed here: the stream is marked ``unreadable``; so is
an object stream (``/First``, without which no viewer parses one) whose decode parameters name a
predictor: predictors are not undone here, and a PNG row's filter byte can split a name.

A fake ``obj`` inside a string or a stream's data only adds a dictionary read for nothing; every
token and every parenthesis is a step of the budget, so a file cannot make the reading long."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ahaki.intake.domain.pdf_filters import CANONICAL, Budget

_WS = rb"\x00\t\n\x0c\r "
_SKIP = rb"(?:[" + _WS + rb"]|%[^\r\n]*+)*+"  # white space and comments
_REGULAR = rb"[^" + _WS + rb"()<>\[\]{}/%]"
_DELIMITER = rb"[" + _WS + rb"()<>\[\]{}/%]"
# After ``obj`` (the object's numbers are not checked: a fake one only costs a dictionary read).
_OBJ_DICTIONARY = re.compile(rb"obj" + _SKIP + rb"(?=<<)")
_ANY_TOKEN = re.compile(_SKIP + rb"(<<|>>|[<>\[\](){}]|/" + _REGULAR + rb"*+|" + _REGULAR + rb"++)")
# Tokens that neither nest nor name a filter, skipped in one match: white space, comments, hex
# strings without a ``<`` inside, numbers, keywords, braces (PostScript's, not PDF's: they nest
# nothing in a dictionary), a lone ``>`` (a value to pdf.js) and names other than these keys (a
# name with an escape may be one).
_BORING = (
    rb"(?:[" + _WS + rb"{}]|>(?!>)|<(?!<)[^<>]*+>|%[^\r\n]*+|" + _REGULAR + rb"++"
    rb"|/(?!(?:Filter|F|EarlyChange|First|Predictor)" + _DELIMITER + rb")[^" + _WS + rb"()<>\[\]{}/%#]*+(?!#))*+"
)
_TOKEN = re.compile(_BORING + rb"(<<|>>|[<\[\]()]|/" + _REGULAR + rb"*+)")
_STREAM_KEYWORD = re.compile(_SKIP + rb"stream")
# Where the data begin after ``stream``: at its end of line (ISO 32000-2 7.3.8.1), after spaces
# and an end of line (MuPDF), or after the first end of line whatever comes before it (pdf.js).
_DATA_STARTS = (re.compile(rb"(?:\r\n|\n|\r)?"), re.compile(rb" *+(?:\r\n|\n|\r)?"))
_NEXT_LINE = re.compile(rb"[^\r\n]*+(?:\r\n|\n|\r)")
_STRING_EVENT = re.compile(rb"\\[\s\S]|[()]")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_FILTER_KEYS = frozenset({b"Filter", b"F"})


@dataclass
class Stream:
    starts: list[int] = field(default_factory=list)  # where viewers may take the stream's data to begin
    chains: list[tuple[bytes, ...]] = field(default_factory=list)  # canonical filter names, in order
    unreadable: bool = False  # a filter written as something else than names, or a predicted object stream
    early_change_zero: bool = False  # ``/EarlyChange 0`` is written: LZW may widen its codes late
    objects: bool = False  # ``/First`` is written: a viewer may parse it as an object stream
    predicted: bool = False  # a ``/Predictor`` other than 1 is written


def streams(data: bytes, budget: Budget) -> Iterator[Stream]:
    """The streams of ``data`` whose dictionary could be read, in the order of the file; stops
    when the budget's steps are spent (the caller sees it)."""
    for found in _OBJ_DICTIONARY.finditer(data):
        stream = _dictionary(data, found.end(), budget)
        if budget.spent():
            return
        if stream is not None:
            yield stream


def _dictionary(data: bytes, at: int, budget: Budget) -> Stream | None:
    """The dictionary at ``at`` read to its end, and the stream after it, if any."""
    stream, nesting = Stream(), []  # the dictionaries and arrays open, as pdf.js's parser nests them
    while budget.steps >= 0:
        budget.steps -= 1
        token = _TOKEN.match(data, at)
        if token is None:
            return None
        word, at = token[1], token.end()
        if word in (b"<<", b"["):
            nesting.append(word)
        elif word in (b">>", b"]"):
            if nesting and nesting[-1] == (b"<<" if word == b">>" else b"["):
                nesting.pop()  # else a stray one: pdf.js takes it as a value, an array's element
            if not nesting:
                break
        elif word == b"(":
            at = _string_end(data, at, budget)
            if at < 0:
                return None
        elif word == b"<":  # a hex string with a ``<`` inside: to the next ``>`` (pdf.js skips it)
            budget.steps -= 2  # a search and a slice: about three steps' time
            end = data.find(b">", at)
            budget.left -= (end if end >= 0 else len(data)) - at  # read to find it
            if end < 0:
                return None
            at = end + 1
        elif word[:1] == b"/":
            name = _name(word)
            top = nesting == [b"<<"]  # a key of the stream's own dictionary
            if top and name in _FILTER_KEYS:
                at = _chain(data, at, stream, budget)
            stream.early_change_zero |= name == b"EarlyChange" and _next_word(data, at) == b"0"
            stream.objects |= top and name == b"First"
            stream.predicted |= name == b"Predictor" and _next_word(data, at) != b"1"
    keyword = _STREAM_KEYWORD.match(data, at)
    if nesting or keyword is None:
        return None
    stream.starts = _data_starts(data, keyword.end(), budget)
    stream.unreadable |= stream.objects and stream.predicted
    return stream


def _data_starts(data: bytes, at: int, budget: Budget) -> list[int]:
    starts = [pattern.match(data, at).end() for pattern in _DATA_STARTS]  # type: ignore[union-attr]  # they match ""
    line = _NEXT_LINE.match(data, at)
    if line is not None and line.end() not in starts:
        budget.left -= line.end() - at  # read to find it: bytes before the end of line count
        starts.append(line.end())
    return sorted(set(starts))


def _chain(data: bytes, at: int, stream: Stream, budget: Budget) -> int:
    """Reads the filter value at ``at``: a name or an array of names is a chain (where it ends is
    given); anything else marks the stream unreadable and is left to be read as any value
    (``at`` is given back)."""
    token = _ANY_TOKEN.match(data, at)
    if token is not None and token[1][:1] == b"/":
        stream.chains.append((_canonical(token[1]),))
        return token.end()
    if token is not None and token[1] == b"[":
        names: list[bytes] = []
        element = _ANY_TOKEN.match(data, token.end())
        while element is not None and element[1][:1] == b"/" and budget.steps >= 0:
            budget.steps -= 1
            names.append(_canonical(element[1]))
            element = _ANY_TOKEN.match(data, element.end())
        if element is not None and element[1] == b"]":
            stream.chains.append(tuple(names))
            return element.end()
    stream.unreadable = True  # an indirect reference, a dictionary, a string: not followed here
    return at


def _string_end(data: bytes, at: int, budget: Budget) -> int:
    """Where a literal string opened before ``at`` ends: balanced parentheses, backslash escapes;
    -1 if it does not."""
    depth = 1
    while budget.steps >= 0:
        budget.steps -= 1
        event = _STRING_EVENT.search(data, at)
        if event is None:
            return -1
        at = event.end()
        if event[0] == b"(":
            depth += 1
        elif event[0] == b")":
            depth -= 1
            if depth == 0:
                return at
    return -1


def _next_word(data: bytes, at: int) -> bytes:
    token = _ANY_TOKEN.match(data, at)
    return token[1] if token else b""


def _name(word: bytes) -> bytes:
    """A name token as a viewer reads it: without its slash, ``#xx`` escapes decoded."""
    name = word[1:]
    return _ESCAPE.sub(lambda escape: bytes([int(escape[1], 16)]), name) if b"#" in name else name


def _canonical(word: bytes) -> bytes:
    name = _name(word)
    return CANONICAL.get(name, name)
