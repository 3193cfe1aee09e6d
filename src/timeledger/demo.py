"""Demo data: a new organization with one company holding a small, believable set of books.

Each call makes a fresh organization, so demos never collide. The printed JSON is the only place
the secret key appears.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from timeledger.auth.keys import create_organization
from timeledger.demo_oauth import oauth_credentials
from timeledger.ledger.journal import JournalEntryDraft, JournalLineDraft, Side
from timeledger.ledger.lists import ListDraft
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.queries import ListQuery
from timeledger.ledger.records import ListEntry
from timeledger.ledger.services.companies import create_company
from timeledger.ledger.services.journal_entries import create_journal_entry
from timeledger.ledger.services.lists import create_list_entry, list_list_entries
from timeledger.ledger.services.time_entries import create_time_entry
from timeledger.ledger.tenancy import Company, Organization
from timeledger.ledger.time_entries import TimeEntryDraft
from timeledger.ledger.values import BillingStatus, ListKind


def _add(uow: UnitOfWork, company_key: int, kind: ListKind, **fields: Any) -> ListEntry:
    return create_list_entry(uow, company_key, ListDraft(kind=kind, **fields))


def _person(uow: UnitOfWork, company_key: int, first: str, last: str, email: str) -> ListEntry:
    """The employee with this email, made if the company has none (a reset company keeps the people
    its credentials belong to)."""
    query = ListQuery(kind=ListKind.EMPLOYEE, field_equals=(("email", email),), limit=1)
    found = list_list_entries(uow, company_key, query).items
    if found:
        return found[0]
    names = {"first_name": first, "last_name": last, "email": email, "username": first.lower()}
    return _add(uow, company_key, ListKind.EMPLOYEE, **names)


def seed(uow: UnitOfWork, company: Company, today: date) -> None:
    """The demo's books, dated around ``today``, added to ``company``."""
    company_key = company.key
    k = ListKind
    accounts = {
        name: _add(
            uow,
            company_key,
            k.ACCOUNT,
            name=name,
            account_type=kind,
            extra={"conductor": {"accountNumber": num}},
        )
        for name, kind, num in (
            ("Checking", "bank", "1000"),
            ("Savings", "bank", "1010"),
            ("Accounts Receivable", "accounts_receivable", "1200"),
            ("Prepaid Expenses", "other_current_asset", "1300"),
            ("Office Equipment", "fixed_asset", "1500"),
            ("Accounts Payable", "accounts_payable", "2000"),
            ("Accrued Payroll", "other_current_liability", "2100"),
            ("Payroll Liabilities", "other_current_liability", "2200"),
            ("Owner's Equity", "equity", "3000"),
            ("Consulting Income", "income", "4000"),
            ("Payroll Expenses", "expense", "6000"),
            ("Rent Expense", "expense", "6100"),
            ("Office Supplies", "expense", "6200"),
        )
    }
    for name, parent, num in (
        ("Salaries & Wages", "Payroll Expenses", "6010"),
        ("Payroll Taxes", "Payroll Expenses", "6020"),
    ):
        accounts[name] = _add(
            uow,
            company_key,
            k.ACCOUNT,
            name=name,
            account_type="expense",
            parent_key=accounts[parent].key,
            extra={"conductor": {"accountNumber": num}},
        )
    people = [
        _person(uow, company_key, first, last, email)
        for first, last, email in (
            ("Ada", "Lovelace", "ada@example.com"),
            ("Grace", "Hopper", "grace@example.com"),
            ("Alan", "Turing", "alan@example.com"),
        )
    ]
    vendor = _add(
        uow, company_key, k.VENDOR, name="Northwind Contracting", company_name="Northwind Contracting LLC"
    )
    other = _add(uow, company_key, k.OTHER_NAME, name="Sam Freelancer", email="sam@example.com")
    acme = _add(
        uow, company_key, k.CUSTOMER, name="Acme Corp", company_name="Acme Corporation", email="ap@acme.test"
    )
    globex = _add(uow, company_key, k.CUSTOMER, name="Globex", company_name="Globex Inc.")
    jobs = [
        _add(uow, company_key, k.CUSTOMER, name="Website Redesign", parent_key=acme.key),
        _add(uow, company_key, k.CUSTOMER, name="Mobile App", parent_key=acme.key),
        _add(uow, company_key, k.CUSTOMER, name="Annual Audit", parent_key=globex.key),
    ]
    income = accounts["Consulting Income"].key
    items = [
        _add(
            uow,
            company_key,
            k.SERVICE_ITEM,
            name=name,
            rate=Decimal(price),
            extra={"conductor": {"salesOrPurchaseDetails": {"description": name, "price": price}}},
            links={"salesOrPurchaseDetails.postingAccount": (k.ACCOUNT, income)},
        )
        for name, price in (("Consulting", "150.00"), ("Development", "120.00"), ("Design", "110.00"))
    ]
    engineering = _add(uow, company_key, k.CLASS, name="Engineering")
    _add(uow, company_key, k.CLASS, name="Backend", parent_key=engineering.key)
    design = _add(uow, company_key, k.CLASS, name="Design")
    payroll = accounts["Payroll Expenses"].key
    regular = _add(
        uow,
        company_key,
        k.WAGE_ITEM,
        name="Regular Pay",
        rate=Decimal("45.00"),
        extra={"conductor": {"wageType": "hourly_regular"}},
        links={"expenseAccount": (k.ACCOUNT, payroll)},
    )
    _add(
        uow,
        company_key,
        k.WAGE_ITEM,
        name="Overtime Pay",
        rate=Decimal("67.50"),
        extra={"conductor": {"wageType": "hourly_overtime", "overtimeMultiplier": "1.5"}},
        links={"expenseAccount": (k.ACCOUNT, payroll)},
    )
    monday = today - timedelta(days=today.weekday() + 7)
    for day in range(5):
        work_date = monday + timedelta(days=day)
        for i, person in enumerate(people):
            job = jobs[(day + i) % len(jobs)]
            create_time_entry(
                uow,
                company_key,
                TimeEntryDraft(
                    person_key=person.key,
                    work_date=work_date,
                    duration_seconds=(5 + i) * 3600 + 30 * 60 * (day % 2),
                    customer_key=job.key,
                    service_item_key=items[i].key,
                    class_key=(engineering if i < 2 else design).key,
                    wage_item_key=regular.key,
                    note=f"{items[i].name} for {job.full_name}",
                ),
            )
        create_time_entry(
            uow,
            company_key,
            TimeEntryDraft(
                person_key=(vendor if day % 2 else other).key,
                work_date=work_date,
                duration_seconds=7200,
                note="Internal tooling",
                billing_status=BillingStatus.NOT_BILLABLE,
            ),
        )
    _seed_journal(uow, company, accounts, acme, vendor, today)


def _seed_journal(
    uow: UnitOfWork,
    company: Company,
    accounts: dict[str, ListEntry],
    customer: ListEntry,
    vendor: ListEntry,
    today: date,
) -> None:
    """Last month's books: the owner's capital, rent, weekly payroll accruals and their payment, a
    supplies bill, and an adjustment to an invoice a customer was underbilled on."""
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    fridays = [first + timedelta(days=d) for d in range(28) if (first + timedelta(days=d)).weekday() == 4]
    a = {name: entry.key for name, entry in accounts.items()}
    d, c = Side.DEBIT, Side.CREDIT
    # (day, memo, is adjustment, [(side, account, amount, entity)])
    entries: list[tuple[date, str, bool, list[tuple[Side, str, str, ListEntry | None]]]] = [
        (
            first,
            "Owner's capital",
            False,
            [(d, "Checking", "60000.00", None), (c, "Owner's Equity", "60000.00", None)],
        ),
        (
            first,
            "Office rent",
            False,
            [(d, "Rent Expense", "3200.00", None), (c, "Checking", "3200.00", None)],
        ),
        *(
            (
                friday,
                "Payroll accrual",
                False,
                [
                    (d, "Salaries & Wages", "6400.00", None),
                    (d, "Payroll Taxes", "489.60", None),
                    (c, "Accrued Payroll", "6400.00", None),
                    (c, "Payroll Liabilities", "489.60", None),
                ],
            )
            for friday in fridays
        ),
        (
            first + timedelta(days=14),
            "Payroll paid",
            False,
            [(d, "Accrued Payroll", "12800.00", None), (c, "Checking", "12800.00", None)],
        ),
        (
            first + timedelta(days=9),
            "Printer paper and toner",
            False,
            [(d, "Office Supplies", "240.00", None), (c, "Accounts Payable", "240.00", vendor)],
        ),
        (
            first + timedelta(days=20),
            "Invoice 1043 underbilled: 3 hours of design review",
            True,
            [(d, "Accounts Receivable", "450.00", customer), (c, "Consulting Income", "450.00", None)],
        ),
    ]
    for number, (day, memo, is_adjustment, lines) in enumerate(sorted(entries, key=lambda e: e[0]), start=1):
        create_journal_entry(
            uow,
            company,
            JournalEntryDraft(
                transaction_date=day,
                ref_number=f"JE-{number:04d}",
                is_adjustment=is_adjustment,
                lines=tuple(
                    JournalLineDraft(
                        side=side,
                        account_key=a[account],
                        amount=Decimal(amount),
                        memo=memo,
                        entity_key=entity.key if entity else None,
                    )
                    for side, account, amount, entity in lines
                ),
            ),
        )


# The company keeps a time zone of its own, so QuickBooks Time's local times show an offset.
DEMO_TIME_ZONE = "America/Denver"


def create_demo(uow: UnitOfWork, base_url: str) -> dict[str, Any]:
    organization, secret = create_organization(uow, "Demo organization")
    return demo_company(uow, organization, secret, base_url)


def demo_company(
    uow: UnitOfWork, organization: Organization, secret: str, base_url: str, *, own_login: bool = False
) -> dict[str, Any]:
    """A new demo company in ``organization`` and its credentials (``secret`` is one of its keys).
    ``own_login``: the person signs in with an address of this company's own (``ada+end_usr_...@``),
    as the organization may already have a demo whose person signs in as ``ada@example.com``."""
    company = create_company(
        uow,
        organization.key,
        "Demo Company",
        "owner@demo.example",
        "demo",
        connected=True,
        time_zone=DEMO_TIME_ZONE,
    )
    seed(uow, company, date.today())
    login = f"ada+{company.public_id}@example.com" if own_login else None
    return {
        "base_url": base_url,
        "conductor": {
            "base_url": f"{base_url}/v1",
            "api_key": secret,
            "publishable_key": organization.publishable_key,
            "end_user_id": company.public_id,
        },
        **oauth_credentials(uow, organization, company, base_url, login),
    }


def snippet(credentials: dict[str, Any]) -> str:
    """A conductor-py snippet that creates and reads back a time tracking activity."""
    c = credentials["conductor"]
    return f'''from conductor import Conductor

qbd = Conductor(api_key="{c["api_key"]}", base_url="{c["base_url"]}").qbd
end_user = "{c["end_user_id"]}"
person = qbd.employees.list(conductor_end_user_id=end_user).data[0]
created = qbd.time_tracking_activities.create(
    conductor_end_user_id=end_user, entity_id=person.id, transaction_date="2026-01-05", duration="PT1H30M",
    note="Written with conductor-py",
)
print(qbd.time_tracking_activities.retrieve(created.id, conductor_end_user_id=end_user))'''
