"""Accounts, currencies and journal entries: the rules of double entry.

A journal entry moves amounts between accounts. Each line debits or credits one account, and the
debits equal the credits to the cent, or the entry is never stored. An account's balance is the sum
of its live lines signed by its type: a debit raises an asset or expense account and lowers a
liability, equity or income account (``normal_balance``). Voided entries keep their lines at zero;
deleted ones are gone; neither counts.

Rules name a line by its position in the draft's one list of lines (``lines[3].account``); a
dialect that built the draft from two arrays (debit lines, then credit lines) maps it back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from timeledger.ledger.errors import RuleError
from timeledger.ledger.lists import check_length
from timeledger.ledger.records import ListEntry, Ref
from timeledger.ledger.values import BillingStatus, ListKind


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


# --- accounts and balances -----------------------------------------------------------------------

# Assets and expenses grow with debits; liabilities, equity and income with credits.
DEBIT_NORMAL_TYPES = frozenset(
    {
        "bank",
        "accounts_receivable",
        "other_current_asset",
        "fixed_asset",
        "other_asset",
        "expense",
        "other_expense",
        "cost_of_goods_sold",
    }
)
RECEIVABLE = "accounts_receivable"
PAYABLE = "accounts_payable"
NON_POSTING = "non_posting"


def normal_balance(account_type: str | None, debits_minus_credits: Decimal) -> Decimal:
    """An account's balance in its own sign: debits less credits for a debit-normal type, else the reverse."""
    if account_type in DEBIT_NORMAL_TYPES:
        return debits_minus_credits + 0  # + 0 turns a -0 into 0
    return Decimal(0) - debits_minus_credits


@dataclass(frozen=True, slots=True)
class AccountBalance:
    """``balance`` is the account's own lines; ``total_balance`` adds every account below it."""

    balance: Decimal
    total_balance: Decimal


# --- currencies ------------------------------------------------------------------------------------

HOME_CURRENCY_CODE = "USD"


@dataclass(frozen=True, slots=True)
class CurrencyFormat:
    """How amounts in a currency are written; ``decimal_places`` also limits the amounts it takes."""

    thousand_separator: str = "comma"
    thousand_separator_grouping: str = "xx_xxx_xxx"
    decimal_places: int = 2
    decimal_separator: str = "period"


@dataclass(frozen=True, slots=True)
class Currency:
    """A currency a company can record amounts in: an ISO built-in present in every company, or one
    its users defined. ``exchange_rate`` is home-currency units per unit of this one, if known."""

    key: int
    company_key: int
    name: str
    code: str
    is_user_defined: bool
    is_active: bool
    format: CurrencyFormat
    revision: int
    created_at: datetime
    updated_at: datetime
    exchange_rate: Decimal | None = None
    as_of_date: date | None = None

    def ref(self) -> Ref:
        return Ref(self.key, self.name, self.created_at)


@dataclass(frozen=True, slots=True)
class CurrencyDraft:
    name: str
    code: str
    is_active: bool = True
    format: CurrencyFormat = field(default_factory=CurrencyFormat)


# The currencies QuickBooks Desktop ships in every company file: (ISO code, name, decimal places).
BUILTIN_CURRENCIES: tuple[tuple[str, str, int], ...] = (
    ("USD", "US Dollar", 2),
    ("EUR", "Euro", 2),
    ("GBP", "British Pound Sterling", 2),
    ("CAD", "Canadian Dollar", 2),
    ("AUD", "Australian Dollar", 2),
    ("NZD", "New Zealand Dollar", 2),
    ("JPY", "Japanese Yen", 0),
    ("CNY", "Chinese Yuan Renminbi", 2),
    ("HKD", "Hong Kong Dollar", 2),
    ("SGD", "Singapore Dollar", 2),
    ("INR", "Indian Rupee", 2),
    ("KRW", "Korean Won", 0),
    ("TWD", "Taiwan Dollar", 2),
    ("THB", "Thai Baht", 2),
    ("MYR", "Malaysian Ringgit", 2),
    ("PHP", "Philippine Peso", 2),
    ("IDR", "Indonesian Rupiah", 2),
    ("CHF", "Swiss Franc", 2),
    ("SEK", "Swedish Krona", 2),
    ("NOK", "Norwegian Krone", 2),
    ("DKK", "Danish Krone", 2),
    ("PLN", "Polish Zloty", 2),
    ("CZK", "Czech Koruna", 2),
    ("HUF", "Hungarian Forint", 2),
    ("RUB", "Russian Ruble", 2),
    ("TRY", "Turkish Lira", 2),
    ("ILS", "Israeli New Shekel", 2),
    ("AED", "UAE Dirham", 2),
    ("SAR", "Saudi Riyal", 2),
    ("ZAR", "South African Rand", 2),
    ("MXN", "Mexican Peso", 2),
    ("BRL", "Brazilian Real", 2),
    ("ARS", "Argentine Peso", 2),
    ("CLP", "Chilean Peso", 0),
    ("COP", "Colombian Peso", 2),
)
BUILTIN_CODES = frozenset(code for code, _, _ in BUILTIN_CURRENCIES)

# Fields a currency update may change; a built-in currency keeps its name and code.
CURRENCY_UPDATABLE_FIELDS = frozenset({"name", "code", "is_active", "format"})


# QuickBooks' currency names are at most 64 characters (the store's column, casefolded, too).
MAX_CURRENCY_NAME = 64


def check_currency_name(name: str | None) -> str:
    if name is None or not name.strip():
        raise RuleError("invalid_name", "A currency needs a name.", field="name")
    check_length(name.strip().casefold(), MAX_CURRENCY_NAME, "name")
    return name.strip()


def check_currency_code(code: str | None, field: str = "code") -> str:
    """A code is one to three letters; built-ins use ISO 4217, user-defined ones need only be letters."""
    if code is None or not code.strip() or not code.strip().isalpha():
        raise RuleError("invalid_currency_code", f'"{code}" is not a currency code.', field=field)
    return code.strip().upper()


def check_home_currency_code(code: str) -> str:
    """A company's home currency is one of the built-ins, which every company has."""
    code = check_currency_code(code, "home_currency")
    if code not in BUILTIN_CODES:
        raise RuleError(
            "invalid_currency_code", f'"{code}" is not a built-in currency code.', field="home_currency"
        )
    return code


def check_currency_change(currency: Currency, changes: Mapping[str, Any], home_code: str) -> None:
    """A built-in currency's name and code are ISO's, not the user's; the home currency stays active."""
    if not currency.is_user_defined:
        for name in ("name", "code"):
            if name in changes and changes[name] != getattr(currency, name):
                raise RuleError(
                    "builtin_currency_is_fixed",
                    f'"{currency.name}" is a built-in currency; its {name} cannot be changed.',
                    field=name,
                )
    if currency.code == home_code and changes.get("is_active") is False:
        raise RuleError(
            "home_currency_must_stay_active",
            f'"{currency.name}" is the home currency and cannot be made inactive.',
            field="is_active",
        )


# --- journal entries -------------------------------------------------------------------------------

MAX_INTEGER_DIGITS = 13


@dataclass(frozen=True, slots=True)
class JournalLine:
    """A stored line. ``amount`` is in the entry's currency; a voided entry's lines are all zero."""

    key: int
    side: Side
    account: Ref
    amount: Decimal
    created_at: datetime
    memo: str | None = None
    entity: Ref | None = None
    class_: Ref | None = None
    billing_status: BillingStatus | None = None


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A stored entry, with its lines in the order they were given (debits and credits interleaved).

    ``currency`` is always set (the home currency unless another was named) and ``exchange_rate`` is
    home-currency units per unit of it: 1 for the home currency.
    """

    key: int
    company_key: int
    transaction_date: date
    currency: Ref
    exchange_rate: Decimal
    lines: tuple[JournalLine, ...]
    revision: int
    created_at: datetime
    updated_at: datetime
    ref_number: str | None = None
    is_adjustment: bool = False
    is_home_currency_adjustment: bool = False
    amounts_in_home_currency: bool = False
    external_id: str | None = None
    voided_at: datetime | None = None
    deleted_at: datetime | None = None

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    def lines_on(self, side: Side) -> list[JournalLine]:
        return [line for line in self.lines if line.side is side]


@dataclass(frozen=True, slots=True)
class JournalLineDraft:
    """A line to write. ``key`` names the stored line it replaces (on update), None for a new one.
    ``home_amount`` is filled in by the ledger: what the line moves in the home currency."""

    side: Side
    account_key: int
    amount: Decimal = Decimal(0)
    memo: str | None = None
    entity_key: int | None = None
    class_key: int | None = None
    billing_status: BillingStatus | None = None
    key: int | None = None
    home_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class JournalEntryDraft:
    """An entry to write. Without ``currency_key`` it is in the home currency; ``exchange_rate`` may
    be left out for the home currency or a currency whose rate the company keeps."""

    transaction_date: date
    lines: tuple[JournalLineDraft, ...] = ()
    ref_number: str | None = None
    is_adjustment: bool = False
    is_home_currency_adjustment: bool = False
    amounts_in_home_currency: bool = False
    currency_key: int | None = None
    exchange_rate: Decimal | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class JournalLineChange:
    """One line of an update's line list: ``key`` an existing line, or None to add one.
    ``fields`` holds only what the caller sent, in ``JournalLineDraft``'s names."""

    key: int | None
    fields: Mapping[str, Any] = field(default_factory=dict)


# Entry fields an update may change. The home-currency-adjustment flag and external id are fixed.
ENTRY_UPDATABLE_FIELDS = frozenset(
    {
        "transaction_date",
        "ref_number",
        "is_adjustment",
        "amounts_in_home_currency",
        "currency_key",
        "exchange_rate",
    }
)
LINE_FIELDS = frozenset(
    {"side", "account_key", "amount", "memo", "entity_key", "class_key", "billing_status"}
)

# The kinds of list entry a line's entity may be.
ENTITY_KINDS = (ListKind.CUSTOMER, ListKind.VENDOR, ListKind.EMPLOYEE, ListKind.OTHER_NAME)


def line_field(index: int, name: str | None = None) -> str:
    return f"lines[{index}]" + (f".{name}" if name else "")


def merge_line(current: JournalLine | None, change: JournalLineChange, index: int) -> JournalLineDraft:
    """The line an update asks for: an existing line with the fields sent changed, or a new one.

    Lines not sent keep nothing: the caller's list replaces the entry's lines, as QuickBooks does.
    A new line needs its side and account, or QuickBooks would not know where to post it.
    """
    unknown = set(change.fields) - LINE_FIELDS
    if unknown:
        raise ValueError(f"not line fields: {sorted(unknown)}")
    if current is None:
        missing = [
            n for n, w in (("side", "a side"), ("account_key", "an account")) if n not in change.fields
        ]
        if missing:
            raise RuleError(
                "incomplete_journal_line",
                "A new journal line needs a side (debit or credit) and an account.",
                field=line_field(index, "side" if "side" in missing else "account"),
            )
        return JournalLineDraft(**change.fields)
    base = {
        "side": current.side,
        "account_key": current.account.key,
        "amount": current.amount,
        "memo": current.memo,
        "entity_key": current.entity.key if current.entity else None,
        "class_key": current.class_.key if current.class_ else None,
        "billing_status": current.billing_status,
    }
    return JournalLineDraft(**{**base, **change.fields, "key": current.key})


def check_no_line_twice(changes: Sequence[JournalLineChange]) -> None:
    seen: set[int] = set()
    for index, change in enumerate(changes):
        if change.key is None:
            continue
        if change.key in seen:
            raise RuleError(
                "duplicate_journal_line",
                "The same journal line is listed twice.",
                field=line_field(index, "id"),
            )
        seen.add(change.key)


def check_amount(amount: Decimal, decimal_places: int, field: str) -> None:
    """An amount is zero or more, with at most 13 digits before the point and no finer than the
    currency's smallest unit (cents, or whole units for a currency without decimals)."""
    if not amount.is_finite() or amount < 0:
        raise RuleError(
            "invalid_amount", f"The amount {amount} is negative; use the other side.", field=field
        )
    if amount >= Decimal(10) ** MAX_INTEGER_DIGITS:
        raise RuleError(
            "invalid_amount", f"The amount {amount} has more than {MAX_INTEGER_DIGITS} digits.", field=field
        )
    unit = Decimal(1).scaleb(-decimal_places)
    if amount != amount.quantize(unit):
        raise RuleError(
            "invalid_amount",
            f"The amount {amount} has more than {decimal_places} decimal places.",
            field=field,
        )


def check_balanced(lines: Sequence[JournalLineDraft]) -> None:
    """Debits must equal credits to the cent; an unbalanced entry is never stored.

    This is the invariant every balance rests on: with it, the debit-normal and credit-normal
    balances of a company always sum to the same figure.
    """
    debits = sum((ln.amount for ln in lines if ln.side is Side.DEBIT), Decimal(0))
    credits = sum((ln.amount for ln in lines if ln.side is Side.CREDIT), Decimal(0))
    if debits != credits:
        raise RuleError(
            "unbalanced_journal_entry",
            f"The journal entry is out of balance: debits total {debits:.2f} "
            f"and credits total {credits:.2f}.",
        )


def check_line_account(account: ListEntry, index: int, *, is_new: bool) -> None:
    """Lines post to active, posting accounts. An untouched line may stay on an account made inactive
    since, as QuickBooks keeps old transactions on it."""
    if account.account_type == NON_POSTING:
        raise RuleError(
            "non_posting_account",
            f'"{account.full_name}" is a non-posting account; journal lines cannot use it.',
            field=line_field(index, "account"),
        )
    if is_new and not account.is_active:
        raise RuleError(
            "inactive_reference",
            f'The account "{account.full_name}" is inactive.',
            field=line_field(index, "account"),
        )


def check_line_entity(account: ListEntry, entity: ListEntry | None, index: int) -> None:
    """QuickBooks records an Accounts Receivable line only with a customer (or job) and an Accounts
    Payable line only with a vendor: the balance must belong to someone."""
    if account.account_type == RECEIVABLE and (entity is None or entity.kind is not ListKind.CUSTOMER):
        raise RuleError(
            "receivable_line_needs_customer",
            f'A line on the Accounts Receivable account "{account.full_name}" '
            "needs a customer as its entity.",
            field=line_field(index, "entity"),
        )
    if account.account_type == PAYABLE and (entity is None or entity.kind is not ListKind.VENDOR):
        raise RuleError(
            "payable_line_needs_vendor",
            f'A line on the Accounts Payable account "{account.full_name}" needs a vendor as its entity.',
            field=line_field(index, "entity"),
        )


def check_line_currency(
    account: ListEntry, entry_currency_key: int, home_currency_key: int, index: int
) -> None:
    """An account kept in a foreign currency takes only entries in that currency."""
    if account.currency is not None and account.currency.key not in (entry_currency_key, home_currency_key):
        raise RuleError(
            "currency_mismatch",
            f'The account "{account.full_name}" is kept in {account.currency.full_name}, '
            "not in the journal entry's currency.",
            field=line_field(index, "account"),
        )


def default_billing_status(account: ListEntry, entity: ListEntry | None) -> BillingStatus | None:
    """A line charged to a customer is billable unless told otherwise (Conductor's documented default);
    other lines, and the customer's own receivable line, have no billing status."""
    if entity is not None and entity.kind is ListKind.CUSTOMER and account.account_type != RECEIVABLE:
        return BillingStatus.BILLABLE
    return None


def exchange_rate_for(currency: Currency, home_code: str, given: Decimal | None) -> Decimal:
    """The rate an entry is recorded at: 1 for the home currency; for another, the one given or else
    the currency's own. A foreign-currency entry without either is refused."""
    if given is not None and (not given.is_finite() or given <= 0):
        raise RuleError(
            "invalid_exchange_rate", f"The exchange rate {given} is not positive.", field="exchange_rate"
        )
    if currency.code == home_code:
        if given is not None and given != 1:
            raise RuleError(
                "invalid_exchange_rate",
                f"{currency.name} is the home currency; its exchange rate is 1, not {given}.",
                field="exchange_rate",
            )
        return Decimal(1)
    rate = given if given is not None else currency.exchange_rate
    if rate is None:
        raise RuleError(
            "foreign_currency_needs_exchange_rate",
            f"The journal entry is in {currency.name}, not the home currency; it needs an exchange rate.",
            field="exchange_rate",
        )
    return rate


def home_amounts(
    lines: Sequence[JournalLineDraft], rate: Decimal, home_places: int, *, already_home: bool
) -> list[Decimal]:
    """Each line's amount in the home currency. Converting line by line could round the two sides
    apart, so each side's total is converted once and its rounding remainder goes to its largest
    line: the home amounts balance whenever the amounts do."""
    if already_home or rate == 1:
        return [ln.amount for ln in lines]
    unit = Decimal(1).scaleb(-home_places)
    out = [(ln.amount * rate).quantize(unit, ROUND_HALF_UP) for ln in lines]
    for side in Side:
        indexes = [i for i, ln in enumerate(lines) if ln.side is side]
        if not indexes:
            continue
        total = sum((lines[i].amount for i in indexes), Decimal(0))
        remainder = (total * rate).quantize(unit, ROUND_HALF_UP) - sum((out[i] for i in indexes), Decimal(0))
        largest = max(indexes, key=lambda i: lines[i].amount)
        out[largest] += remainder
    return out


def check_not_voided(entry: JournalEntry) -> None:
    """A voided entry stays as a record of what was voided; changing it would bring amounts back."""
    if entry.is_voided:
        raise RuleError(
            "voided_journal_entry",
            "This journal entry has been voided and can no longer be changed.",
            field="id",
        )
