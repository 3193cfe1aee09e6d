"""Hypothesis strategies for hostile requests, shared by every dialect's generated-input tests.

What is generated, from the outside in:

- path ids: real ids and near-misses of them, digits, huge numbers, Unicode digits (Arabic-Indic
  one, superscript two), ``--5``, id-shaped hex, any text, percent-encoded bytes, very long strings;
- query strings: one or two of the operation's own parameters, or random names, with values of
  the parameter's kind pushed to its edges (a limit of 2**63, a moment in year 9999 at -14:00, a
  real id of the wrong type) or plain junk; now and then raw percent-encoded junk;
- bodies: three times in four, JSON shaped like the operation's body (its required fields and a
  few others; each of its kind, at its edges, seven times in eight, else any JSON value; nested
  objects and lists where it has them); else any JSON value, number literals Python cannot hold
  (``1E+999999999``), ``NaN``, non-JSON bytes, and a few classic breakers (deep nesting, a BOM,
  one byte over 1 MB).

Values are mostly of the right kind on purpose: a request with junk everywhere is refused at its
first field, and never reaches the code behind it. A request is a plain ``GeneratedRequest``, so
hypothesis' "Falsifying example" shows what was sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias
from urllib.parse import quote, urlencode

import httpx
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st


def weighted(strategy: st.SearchStrategy[Any], weight: int) -> list[st.SearchStrategy[Any]]:
    """``weight`` distinct handles on one strategy, to give it that weight in ``st.one_of`` (which
    draws each branch equally often, and drops branches that are the same strategy)."""
    return [strategy.map(lambda value, _copy=n: value) for n in range(weight)]


def mostly(value: Any, otherwise: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``value`` fifteen times in sixteen, else ``otherwise``; shrinks towards ``value``."""
    return st.one_of(*weighted(st.just(value), 15), otherwise)


def usually(
    likely: st.SearchStrategy[Any], otherwise: st.SearchStrategy[Any], odds: int = 3
) -> st.SearchStrategy[Any]:
    """``likely`` ``odds`` times for each time ``otherwise``."""
    return st.one_of(*weighted(likely, odds), otherwise)


# Digits that ``str.isdigit()`` and ``\d`` accept, and ``int()`` sometimes does (escaped here, as
# they look like Latin letters and digits): Arabic-Indic and fullwidth 0-9; superscripts; a one
# from Extended Arabic-Indic, NKo, Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu,
# Kannada, Malayalam, Thai, Lao, Tibetan, Myanmar, Khmer, Mongolian, and mathematical bold.
ARABIC_INDIC_DIGITS = "".join(chr(0x660 + n) for n in range(10))
FULLWIDTH_DIGITS = "".join(chr(0xFF10 + n) for n in range(10))
SUPERSCRIPTS = "\u00b2\u00b3\u00b9"
_ZEROS = (0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xE50, 0xED0)
_MORE_ZEROS = (0xF20, 0x1040, 0x17E0, 0x1810, 0x1D7CE)
UNICODE_DIGITS = (
    ARABIC_INDIC_DIGITS + FULLWIDTH_DIGITS + SUPERSCRIPTS + "".join(chr(z + 1) for z in _ZEROS + _MORE_ZEROS)
)

# Number literals that are valid JSON but not a Python float, or not a 64-bit integer.
HUGE_NUMBER_LITERALS = (
    "1E+999999999",
    "-1E+999999999",
    "1e-999999999",
    "1e309",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "0.000000000000000000000000000001",
    "-0",
    "-0.0",
)

# Strings that have broken parsers before.
SPECIAL_TEXTS = (
    "",
    " ",
    "NaN",
    "Infinity",
    "1E+999999999",
    "--5",
    "+5",
    " 5",
    "5.0",
    "0x10",
    "1_000",
    "9" * 19,
    ARABIC_INDIC_DIGITS[1:4],
    SUPERSCRIPTS[0],
    "true",
    "null",
    "[]",
    "{}",
    "%00",
    "\x00",
    "a\x00b",
    "a\nb",
    "\u202e",
    "\ufeff",
    "' OR 1=1 --",
    "../../etc/passwd",
    "end_usr_",
    "80000001-1234567890",
    "FFFFFFFFFFFFFFF-999999999999",
    "80000001-" + ARABIC_INDIC_DIGITS,
)

EDGE_INTEGERS = (0, -1, 1, 2**31 - 1, 2**31, 2**32, 2**53 + 1, 2**62, 2**63 - 1, 2**63, 2**64, -(2**63) - 1)

# Moments at the edges of what Python, SQLite and PostgreSQL hold, once moved to UTC.
EDGE_MOMENTS = (
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59.999999-00:01",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00+00:01",
    "0001-01-01",
    "9999-12-31",
    "0000-01-01",
    "10000-01-01",
    "-2026-01-01",
    "2026-02-29",
    "2026-02-30",
    "2026-13-01",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:00:60Z",
    "2026-01-01T00:00:00+24:00",
    "2026-01-01T00:00:00+99:99",
    "2026-01-01T00:00:00.9999999999Z",
    "2026-01-01 00:00:00",
    "2026-01-01T00:00:00",
    "20260101",
    "1796160000",
    "-1",
    "99999999999999999999",
)
UTC_OFFSETS = ("Z", "+14:00", "-14:00", "+23:59", "-23:59", "+00:00", "")

EDGE_DURATIONS = (
    "PT0S",
    "PT0H0M",
    "PT1H30M",
    "PT99999999H",
    "PT99999999999999999999H",
    "PT9223372036854775807S",
    "PT596523H14M8S",
    "-PT1H",
    "P1D",
    "P1Y",
    "PT1.5H",
    "PT",
    "P",
    "1:30",
    "5400",
)

EDGE_DECIMALS = (
    "0",
    "0.00",
    "-0.00",
    "1000.00",
    "1,000.00",
    "1e3",
    "1E+999999999",
    "99999999999999.99",
    "9999999999999.99",
    "0.001",
    "NaN",
    "Infinity",
    ARABIC_INDIC_DIGITS[1] + ARABIC_INDIC_DIGITS[0] * 2,
    ".",
    "-",
)


# Digit strings longer than a 64-bit integer, a double, and Python's 4300-digit int() limit. Built
# by ``map``: a literal this long in a strategy makes every description of it as long.
long_digits = st.sampled_from([30, 400, 5000]).map(lambda n: "9" * n)

huge_integers = st.one_of(st.sampled_from(EDGE_INTEGERS), st.integers(min_value=-(2**80), max_value=2**80))

junk_texts = st.one_of(
    st.sampled_from(SPECIAL_TEXTS),
    st.text(max_size=30),
    st.text(alphabet=UNICODE_DIGITS + "0123456789-.:T+Z", min_size=1, max_size=25),
    huge_integers.map(str),
    st.integers(min_value=1, max_value=20_000).map(lambda n: "7" * n),
    long_digits,
)

moment_texts = st.one_of(
    *weighted(st.sampled_from(EDGE_MOMENTS), 2),
    st.builds(
        lambda moment, offset: moment.isoformat() + offset,
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
        st.sampled_from(UTC_OFFSETS),
    ),
    st.dates().map(lambda d: d.isoformat()),
)

number_texts = st.one_of(
    *weighted(st.sampled_from(EDGE_INTEGERS).map(str), 2),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from(["-0", "1e3", "1E+999999999", "--5", " 5", "5 ", "0x1F", "1.5", "NaN"]),
    long_digits,
    st.text(alphabet=UNICODE_DIGITS, min_size=1, max_size=5),
)


class RawJson(str):
    """JSON text inserted as it is (``1E+999999999`` is valid JSON no Python value renders as)."""


def to_json(value: Any) -> bytes:
    """Serialize, keeping ``RawJson`` literals as written."""
    if isinstance(value, RawJson):
        return value.encode()
    if isinstance(value, dict):
        items = (json.dumps(str(k)).encode() + b":" + to_json(v) for k, v in value.items())
        return b"{" + b",".join(items) + b"}"
    if isinstance(value, list):
        return b"[" + b",".join(to_json(v) for v in value) + b"]"
    return json.dumps(value).encode()


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    huge_integers,
    st.floats(allow_nan=False, allow_infinity=False),
    junk_texts,
    st.sampled_from(HUGE_NUMBER_LITERALS).map(RawJson),
    long_digits.map(RawJson),
    st.sampled_from(["NaN", "Infinity", "-Infinity"]).map(RawJson),  # not JSON, as orjson sees it
)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)


json_values = st.recursive(json_scalars, _containers, max_leaves=12)

# What kind of value a parameter or field holds: "text", "date", "moment", "bool", "integer",
# "number", "decimal", "duration", "uuid", "id" (a reference to an object), or a tuple of enum
# values; "[]" after a kind makes a list of them.
Kind: TypeAlias = str | tuple[str, ...]


@dataclass(frozen=True)
class Field:
    """A body field: its kind, or the fields of the object it holds (or of each object in its list)."""

    kind: Kind | FieldTree
    required: bool = False


FieldTree: TypeAlias = Mapping[str, Field]


def values_of(kind: Kind, refs: Sequence[Any] = (), *, as_text: bool = False) -> st.SearchStrategy[Any]:
    """Values of ``kind`` at its edges (JSON values; text only when ``as_text``, as in a query)."""
    if isinstance(kind, tuple):
        return st.sampled_from(kind) if kind else junk_texts
    if kind.endswith("[]"):
        items = values_of(kind[:-2], refs, as_text=as_text)
        return items if as_text else st.lists(items, max_size=3)
    text_refs = [str(r) for r in refs]
    texts: dict[str, st.SearchStrategy[Any]] = {
        "text": junk_texts,
        "date": st.one_of(st.dates().map(lambda d: d.isoformat()), moment_texts),
        "moment": moment_texts,
        "duration": st.one_of(
            st.sampled_from(EDGE_DURATIONS),
            long_digits.map(lambda digits: f"PT{digits}H"),
            long_digits.map(lambda digits: f"PT{digits}S"),
            junk_texts,
        ),
        "uuid": st.one_of(st.uuids().map(str), junk_texts),
        "decimal": st.one_of(st.sampled_from(EDGE_DECIMALS), number_texts),
        "integer": number_texts,
        "number": number_texts,
        "bool": st.sampled_from(["true", "false", "True", "1", "0", "yes", "", "tru"]),
        "id": st.one_of(
            near_misses(text_refs) if text_refs else junk_texts,
            st.sampled_from(text_refs) if text_refs else junk_texts,
            junk_texts,
        ),
    }
    if as_text:
        return texts[kind]
    json_kinds: dict[str, st.SearchStrategy[Any]] = {
        "bool": st.booleans(),
        "integer": st.one_of(huge_integers, st.sampled_from(HUGE_NUMBER_LITERALS).map(RawJson)),
        "number": st.one_of(
            huge_integers,
            st.floats(allow_nan=False, allow_infinity=False),
            st.sampled_from(HUGE_NUMBER_LITERALS).map(RawJson),
        ),
        "id": st.one_of(texts["id"], st.sampled_from(list(refs))) if refs else texts["id"],
    }
    return json_kinds.get(kind, texts[kind])


def shaped_objects(
    tree: FieldTree, refs: Sequence[Any] = (), depth: int = 0
) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the tree's required fields and up to three others (now and then a random
    one), each of its kind seven times in eight, else any JSON value; nested objects and lists
    where the tree has them."""

    def value(kind: Kind | FieldTree) -> st.SearchStrategy[Any]:
        if isinstance(kind, Mapping):
            if depth >= 3:
                return json_values
            nested = shaped_objects(kind, refs, depth + 1)
            return usually(st.one_of(nested, st.lists(nested, min_size=1, max_size=3)), json_values, odds=7)
        return usually(values_of(kind, refs), json_values, odds=7)

    required = st.fixed_dictionaries({n: value(f.kind) for n, f in sorted(tree.items()) if f.required})
    optional = [st.tuples(st.just(n), value(f.kind)) for n, f in sorted(tree.items()) if not f.required]
    others = st.lists(st.one_of(optional), max_size=3).map(dict) if optional else st.just({})
    extra = st.dictionaries(st.text(max_size=12), json_values, min_size=1, max_size=2)
    return st.tuples(required, others, usually(st.just({}), extra, odds=7)).map(
        lambda t: {**t[2], **t[1], **t[0]}
    )


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# Drawn by name: hypothesis would otherwise print megabytes when it describes the strategy.
RAW_BODIES = {
    "empty": b"",
    "space": b" ",
    "open brace": b"{",
    "NaN": b"NaN",
    "[NaN]": b"[NaN]",
    "huge exponent": b'{"a": 1E+999999999}',
    "BOM": b"\xef\xbb\xbf{}",
    "UTF-16": b"\xff\xfe{\x00}\x00",
    "two objects": b'{"a": 1}{"b": 2}',
    "lone surrogate": b'{"a": "\\ud800"}',
    "NUL string": b'"\\u0000"',
    "NUL byte": b"\x00",
    "100000 nested lists": _nested(100_000),
    "1000 nested lists": _nested(1_000),
    "5000 nested objects": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "over 1 MB": b'{"note": "' + b"x" * 1_000_001 + b'"}',
}

raw_bodies = st.one_of(
    st.sampled_from(sorted(RAW_BODIES)).map(RAW_BODIES.__getitem__), st.binary(max_size=200)
)


def json_bodies(
    tree: FieldTree, refs: Sequence[Any] = (), envelope: str | None = None
) -> st.SearchStrategy[bytes]:
    """A body for an operation whose JSON object has ``tree``'s fields (under ``envelope``, if any):
    shaped like it three times in four, else any JSON value or non-JSON bytes."""
    shaped: st.SearchStrategy[Any] = shaped_objects(tree, refs)
    if envelope is not None:
        shaped = usually(shaped.map(lambda o: {envelope: o}), shaped)
    return usually(shaped.map(to_json), st.one_of(json_values.map(to_json), raw_bodies))


# A real id changed a little: the parser must refuse it or find nothing, never crash.
NEAR_MISSES = (
    str.lower,
    lambda real: "0" + real,
    lambda real: real + "0",
    lambda real: real.replace("-", "--"),
    lambda real: real.replace("-", ""),
    lambda real: real + "\n",
    lambda real: " " + real,
    lambda real: "-" + real,
    lambda real: real.translate(str.maketrans("0123456789", ARABIC_INDIC_DIGITS)),
    lambda real: real.translate(str.maketrans("0123456789", FULLWIDTH_DIGITS)),
    lambda real: real + "9" * 30,
)


def near_misses(reals: Sequence[str]) -> st.SearchStrategy[str]:
    """One of ``reals``, changed by one of ``NEAR_MISSES``."""
    return st.builds(
        lambda miss, real: miss(real), st.sampled_from(NEAR_MISSES), st.sampled_from(list(reals))
    )


def path_ids(real: Sequence[str] = ()) -> st.SearchStrategy[str]:
    """One percent-encoded path segment for ``{id}``: real ids, near-misses of them, and junk."""
    texts: list[st.SearchStrategy[str]] = [
        huge_integers.map(str),
        st.sampled_from(SPECIAL_TEXTS).filter(bool),
        st.text(alphabet=UNICODE_DIGITS + "0123456789-", min_size=1, max_size=24),
        st.text(alphabet="0123456789ABCDEFabcdef-", min_size=1, max_size=40),
        st.text(min_size=1, max_size=40),
        st.integers(min_value=100, max_value=20_000).map(lambda n: "7" * n),
    ]
    if real:
        texts[:0] = [st.sampled_from(list(real)), near_misses(real)]
    encoded = st.one_of(*texts).map(lambda t: quote(t, safe=""))
    percent_junk = st.binary(min_size=1, max_size=30).map(lambda b: quote(b, safe=""))
    return st.one_of(encoded, percent_junk, st.sampled_from(["%", "%ZZ", "%C0%AF", "%2e%2e"]))


def query_strings(parameters: Mapping[str, Kind], refs: Sequence[Any] = ()) -> st.SearchStrategy[str]:
    """An encoded query string: one or two parameters (known ones, usually of their kind; or
    random names), or raw junk. Few at a time, so one refused parameter does not hide the next."""
    known = [
        st.tuples(st.just(n), usually(values_of(k, refs, as_text=True), junk_texts))
        for n, k in parameters.items()
    ]
    random = st.tuples(st.text(min_size=1, max_size=15), junk_texts)
    pair = usually(st.one_of(*known), random) if known else random
    pairs = st.lists(pair, min_size=1, max_size=2).map(urlencode)
    raw = st.sampled_from(["%", "%ZZ=1", "a=%FF%FE", "&&&", "=", "a[=1", "%00=%00"])
    return st.one_of(st.just(""), *weighted(pairs, 3), raw)


# The body's own type most of the time (a listed value is drawn as often as it is listed).
CONTENT_TYPES = (
    "application/json",
    "application/json",
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "",
)


@dataclass(frozen=True)
class GeneratedRequest:
    """One request as sent: ``path`` and ``query`` already encoded, ``body`` as bytes."""

    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __repr__(self) -> str:
        body = self.body if len(self.body) <= 300 else self.body[:300] + b"... (%d bytes)" % len(self.body)
        url = self.path + (f"?{self.query}" if self.query else "")
        url = url if len(url) <= 400 else url[:400] + f"... ({len(url)} characters)"
        shown = {k: v if len(v) <= 80 else v[:80] + "..." for k, v in self.headers.items()}
        return f"GeneratedRequest({self.method} {url!r}, headers={shown!r}, body={body!r})"

    def send(self, client: httpx.Client) -> httpx.Response:
        url = self.path + (f"?{self.query}" if self.query else "")
        return client.request(self.method, url, headers=self.headers, content=self.body)


def fill_path(template: str, values: Mapping[str, str]) -> str:
    """``/x/{id}`` with each ``{name}`` replaced by its (already encoded) value."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def bounded(max_examples: int) -> settings:
    """The generated-input tests' hypothesis settings: a fixed number of examples, the same ones on
    every run (derandomized, no example database), no deadline (a real server answers), and no explain
    phase (it reruns every failing case many times to say which lines it ran)."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
