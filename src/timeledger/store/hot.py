"""Hot statements: a Core statement compiled once per database, run straight on the DBAPI connection.

SQLAlchemy's ``Connection.execute`` spends more time per statement in its own machinery (cache
lookup, execution context, result set-up) than SQLite spends running it (``python
bench/statements.py`` times one statement both ways), which is most of a request for the few
statements every request runs: authentication, a record by key, an insert.
A ``Hot`` statement keeps the schema and the SQL where they are, in Core, and does that work once:
the SQL text, the order of its parameters, their defaults, and each column's bind and result
conversion are taken from SQLAlchemy's own compilation, so a row reads back exactly as through
``Connection.execute``. Run on the DBAPI connection of the open transaction, a statement is one
prepared statement per connection: sqlite3 caches it by its text, psycopg prepares it after a few
runs.

An ``IN`` list changes the SQL with its length, so a ``HotIn`` keeps one hot statement per length,
built from a function of the list's parameters, and splits a long list into several statements.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Executable

_MISSING = object()
_EVERY: list[Hot] = []  # the hot statements ``prepare`` compiles at start-up


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    positional: bool
    names: tuple[str, ...]
    defaults: tuple[Any, ...]
    binds: tuple[Callable[[Any], Any] | None, ...]
    keys: tuple[str, ...]
    # (key, conversion) for the columns whose values SQLAlchemy converts; the rest pass as they are
    conversions: tuple[tuple[str, Callable[[Any], Any]], ...]


class Hot:
    """One statement, compiled for each dialect by ``prepare`` at start-up (or on first use).
    ``rows``/``first`` return dicts keyed by the statement's column labels; ``run`` returns the
    DBAPI cursor (for ``rowcount``)."""

    __slots__ = ("_dialect", "_plans", "_statement")

    def __init__(
        self, statement: Executable, *, dialect: str | None = None, prepared_at_start: bool = True
    ) -> None:
        """``dialect``: the one database a statement built with its own constructs runs on."""
        self._statement = statement
        self._dialect = dialect
        self._plans: dict[str, _Plan] = {}
        if prepared_at_start:
            _EVERY.append(self)

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = _compile(self._statement, dialect)
        return plan

    def run(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Any:
        return _execute(self._plan(conn.dialect), conn, params)

    def rows(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        plan = self._plan(conn.dialect)
        return [_row(plan, raw) for raw in _execute(plan, conn, params).fetchall()]

    def first(self, conn: Connection, params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        plan = self._plan(conn.dialect)
        raw = _execute(plan, conn, params).fetchone()
        return None if raw is None else _row(plan, raw)


def _execute(plan: _Plan, conn: Connection, params: Mapping[str, Any] | None) -> Any:
    """The plan's SQL on the DBAPI connection of ``conn``'s transaction; the driver's cursor."""
    values = []
    for name, default, bind in zip(plan.names, plan.defaults, plan.binds, strict=True):
        value = params.get(name, default) if params else default
        if value is _MISSING:
            raise KeyError(f"no value for the parameter {name!r}")
        values.append(bind(value) if bind is not None and value is not None else value)
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    return dbapi.execute(plan.sql, values if plan.positional else dict(zip(plan.names, values, strict=True)))


def prepare(dialect: Dialect) -> None:
    """Compile every hot statement for ``dialect`` now (at start-up) rather than on first use."""
    for hot in _EVERY:
        if hot._dialect in (None, dialect.name):
            hot._plan(dialect)


class HotIn:
    """A statement over a list of values (``column.in_(params)``), hot for each list length up to
    ``chunk``; a longer list is read in chunks, so the statement must not order or limit."""

    __slots__ = ("_build", "_by_length", "_chunk")

    def __init__(self, build: Callable[[list[BindParameter[Any]]], Executable], chunk: int = 50) -> None:
        self._build = build
        self._chunk = chunk
        self._by_length: dict[int, Hot] = {}

    def rows(
        self, conn: Connection, values: Sequence[Any], params: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for start in range(0, len(values), self._chunk):
            part = values[start : start + self._chunk]
            hot = self._by_length.get(len(part))
            if hot is None:
                names = [bindparam(f"in_{i}") for i in range(len(part))]
                hot = Hot(self._build(names), prepared_at_start=False)  # one per length, on demand
                self._by_length[len(part)] = hot
            found += hot.rows(conn, {**(params or {}), **{f"in_{i}": v for i, v in enumerate(part)}})
        return found


def _row(plan: _Plan, raw: Any) -> dict[str, Any]:
    row = dict(zip(plan.keys, raw, strict=True))
    for key, convert in plan.conversions:
        value = row[key]
        if value is not None:
            row[key] = convert(value)
    return row


def _compile(statement: Executable, dialect: Dialect) -> _Plan:
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    if any(bind.expanding for bind in compiled.binds.values()):
        raise ValueError("a statement with an expanding IN parameter cannot be hot")
    names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.bind_names.values())
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    # A parameter the caller names (``bindparam("key")``) is required; a literal of the statement
    # itself (``kind == "time"``) carries its value.
    defaults = tuple(_MISSING if by_name[n].required else by_name[n].effective_value for n in names)
    processors = compiled._bind_processors
    columns = compiled._result_columns
    return _Plan(
        sql=compiled.string,
        positional=bool(compiled.positional),
        names=names,
        defaults=defaults,
        binds=tuple(processors.get(n) for n in names),
        keys=tuple(c.keyname for c in columns),
        conversions=tuple(
            (c.keyname, convert)
            for c in columns
            if (convert := c.type._cached_result_processor(dialect, None)) is not None
        ),
    )
