"""Companies: the sets of books an organization keeps (Conductor calls each an end user)."""

from __future__ import annotations

import secrets
import string

from timeledger.ledger.clock import utc_now
from timeledger.ledger.errors import NotFoundError
from timeledger.ledger.journal import HOME_CURRENCY_CODE, check_home_currency_code
from timeledger.ledger.lists import check_length
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.services.currencies import add_builtin_currencies
from timeledger.ledger.tenancy import Company
from timeledger.ledger.time_entries import check_time_zone

_ALPHABET = string.ascii_lowercase + string.digits


def public_token(prefix: str, length: int = 14) -> str:
    """An unguessable public identifier such as ``end_usr_4f9k2m...``."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def create_company(
    uow: UnitOfWork,
    organization_key: int,
    name: str,
    email: str,
    source_id: str,
    *,
    connected: bool = False,
    home_currency_code: str = HOME_CURRENCY_CODE,
    time_zone: str = "UTC",
) -> Company:
    """A new set of books holding only QuickBooks' built-in currencies, one of them its home currency.
    ``connected`` skips the auth session a person would otherwise complete; ``time_zone`` (IANA) is
    every person's unless they have their own."""
    home_currency_code = check_home_currency_code(home_currency_code)
    time_zone = check_time_zone(time_zone)
    for text, limit, field in (
        (name, 200, "company_name"),
        (email, 320, "email"),
        (source_id, 200, "source_id"),
    ):
        check_length(text, limit, field)
    now = utc_now()
    with uow.write():
        company = uow.tenancy.add_company(
            organization_key,
            public_token("end_usr_"),
            name,
            email,
            source_id,
            now,
            home_currency_code,
            time_zone,
        )
        add_builtin_currencies(uow, company.key, now)
        if connected:
            company = uow.tenancy.connect(company, public_token("int_conn_"), now)
        uow.commit()
    return company


def retrieve_company(uow: UnitOfWork, organization_key: int, public_id: str) -> Company:
    with uow:
        company = uow.tenancy.company(organization_key, public_id)
    if company is None:
        raise NotFoundError("No end user has that id.")
    return company


def list_companies(uow: UnitOfWork, organization_key: int) -> list[Company]:
    with uow:
        return uow.tenancy.companies(organization_key)


def delete_company(uow: UnitOfWork, organization_key: int, public_id: str) -> Company:
    """Close a company's books: it and its connection vanish from every read."""
    now = utc_now()
    with uow.write():
        company = uow.tenancy.company(organization_key, public_id)
        if company is None:
            raise NotFoundError("No end user has that id.")
        uow.tenancy.delete_company(company, now)
        uow.commit()
    return company


def record_request(uow: UnitOfWork, company: Company) -> None:
    """Note that the company's QuickBooks Desktop answered a request (its connection's last request)."""
    with uow.write():
        uow.tenancy.touch_connection(company, utc_now())
        uow.commit()
