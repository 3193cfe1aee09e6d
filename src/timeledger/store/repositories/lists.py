"""List entries of every kind in one table, with their parent and named links resolved on read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from timeledger.ledger.errors import DuplicateNameError, StaleRevisionError
from timeledger.ledger.lists import ListDraft
from timeledger.ledger.queries import ListQuery, Page
from timeledger.ledger.records import DeletedRecord, ListEntry, Ref
from timeledger.ledger.values import ActiveStatus, ListKind
from timeledger.store import like
from timeledger.store.filters import (
    deleted_conditions,
    name_conditions,
    status_conditions,
    updated_conditions,
)
from timeledger.store.hot import Hot, HotIn
from timeledger.store.tables import companies, currencies, list_entries, list_links

_parent = list_entries.alias("parent")
_target = list_entries.alias("target")

_COLUMNS = [
    list_entries,
    _parent.c.full_name.label("parent_full_name"),
    _parent.c.created_at.label("parent_created_at"),
    currencies.c.name.label("currency_name"),
    currencies.c.created_at.label("currency_created_at"),
    # A person without a time zone of their own keeps the company's.
    func.coalesce(list_entries.c.time_zone, companies.c.time_zone).label("effective_time_zone"),
]
_SELECT = select(*_COLUMNS).select_from(
    list_entries.join(companies, companies.c.id == list_entries.c.company_id)
    .outerjoin(_parent, _parent.c.id == list_entries.c.parent_id)
    .outerjoin(currencies, currencies.c.id == list_entries.c.currency_id)
)

_DIRECT = (
    "is_active",
    "first_name",
    "middle_name",
    "last_name",
    "company_name",
    "email",
    "phone",
    "note",
    "account_type",
    "rate",
    "external_id",
    "username",
    "can_track_time",
)

# Built once: building and hashing a statement per call costs more than running it on SQLite.
_LINKS_SELECT = select(
    list_links.c.entry_id, list_links.c.role, _target.c.id, _target.c.full_name, _target.c.created_at
).join(_target, _target.c.id == list_links.c.target_id)
# One entry by key, as hot statements (store/hot.py): its kind is checked after the read.
_ONE = (list_entries.c.company_id == bindparam("company_id"), list_entries.c.id == bindparam("id"))
_ONE_ANY = Hot(_SELECT.where(*_ONE))
_ONE_LIVE = Hot(_SELECT.where(*_ONE, list_entries.c.deleted_at.is_(None)))
_LINKS_OF = HotIn(lambda keys: _LINKS_SELECT.where(list_links.c.entry_id.in_(keys)))
# Entries of one kind by key, deleted or not: how other APIs fetch the people and jobs a page names.
_OF_KIND_BY_KEYS = HotIn(
    lambda keys: _SELECT.where(
        list_entries.c.company_id == bindparam("company_id"),
        list_entries.c.kind == bindparam("kind"),
        list_entries.c.id.in_(keys),
    )
)
_WITH_CHILDREN = HotIn(
    lambda keys: (
        select(list_entries.c.parent_id)
        .where(
            list_entries.c.company_id == bindparam("company_id"),
            list_entries.c.parent_id.in_(keys),
            list_entries.c.deleted_at.is_(None),
        )
        .distinct()
    )
)


# Ledger text fields a list query may match on, and their columns.
_TEXT_FIELDS = {
    "name": "name",
    "company_name": "company_name",
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "phone": "phone",
    "note": "note",
}


def _taken(error: IntegrityError, full_name: str, username: str | None) -> DuplicateNameError:
    """Which name a unique index refused: the username (its index names the column), else the name."""
    if username and "username" in str(error.orig):
        return DuplicateNameError(
            f'The username "{username}" is already in use.', name=username, field="username"
        )
    return DuplicateNameError(f'The name "{full_name}" is already in use.', name=full_name)


def extra_in(column: Any, api: str, attribute: str, values: Sequence[str | int]) -> Any:
    """An API's attribute in a JSON ``extra`` column is one of ``values``, compared as numbers when
    they are numbers (SQLite's JSON functions keep a number's type)."""
    path = column[api][attribute]
    if values and all(isinstance(v, int) for v in values):
        return path.as_integer().in_(values)
    return path.as_string().in_([str(v) for v in values])


def extra_not_in(column: Any, api: str, attribute: str, values: Sequence[str | int]) -> Any:
    """The attribute is none of ``values``, or the entry has no such attribute at all."""
    return or_(column[api][attribute].as_string().is_(None), ~extra_in(column, api, attribute, values))


class SqlListRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _records(self, rows: Sequence[Mapping[str, Any]]) -> list[ListEntry]:
        if not rows:
            return []
        links: dict[int, dict[str, Ref]] = {}
        for link in _LINKS_OF.rows(self._conn, [r["id"] for r in rows]):
            links.setdefault(link["entry_id"], {})[link["role"]] = Ref(
                link["id"], link["full_name"], link["created_at"]
            )
        return [self._record(r, links.get(r["id"], {})) for r in rows]

    @staticmethod
    def _record(row: Mapping[str, Any], links: Mapping[str, Ref]) -> ListEntry:
        root_key = row["root_id"]
        parent = (
            # The parent shares the entry's root, unless it is that root.
            Ref(
                row["parent_id"],
                row["parent_full_name"],
                row["parent_created_at"],
                None if root_key == row["parent_id"] else root_key,
            )
            if row["parent_id"] is not None
            else None
        )
        return ListEntry(
            key=row["id"],
            company_key=row["company_id"],
            kind=ListKind(row["kind"]),
            name=row["name"],
            full_name=row["full_name"],
            parent=parent,
            sublevel=row["sublevel"],
            revision=row["revision"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            extra=row["extra"] or {},
            links=dict(links),
            deleted_at=row["deleted_at"],
            root_key=root_key,
            time_zone=row["effective_time_zone"],
            currency=Ref(row["currency_id"], row["currency_name"], row["currency_created_at"])
            if row["currency_id"] is not None
            else None,
            **{c: row[c] for c in _DIRECT},
        )

    def get(
        self, company_key: int, kinds: Iterable[ListKind], key: int, *, include_deleted: bool = False
    ) -> ListEntry | None:
        statement = _ONE_ANY if include_deleted else _ONE_LIVE
        row = statement.first(self._conn, {"company_id": company_key, "id": key})
        if row is None or ListKind(row["kind"]) not in set(kinds):
            return None
        links = {
            link["role"]: Ref(link["id"], link["full_name"], link["created_at"])
            for link in _LINKS_OF.rows(self._conn, [key])
        }
        return self._record(row, links)

    def by_full_names(self, company_key: int, kind: ListKind, full_names: Iterable[str]) -> list[ListEntry]:
        rows = (
            self._conn.execute(
                _SELECT.where(
                    list_entries.c.company_id == company_key,
                    list_entries.c.kind == kind.value,
                    list_entries.c.full_name_key.in_([n.casefold() for n in full_names]),
                    list_entries.c.deleted_at.is_(None),
                )
            )
            .mappings()
            .all()
        )
        return self._records(rows)

    def add(
        self,
        company_key: int,
        draft: ListDraft,
        name: str,
        full_name: str,
        sublevel: int,
        now: datetime,
        root_key: int | None = None,
    ) -> ListEntry:
        values: dict[str, Any] = {
            "company_id": company_key,
            "kind": draft.kind.value,
            "parent_id": draft.parent_key,
            "root_id": root_key,
            "name": name,
            "full_name": full_name,
            "full_name_key": full_name.casefold(),
            "name_key": name.casefold(),
            "sublevel": sublevel,
            "extra": dict(draft.extra),
            "revision": 1,
            "created_at": now,
            "updated_at": now,
            "currency_id": draft.currency_key,
            "username_key": draft.username.casefold() if draft.username else None,
            "time_zone": draft.time_zone,
            **{c: getattr(draft, c) for c in _DIRECT},
        }
        try:
            with self._conn.begin_nested():
                key = self._conn.execute(insert(list_entries).values(values)).inserted_primary_key[0]
        except IntegrityError as error:
            raise _taken(error, full_name, draft.username) from None
        self._write_links(key, draft.links)
        entry = self.get(company_key, (draft.kind,), key)
        assert entry is not None
        return entry

    def _write_links(self, key: int, links: Mapping[str, tuple[ListKind, int | None]]) -> None:
        if not links:
            return
        self._conn.execute(
            delete(list_links).where(list_links.c.entry_id == key, list_links.c.role.in_(list(links)))
        )
        rows = [
            {"entry_id": key, "role": role, "target_id": target}
            for role, (_, target) in links.items()
            if target
        ]
        if rows:
            self._conn.execute(insert(list_links), rows)

    def update(
        self, entry: ListEntry, expected_revision: int, changes: Mapping[str, Any], now: datetime
    ) -> ListEntry:
        values: dict[str, Any] = {c: changes[c] for c in _DIRECT if c in changes}
        if "parent_key" in changes:
            values["parent_id"] = changes["parent_key"]
        if "root_key" in changes:
            values["root_id"] = changes["root_key"]
        if "time_zone" in changes:
            values["time_zone"] = changes["time_zone"]
        if "currency_key" in changes:
            values["currency_id"] = changes["currency_key"]
        for c in ("name", "full_name", "sublevel", "extra", "deleted_at"):
            if c in changes:
                values[c] = dict(changes[c]) if c == "extra" else changes[c]
        if "full_name" in changes:
            values["full_name_key"] = changes["full_name"].casefold()
        if "name" in changes:
            values["name_key"] = changes["name"].casefold()
        if "username" in changes:
            values["username_key"] = changes["username"].casefold() if changes["username"] else None
        values.update(revision=list_entries.c.revision + 1, updated_at=now)
        try:
            with self._conn.begin_nested():
                result = self._conn.execute(
                    update(list_entries)
                    .where(
                        list_entries.c.id == entry.key,
                        list_entries.c.company_id == entry.company_key,
                        list_entries.c.revision == expected_revision,
                    )
                    .values(values)
                )
        except IntegrityError as error:
            raise _taken(error, changes.get("full_name", entry.full_name), changes.get("username")) from None
        if result.rowcount != 1:
            raise StaleRevisionError(
                f'The provided revision number "{expected_revision}" is out-of-date.',
                given=str(expected_revision),
            )
        self._write_links(entry.key, changes.get("links", {}))
        updated = self.get(entry.company_key, (entry.kind,), entry.key, include_deleted=True)
        assert updated is not None
        return updated

    def rename_descendants(
        self,
        company_key: int,
        kind: ListKind,
        old_full_name: str,
        new_full_name: str,
        depth_change: int,
        now: datetime,
        root_key: int | None = None,
    ) -> None:
        """Swap the full-name prefix of every entry below a renamed or moved one, and give them its
        root (``root_key``); each gets a new revision.

        Done row by row in Python so the casefolded key is computed exactly as on insert
        (SQLite's ``lower()`` only folds ASCII).
        """
        prefix = old_full_name + ":"
        c = list_entries.c
        rows = self._conn.execute(
            select(c.id, c.full_name).where(
                c.company_id == company_key,
                c.kind == kind.value,
                c.full_name_key.like(like.starts_with(prefix.casefold()), escape=like.ESCAPE),
            )
        ).all()
        for key, full_name in rows:
            renamed = new_full_name + ":" + full_name[len(prefix) :]
            self._conn.execute(
                update(list_entries)
                .where(c.id == key)
                .values(
                    full_name=renamed,
                    full_name_key=renamed.casefold(),
                    sublevel=c.sublevel + depth_change,
                    root_id=root_key,
                    revision=c.revision + 1,
                    updated_at=now,
                )
            )

    def descendants(self, company_key: int, kind: ListKind, full_name: str) -> list[int]:
        """The keys of every entry below the one called ``full_name``, deleted ones included."""
        c = list_entries.c
        prefix = like.starts_with((full_name + ":").casefold())
        return list(
            self._conn.execute(
                select(c.id).where(
                    c.company_id == company_key,
                    c.kind == kind.value,
                    c.full_name_key.like(prefix, escape=like.ESCAPE),
                )
            ).scalars()
        )

    def set_active(self, company_key: int, keys: Iterable[int], is_active: bool, now: datetime) -> None:
        """Make these entries active or inactive (each that changes gets a new revision)."""
        c = list_entries.c
        self._conn.execute(
            update(list_entries)
            .where(c.company_id == company_key, c.id.in_(list(keys)), c.is_active.is_not(is_active))
            .values(is_active=is_active, revision=c.revision + 1, updated_at=now)
        )

    def with_children(self, company_key: int, keys: Iterable[int]) -> set[int]:
        """Which of these entries have a live entry directly below them."""
        rows = _WITH_CHILDREN.rows(self._conn, list(keys), {"company_id": company_key})
        return {row["parent_id"] for row in rows}

    def latest_update(self, company_key: int, kinds: Iterable[ListKind]) -> datetime | None:
        c = list_entries.c
        return self._conn.execute(
            select(func.max(c.updated_at)).where(
                c.company_id == company_key, c.kind.in_([k.value for k in kinds])
            )
        ).scalar()

    def deleted(
        self,
        company_key: int,
        kinds: Iterable[ListKind],
        after: datetime | None,
        before: datetime | None,
    ) -> list[DeletedRecord]:
        c = list_entries.c
        wanted = [k.value for k in kinds]
        if not wanted:
            return []
        rows = self._conn.execute(
            select(c.kind, c.id, c.created_at, c.deleted_at, c.full_name)
            .where(
                c.company_id == company_key,
                c.kind.in_(wanted),
                *deleted_conditions(after, before, c.deleted_at),
            )
            .order_by(c.deleted_at, c.id)
        ).all()
        return [
            DeletedRecord(ListKind(kind), key, created_at, deleted_at, full_name=full_name)
            for kind, key, created_at, deleted_at, full_name in rows
        ]

    def query(self, company_key: int, query: ListQuery) -> Page[ListEntry]:
        c = list_entries.c
        if query.key_filter and query == ListQuery(
            query.kind, key_filter=query.key_filter, status=ActiveStatus.ALL, deleted=None
        ):  # only "these keys": hot statements (store/hot.py), in the order a query would give
            params = {"company_id": company_key, "kind": query.kind.value}
            rows = _OF_KIND_BY_KEYS.rows(self._conn, list(dict.fromkeys(query.key_filter)), params)
            rows.sort(key=lambda row: row["id"])
            return Page(items=self._records(rows), remaining=0)
        conditions = [c.company_id == company_key, c.kind == query.kind.value]
        names = query.names
        conditions += name_conditions(names, c.name_key, c.full_name_key)
        conditions += status_conditions(query.status, c.is_active)
        conditions += updated_conditions(query.updated_after, query.updated_before, c.updated_at)
        if query.account_type is not None:
            conditions.append(c.account_type == query.account_type)
        if query.has_parent is not None:
            conditions.append(c.parent_id.is_not(None) if query.has_parent else c.parent_id.is_(None))
        if query.deleted is not None:
            conditions.append(c.deleted_at.is_not(None) if query.deleted else c.deleted_at.is_(None))
        for fields, text in query.field_contains:
            pattern = like.contains(text.casefold())
            conditions.append(
                or_(*(func.lower(c[_TEXT_FIELDS[f]]).like(pattern, escape=like.ESCAPE) for f in fields))
            )
        for field, text in query.field_equals:
            conditions.append(func.lower(c[_TEXT_FIELDS[field]]) == text.casefold())
        for api, attribute, values in query.extra_in:
            conditions.append(extra_in(c.extra, api, attribute, values))
        for api, attribute, values in query.extra_not_in:
            conditions.append(
                or_(c.extra[api][attribute].as_string().is_(None), ~extra_in(c.extra, api, attribute, values))
            )
        for field, prefix in query.field_starts:
            pattern = like.wildcard_prefix(prefix.casefold())
            conditions.append(func.lower(c[_TEXT_FIELDS[field]]).like(pattern, escape=like.ESCAPE))
        if query.usernames:
            conditions.append(c.username_key.in_([u.casefold() for u in query.usernames]))
        if query.exclude_keys:
            conditions.append(c.id.not_in(query.exclude_keys))
        if query.key_filter:
            conditions.append(c.id.in_(query.key_filter))
        if query.parent_keys:
            conditions.append(c.parent_id.in_(query.parent_keys))
        if query.currency_keys:
            conditions.append(c.currency_id.in_(query.currency_keys))
        for role, targets in query.link_keys:
            conditions.append(
                select(list_links.c.entry_id)
                .where(
                    list_links.c.entry_id == c.id,
                    list_links.c.role == role,
                    list_links.c.target_id.in_(targets),
                )
                .exists()
            )
        by_name = names.is_range
        order = [c.full_name_key, c.id] if by_name else [c.id]
        position = []
        if query.after is not None:
            sort_value, key = query.after
            position.append(
                or_(c.full_name_key > sort_value, and_(c.full_name_key == sort_value, c.id > key))
                if by_name
                else c.id > key
            )
        statement = _SELECT.where(*conditions, *position).order_by(*order)
        if query.limit is not None:
            statement = statement.limit(query.limit)
        if query.offset is not None:
            # Numbered pages (FreshBooks): the API names pages by number, so an offset it is.
            items = self._records(self._conn.execute(statement.offset(query.offset)).mappings().all())
            total = self._conn.execute(
                select(func.count()).select_from(list_entries).where(*conditions)
            ).scalar_one()
            return Page(items=items, remaining=max(0, total - query.offset - len(items)))
        items = self._records(self._conn.execute(statement).mappings().all())
        last = None
        remaining = 0
        if items and query.limit is not None and len(items) == query.limit:
            tail = items[-1]
            last = (tail.full_name.casefold() if by_name else "", tail.key)
            after = (
                or_(c.full_name_key > last[0], and_(c.full_name_key == last[0], c.id > last[1]))
                if by_name
                else c.id > last[1]
            )
            remaining = self._conn.execute(
                select(func.count()).select_from(list_entries).where(*conditions, after)
            ).scalar_one()
        return Page(items=items, remaining=remaining, last=last if remaining else None)
