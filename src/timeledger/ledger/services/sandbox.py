"""What ``--sandbox`` lets a developer do to a company's records: empty them, seed them, export and
import them as one document, keep and restore named snapshots. Each operation is one transaction:
a failed import or restore changes nothing.

Credentials survive all of it: keys, logins and OAuth tokens stay valid, and so do the people they
belong to (an import that lacks them keeps them as they are; one that has them rewrites them).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from timeledger.ledger.clock import utc_now
from timeledger.ledger.errors import ConflictError, LedgerError, NotFoundError
from timeledger.ledger.lists import check_length
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.services.currencies import add_builtin_currencies
from timeledger.ledger.tenancy import Company, Organization


class InvalidDocumentError(LedgerError):
    """An import or seed document that is not a company's records; the message says where."""

    code = "invalid_document"


def reset(uow: UnitOfWork, company: Company) -> None:
    """No time, journal entries or list objects but the people the credentials name, and QuickBooks'
    built-in currencies, as a new company has."""
    with uow.write():
        data = uow.company_data
        data.clear(company.key, data.credential_people(company.key))
        add_builtin_currencies(uow, company.key, utc_now())
        uow.commit()


def new_demo_company(
    uow: UnitOfWork, organization: Organization, secret: str, base_url: str
) -> dict[str, Any]:
    """A new company of the demo's books in ``organization``, and its credentials in the shape of
    ``timeledger demo``'s output (``secret`` is the caller's key, written into them)."""
    from timeledger.demo import demo_company

    return demo_company(uow, organization, secret, base_url, own_login=True)


def seed_demo(uow: UnitOfWork, company: Company) -> None:
    """The demo's books added to the company, reusing the people it still has (by email)."""
    from timeledger.demo import seed  # the demo's data lives with the demo

    with uow.write():
        seed(uow, company, date.today())
        uow.commit()


def export(uow: UnitOfWork, company: Company) -> dict[str, Any]:
    with uow:
        return uow.company_data.export(company.key)


def import_document(uow: UnitOfWork, company: Company, document: Any) -> None:
    """The company's records become the document's, all or nothing."""
    with uow.write():
        _replace(uow, company, document)
        uow.commit()


def _replace(uow: UnitOfWork, company: Company, document: Any) -> None:
    data = uow.company_data
    try:
        data.replace(company.key, document, data.credential_people(company.key))
    except ValueError as error:  # the store's DocumentError
        raise InvalidDocumentError(f"The document cannot be imported: {error}.") from None


def take_snapshot(uow: UnitOfWork, company: Company, name: str) -> dict[str, Any]:
    if not isinstance(name, str) or not name.strip():
        raise InvalidDocumentError('"name" must be a non-empty string.', field="name")
    if "/" in name:  # it names the snapshot in paths
        raise InvalidDocumentError('"name" may not contain "/".', field="name")
    check_length(name, 200, "name")
    now = utc_now()
    with uow.write():
        document = uow.company_data.export(company.key)
        if not uow.company_data.save_snapshot(company.key, name, document, now):
            raise ConflictError(f'A snapshot named "{name}" already exists.', field="name")
        uow.commit()
    return {"name": name, "created_at": now}


def snapshots(uow: UnitOfWork, company: Company) -> list[dict[str, Any]]:
    with uow:
        return [{"name": name, "created_at": at} for name, at in uow.company_data.snapshots(company.key)]


def restore_snapshot(uow: UnitOfWork, company: Company, name: str) -> None:
    with uow.write():
        document = uow.company_data.snapshot(company.key, name)
        if document is None:
            raise NotFoundError(f'No snapshot named "{name}" exists.')
        _replace(uow, company, document)
        uow.commit()


def delete_snapshot(uow: UnitOfWork, company: Company, name: str) -> None:
    with uow.write():
        if not uow.company_data.delete_snapshot(company.key, name):
            raise NotFoundError(f'No snapshot named "{name}" exists.')
        uow.commit()
