"""Journal entries and their lines, and the one aggregate query account balances come from.

An entry's key comes from ``transactions`` (shared with time entries); each line's from
``journal_lines``' own sequence. Amounts are stored as integer cents, so sums are exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, case, delete, func, insert, or_, select, update

from timeledger.ledger.errors import NotFoundError, StaleRevisionError
from timeledger.ledger.journal import JournalEntry, JournalEntryDraft, JournalLine, JournalLineDraft, Side
from timeledger.ledger.queries import JournalEntryQuery, Page
from timeledger.ledger.records import DeletedRecord, Ref
from timeledger.ledger.values import BillingStatus, TransactionKind
from timeledger.store import like
from timeledger.store.filters import deleted_conditions, updated_conditions
from timeledger.store.tables import currencies, journal_entries, journal_lines, list_entries, transactions

e = journal_entries.c
ln = journal_lines.c

_ENTRY_SELECT = select(
    journal_entries,
    currencies.c.name.label("currency_name"),
    currencies.c.created_at.label("currency_created_at"),
).select_from(journal_entries.join(currencies, currencies.c.id == e.currency_id))

# The list entries a line names, each under its own alias: (column, attribute, alias).
_LINE_REFS = [
    (column, attr, list_entries.alias(f"line_{attr}"))
    for column, attr in (("account_id", "account"), ("entity_id", "entity"), ("class_id", "class_"))
]


def _line_select() -> Any:
    source: Any = journal_lines
    columns: list[Any] = [journal_lines]
    for column, _, alias in _LINE_REFS:
        source = source.outerjoin(alias, alias.c.id == ln[column])
        columns += [alias.c.full_name.label(f"{column}_name"), alias.c.created_at.label(f"{column}_created")]
    return select(*columns).select_from(source)


_LINE_SELECT = _line_select()


def to_cents(amount: Decimal | None) -> int:
    cents = (amount or Decimal(0)).scaleb(2)
    assert cents == cents.to_integral_value(), f"{amount} is finer than a cent"
    return int(cents)


def from_cents(cents: int | Decimal) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


# Numbers of up to 18 digits fit the BIGINT column; longer all-digit reference numbers (QuickBooks
# allows 20 characters) are compared as text, and a longer range bound is past every stored number.
MAX_NUMERIC_DIGITS = 18
PAST_EVERY_NUMBER = 10**MAX_NUMERIC_DIGITS


def _is_number(text: str | None) -> bool:
    return bool(text) and text.isascii() and text.isdigit()  # type: ignore[union-attr]


def ref_number_value(ref_number: str | None) -> int | None:
    """The number an all-digit reference number is, for the numeric range filters; None for text
    and for numbers too long for the column."""
    if _is_number(ref_number) and len(ref_number.lstrip("0")) <= MAX_NUMERIC_DIGITS:  # type: ignore[union-attr]
        return int(ref_number)  # type: ignore[arg-type]
    return None


def _line(row: RowMapping) -> JournalLine:
    refs = {
        attr: Ref(row[column], row[f"{column}_name"], row[f"{column}_created"])
        if row[column] is not None
        else None
        for column, attr, _ in _LINE_REFS
    }
    return JournalLine(
        key=row["id"],
        side=Side(row["side"]),
        amount=from_cents(row["amount"]),
        created_at=row["created_at"],
        memo=row["memo"],
        billing_status=BillingStatus(row["billing_status"]) if row["billing_status"] else None,
        **refs,  # type: ignore[arg-type]
    )


def _entry(row: RowMapping, lines: Sequence[JournalLine]) -> JournalEntry:
    return JournalEntry(
        key=row["id"],
        company_key=row["company_id"],
        transaction_date=row["transaction_date"],
        currency=Ref(row["currency_id"], row["currency_name"], row["currency_created_at"]),
        exchange_rate=row["exchange_rate"],
        lines=tuple(lines),
        revision=row["revision"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        ref_number=row["ref_number"],
        is_adjustment=row["is_adjustment"],
        is_home_currency_adjustment=row["is_home_currency_adjustment"],
        amounts_in_home_currency=row["amounts_in_home_currency"],
        external_id=row["external_id"],
        voided_at=row["voided_at"],
        deleted_at=row["deleted_at"],
    )


def _header(draft: JournalEntryDraft) -> dict[str, Any]:
    return {
        "transaction_date": draft.transaction_date,
        "ref_number": draft.ref_number,
        "ref_number_key": draft.ref_number.casefold() if draft.ref_number is not None else None,
        "ref_number_value": ref_number_value(draft.ref_number),
        "is_adjustment": draft.is_adjustment,
        "is_home_currency_adjustment": draft.is_home_currency_adjustment,
        "amounts_in_home_currency": draft.amounts_in_home_currency,
        "currency_id": draft.currency_key,
        "exchange_rate": draft.exchange_rate,
        "external_id": draft.external_id,
    }


def _line_values(line: JournalLineDraft, position: int) -> dict[str, Any]:
    assert line.home_amount is not None, "the ledger converts every line before it is stored"
    return {
        "position": position,
        "side": line.side.value,
        "account_id": line.account_key,
        "amount": to_cents(line.amount),
        "home_amount": to_cents(line.home_amount),
        "memo": line.memo,
        "entity_id": line.entity_key,
        "class_id": line.class_key,
        "billing_status": line.billing_status.value if line.billing_status else None,
    }


class SqlJournalEntryRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _records(self, rows: Sequence[RowMapping], *, with_lines: bool = True) -> list[JournalEntry]:
        lines: dict[int, list[JournalLine]] = {}
        if rows and with_lines:
            line_rows = self._conn.execute(
                _LINE_SELECT.where(ln.entry_id.in_([r["id"] for r in rows])).order_by(
                    ln.entry_id, ln.position
                )
            ).mappings()
            for row in line_rows:
                lines.setdefault(row["entry_id"], []).append(_line(row))
        return [_entry(r, lines.get(r["id"], [])) for r in rows]

    def get(self, company_key: int, key: int) -> JournalEntry | None:
        rows = (
            self._conn.execute(
                _ENTRY_SELECT.where(e.company_id == company_key, e.id == key, e.deleted_at.is_(None))
            )
            .mappings()
            .all()
        )
        records = self._records(rows)
        return records[0] if records else None

    def _must_get(self, company_key: int, key: int) -> JournalEntry:
        entry = self.get(company_key, key)
        assert entry is not None
        return entry

    def add(self, company_key: int, draft: JournalEntryDraft, now: datetime) -> JournalEntry:
        key = self._conn.execute(
            insert(transactions).values(company_id=company_key, kind="journal_entry", created_at=now)
        ).inserted_primary_key[0]
        self._conn.execute(
            insert(journal_entries).values(
                id=key, company_id=company_key, revision=1, created_at=now, updated_at=now, **_header(draft)
            )
        )
        if draft.lines:
            self._conn.execute(
                insert(journal_lines),
                [
                    {"entry_id": key, "company_id": company_key, "created_at": now, **_line_values(line, i)}
                    for i, line in enumerate(draft.lines)
                ],
            )
        return self._must_get(company_key, key)

    def update(
        self, entry: JournalEntry, expected_revision: int, draft: JournalEntryDraft, now: datetime
    ) -> JournalEntry:
        # The entry row first, guarded by its revision: of two writers racing from one revision only
        # the first gets past here (the second waits for its lock, then matches no row), so the
        # loser changes no line.
        result = self._conn.execute(
            update(journal_entries)
            .where(
                e.id == entry.key,
                e.company_id == entry.company_key,
                e.revision == expected_revision,
                e.deleted_at.is_(None),
            )
            .values(revision=e.revision + 1, updated_at=now, **_header(draft))
        )
        if result.rowcount != 1:
            raise StaleRevisionError(
                f'The provided revision number "{expected_revision}" is out-of-date.',
                given=str(expected_revision),
            )
        kept = [line.key for line in draft.lines if line.key is not None]
        self._conn.execute(delete(journal_lines).where(ln.entry_id == entry.key, ln.id.not_in(kept)))
        for position, line in enumerate(draft.lines):
            values = _line_values(line, position)
            if line.key is None:
                self._conn.execute(
                    insert(journal_lines).values(
                        entry_id=entry.key, company_id=entry.company_key, created_at=now, **values
                    )
                )
            else:
                self._conn.execute(
                    update(journal_lines).where(ln.id == line.key, ln.entry_id == entry.key).values(values)
                )
        return self._must_get(entry.company_key, entry.key)

    def _retire(self, entry: JournalEntry, now: datetime, **values: Any) -> None:
        result = self._conn.execute(
            update(journal_entries)
            .where(e.id == entry.key, e.company_id == entry.company_key, e.deleted_at.is_(None))
            .values(revision=e.revision + 1, updated_at=now, **values)
        )
        if result.rowcount != 1:  # deleted by a concurrent request since it was read
            raise NotFoundError("No journal entry has that id.")

    def void(self, entry: JournalEntry, now: datetime) -> JournalEntry:
        self._retire(entry, now, voided_at=now)
        self._conn.execute(
            update(journal_lines).where(ln.entry_id == entry.key).values(amount=0, home_amount=0)
        )
        return self._must_get(entry.company_key, entry.key)

    def delete(self, entry: JournalEntry, now: datetime) -> None:
        self._retire(entry, now, deleted_at=now)

    def by_ref_numbers(self, company_key: int, ref_numbers: Iterable[str]) -> list[JournalEntry]:
        rows = (
            self._conn.execute(
                _ENTRY_SELECT.where(
                    e.company_id == company_key, e.ref_number.in_(list(ref_numbers)), e.deleted_at.is_(None)
                ).order_by(e.id)
            )
            .mappings()
            .all()
        )
        return self._records(rows)

    def deleted(
        self, company_key: int, after: datetime | None, before: datetime | None
    ) -> list[DeletedRecord]:
        rows = self._conn.execute(
            select(e.id, e.created_at, e.deleted_at, e.ref_number)
            .where(e.company_id == company_key, *deleted_conditions(after, before, e.deleted_at))
            .order_by(e.deleted_at, e.id)
        ).all()
        return [
            DeletedRecord(TransactionKind.JOURNAL_ENTRY, key, created_at, deleted_at, ref_number=ref_number)
            for key, created_at, deleted_at, ref_number in rows
        ]

    def query(self, company_key: int, query: JournalEntryQuery) -> Page[JournalEntry]:
        conditions = [e.company_id == company_key, e.deleted_at.is_(None), *_ref_number_conditions(query)]
        for column, keys in ((ln.account_id, query.account_keys), (ln.entity_id, query.entity_keys)):
            if keys:
                conditions.append(select(ln.id).where(ln.entry_id == e.id, column.in_(keys)).exists())
        if query.currency_keys:
            conditions.append(e.currency_id.in_(query.currency_keys))
        if query.date_from is not None:
            conditions.append(e.transaction_date >= query.date_from)
        if query.date_to is not None:
            conditions.append(e.transaction_date <= query.date_to)
        conditions += updated_conditions(query.updated_after, query.updated_before, e.updated_at)
        position = [e.id > query.after] if query.after is not None else []
        rows = (
            self._conn.execute(_ENTRY_SELECT.where(*conditions, *position).order_by(e.id).limit(query.limit))
            .mappings()
            .all()
        )
        items = self._records(rows, with_lines=query.include_lines)
        remaining = 0
        if len(items) == query.limit:
            remaining = self._conn.execute(
                select(func.count()).select_from(journal_entries).where(*conditions, e.id > items[-1].key)
            ).scalar_one()
        return Page(items=items, remaining=remaining, last=("", items[-1].key) if remaining else None)

    def account_sums(
        self, company_key: int, account_keys: Iterable[int]
    ) -> dict[int, tuple[Decimal, Decimal]]:
        """One aggregate over live lines. An account's subtree is itself plus every account whose
        casefolded full name starts with its own and a colon (full names are unique per company)."""
        account = list_entries.alias("account")
        below = list_entries.alias("below")
        signed = case((ln.side == Side.DEBIT.value, ln.home_amount), else_=-ln.home_amount)
        in_subtree = or_(
            below.c.id == account.c.id,
            func.substr(below.c.full_name_key, 1, func.length(account.c.full_name_key) + 1)
            == account.c.full_name_key + ":",
        )
        statement = (
            select(
                account.c.id,
                func.sum(case((below.c.id == account.c.id, signed), else_=0)),
                func.sum(signed),
            )
            .select_from(
                account.join(
                    below,
                    and_(
                        below.c.company_id == account.c.company_id, below.c.kind == account.c.kind, in_subtree
                    ),
                )
                .join(journal_lines, ln.account_id == below.c.id)
                .join(journal_entries, e.id == ln.entry_id)
            )
            .where(
                account.c.company_id == company_key,
                account.c.kind == "account",
                account.c.id.in_(list(account_keys)),
                e.deleted_at.is_(None),
                e.voided_at.is_(None),
            )
            .group_by(account.c.id)
        )
        return {
            key: (from_cents(own), from_cents(total)) for key, own, total in self._conn.execute(statement)
        }


def _ref_number_conditions(query: JournalEntryQuery) -> list[Any]:
    """Substring tests ignore case; a range bound of digits compares numbers, any other compares text."""
    f = query.ref_number
    conditions: list[Any] = []
    for text, pattern in (
        (f.contains, like.contains),
        (f.starts_with, like.starts_with),
        (f.ends_with, like.ends_with),
    ):
        if text is not None:
            conditions.append(e.ref_number_key.like(pattern(text.casefold()), escape=like.ESCAPE))
    for bound, is_lower in ((f.from_, True), (f.to, False)):
        if bound is None:
            continue
        number = ref_number_value(bound)
        if number is None and _is_number(bound):
            number = PAST_EVERY_NUMBER
        column, value = (
            (e.ref_number_value, number) if number is not None else (e.ref_number_key, bound.casefold())
        )
        conditions.append(column >= value if is_lower else column <= value)
    return conditions
