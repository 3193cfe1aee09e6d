"""Record, change, void, remove and read journal entries, and the account balances they make.

Every write checks the whole entry as it will be stored (``_post``), so an update that touches one
line still leaves an entry that balances, names real accounts and obeys the A/R and A/P rules.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from timeledger.ledger import journal as rules
from timeledger.ledger.clock import utc_now
from timeledger.ledger.errors import NotFoundError, RuleError, UnknownFilterValueError, UnknownReferenceError
from timeledger.ledger.external_ids import check_external_id
from timeledger.ledger.journal import (
    AccountBalance,
    JournalEntry,
    JournalEntryDraft,
    JournalLineChange,
    JournalLineDraft,
    line_field,
)
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.queries import JournalEntryQuery, Page
from timeledger.ledger.records import ListEntry
from timeledger.ledger.services.currencies import home_currency, resolve_currency
from timeledger.ledger.services.lists import check_revision, resolve
from timeledger.ledger.tenancy import Company
from timeledger.ledger.time_entries import check_active
from timeledger.ledger.values import ListKind


class _Resolver:
    """Looks up each list entry a draft names once, however many lines name it."""

    def __init__(self, uow: UnitOfWork, company_key: int) -> None:
        self._uow = uow
        self._company_key = company_key
        self._seen: dict[tuple[tuple[ListKind, ...], int], ListEntry] = {}

    def __call__(self, kinds: tuple[ListKind, ...], key: int | None, field: str) -> ListEntry | None:
        if key is None:
            return None
        if (kinds, key) not in self._seen:
            found = resolve(self._uow, self._company_key, kinds, key, field)
            assert found is not None
            self._seen[(kinds, key)] = found
        return self._seen[(kinds, key)]


def _post(
    uow: UnitOfWork, company: Company, draft: JournalEntryDraft, *, fresh: set[int], new_currency: bool
) -> JournalEntryDraft:
    """Check every rule on a whole draft; return it ready to store, with its currency and rate
    resolved and each line's billing status and home-currency amount set.

    ``fresh`` are the lines (by index) that are new or now name another account, entity or class:
    only those must name active entries, so an old line may stay on an account made inactive since.
    """
    home = home_currency(uow, company.key, company.home_currency_code)
    currency = resolve_currency(uow, company.key, draft.currency_key, "currency") or home
    if new_currency and not currency.is_active:
        raise RuleError(
            "inactive_reference", f'The currency "{currency.name}" is inactive.', field="currency"
        )
    rate = rules.exchange_rate_for(currency, company.home_currency_code, draft.exchange_rate)
    # Amounts entered in the home currency are held to its smallest unit, not the entry currency's.
    places = (home if draft.amounts_in_home_currency else currency).format.decimal_places
    lookup = _Resolver(uow, company.key)
    lines: list[JournalLineDraft] = []
    for index, line in enumerate(draft.lines):
        account = lookup((ListKind.ACCOUNT,), line.account_key, line_field(index, "account"))
        entity = lookup(rules.ENTITY_KINDS, line.entity_key, line_field(index, "entity"))
        class_ = lookup((ListKind.CLASS,), line.class_key, line_field(index, "class"))
        assert account is not None
        rules.check_line_account(account, index, is_new=index in fresh)
        if index in fresh:
            for name, entry in (("entity", entity), ("class", class_)):
                if entry is not None:
                    check_active(entry, line_field(index, name))
        rules.check_line_entity(account, entity, index)
        rules.check_line_currency(account, currency.key, home.key, index)
        rules.check_amount(line.amount, places, line_field(index, "amount"))
        status = line.billing_status or rules.default_billing_status(account, entity)
        lines.append(dataclasses.replace(line, billing_status=status))
    rules.check_balanced(lines)
    in_home = rules.home_amounts(
        lines, rate, home.format.decimal_places, already_home=draft.amounts_in_home_currency
    )
    return dataclasses.replace(
        draft,
        currency_key=currency.key,
        exchange_rate=rate,
        lines=tuple(dataclasses.replace(ln, home_amount=h) for ln, h in zip(lines, in_home, strict=True)),
    )


def create_journal_entry(uow: UnitOfWork, company: Company, draft: JournalEntryDraft) -> JournalEntry:
    """Record an entry. It must balance; with no lines at all it balances at zero and moves nothing."""
    check_external_id(draft.external_id)
    now = utc_now()
    with uow.write():
        posted = _post(
            uow,
            company,
            draft,
            fresh=set(range(len(draft.lines))),
            new_currency=draft.currency_key is not None,
        )
        entry = uow.journal_entries.add(company.key, posted, now)
        uow.commit()
    return entry


def retrieve_journal_entry(uow: UnitOfWork, company_key: int, key: int) -> JournalEntry:
    with uow:
        entry = uow.journal_entries.get(company_key, key)
    if entry is None:
        raise NotFoundError("No journal entry has that id.")
    return entry


def update_journal_entry(
    uow: UnitOfWork,
    company: Company,
    key: int,
    expected_revision: str,
    changes: Mapping[str, Any],
    lines: Sequence[JournalLineChange] | None = None,
) -> JournalEntry:
    """Change an entry based on revision ``expected_revision``.

    ``lines``, when given, is the entry's whole new set of lines, as in QuickBooks: a change with a
    key edits that line (only the fields sent), one without adds a line, and every stored line not
    named is removed. Without ``lines`` the lines stay as they are.
    """
    unknown = set(changes) - rules.ENTRY_UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    now = utc_now()
    with uow.write():
        entry = uow.journal_entries.get(company.key, key)
        if entry is None:
            raise NotFoundError("No journal entry has that id.")
        # Revision first: a client with a stale copy must refetch, not fix fields that changed under it.
        check_revision(entry.revision, expected_revision)
        rules.check_not_voided(entry)
        merged, fresh = _merge_lines(entry, lines)
        currency_key = changes.get("currency_key", entry.currency.key)
        same_currency = currency_key == entry.currency.key
        draft = JournalEntryDraft(
            transaction_date=changes.get("transaction_date", entry.transaction_date),
            ref_number=changes.get("ref_number", entry.ref_number),
            is_adjustment=changes.get("is_adjustment", entry.is_adjustment),
            is_home_currency_adjustment=entry.is_home_currency_adjustment,
            amounts_in_home_currency=changes.get("amounts_in_home_currency", entry.amounts_in_home_currency),
            currency_key=currency_key,
            # A new currency brings its own rate unless one is sent; the same currency keeps the entry's.
            exchange_rate=changes.get("exchange_rate", entry.exchange_rate if same_currency else None),
            external_id=entry.external_id,
            lines=tuple(merged),
        )
        posted = _post(uow, company, draft, fresh=fresh, new_currency=not same_currency)
        updated = uow.journal_entries.update(entry, entry.revision, posted, now)
        uow.commit()
    return updated


def _merge_lines(
    entry: JournalEntry, changes: Sequence[JournalLineChange] | None
) -> tuple[list[JournalLineDraft], set[int]]:
    """The entry's new lines, and which of them are fresh (new, or naming another account,
    entity or class than before)."""
    if changes is None:
        return [rules.merge_line(ln, JournalLineChange(ln.key), i) for i, ln in enumerate(entry.lines)], set()
    rules.check_no_line_twice(changes)
    stored = {ln.key: ln for ln in entry.lines}
    merged: list[JournalLineDraft] = []
    fresh: set[int] = set()
    for index, change in enumerate(changes):
        current = None
        if change.key is not None:
            current = stored.get(change.key)
            if current is None:
                raise UnknownReferenceError(
                    "No line of this journal entry has that id.", field=line_field(index, "id")
                )
        line = rules.merge_line(current, change, index)
        if current is None or (
            line.account_key,
            line.entity_key,
            line.class_key,
        ) != (
            current.account.key,
            current.entity.key if current.entity else None,
            current.class_.key if current.class_ else None,
        ):
            fresh.add(index)
        merged.append(line)
    return merged, fresh


def void_journal_entry(uow: UnitOfWork, company_key: int, key: int) -> JournalEntry:
    """Void an entry: it stays, with every line at zero, and stops counting in any balance.

    Nothing in timeledger links to a journal entry (no payment applies one), so an entry is never
    "in use" and voiding always proceeds. Voiding a voided entry changes nothing.
    """
    now = utc_now()
    with uow.write():
        entry = uow.journal_entries.get(company_key, key)
        if entry is None:
            raise NotFoundError("No journal entry has that id.")
        voided = entry if entry.is_voided else uow.journal_entries.void(entry, now)
        uow.commit()
    return voided


def delete_journal_entry(uow: UnitOfWork, company_key: int, key: int) -> JournalEntry:
    """Remove an entry from every read and every balance (never "in use": see ``void_journal_entry``)."""
    now = utc_now()
    with uow.write():
        entry = uow.journal_entries.get(company_key, key)
        if entry is None:
            raise NotFoundError("No journal entry has that id.")
        uow.journal_entries.delete(entry, now)
        uow.commit()
    return entry


def list_journal_entries(uow: UnitOfWork, company_key: int, query: JournalEntryQuery) -> Page[JournalEntry]:
    """Read journal entries. Every id, reference number, account, entity or currency a filter
    names must exist, or the read is refused."""
    with uow:
        if query.keys:
            found = {k: uow.journal_entries.get(company_key, k) for k in dict.fromkeys(query.keys)}
            if any(v is None for v in found.values()):
                raise UnknownFilterValueError("An id in the filter names no journal entry.", field="keys")
            items = [v for v in found.values() if v is not None]
            return Page(items=items[: query.limit], remaining=0)
        if query.ref_numbers:
            matched = uow.journal_entries.by_ref_numbers(company_key, query.ref_numbers)
            present = {e.ref_number for e in matched}
            for wanted in query.ref_numbers:
                if wanted not in present:
                    raise UnknownFilterValueError(
                        f'There was a required element ("{wanted}") that could not be found.',
                        field="ref_numbers",
                    )
            return Page(items=matched[: query.limit], remaining=0)
        for keys, kinds, field in (
            (query.account_keys, (ListKind.ACCOUNT,), "account_keys"),
            (query.entity_keys, rules.ENTITY_KINDS, "entity_keys"),
        ):
            for k in keys:
                if uow.lists.get(company_key, kinds, k) is None:
                    raise UnknownFilterValueError(
                        "A filter names something that does not exist.", field=field
                    )
        for k in query.currency_keys:
            if uow.currencies.get(company_key, k) is None:
                raise UnknownFilterValueError(
                    "A currency in the filter does not exist.", field="currency_keys"
                )
        return uow.journal_entries.query(company_key, query)


def account_balances(
    uow: UnitOfWork, company_key: int, accounts: Sequence[ListEntry]
) -> dict[int, AccountBalance]:
    """Each account's balance and total balance (with its sub-accounts), in the home currency and in
    the account's own sign. A sub-account's lines count in its parent's total in the parent's sign."""
    keys = [a.key for a in accounts if a.kind is ListKind.ACCOUNT]
    if not keys:
        return {}
    with uow:
        sums = uow.journal_entries.account_sums(company_key, keys)
    zero = (Decimal(0), Decimal(0))
    balances = {}
    for account in accounts:
        own, total = sums.get(account.key, zero)
        balances[account.key] = AccountBalance(
            rules.normal_balance(account.account_type, own), rules.normal_balance(account.account_type, total)
        )
    return balances
