"""What ``--sandbox`` lets a developer do to a company: empty its records, seed them, export and
import them as one document, keep and restore named snapshots; set its clock; give its requests
faults to meet. Each operation is one transaction: a failed import or restore changes nothing.

Credentials survive all of it: keys, logins and OAuth tokens stay valid, and so do the people they
belong to (an import that lacks them keeps them as they are; one that has them rewrites them).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from timeledger.ledger import faults
from timeledger.ledger.clock import CompanyClock, real_now, utc_now
from timeledger.ledger.errors import ConflictError, LedgerError, NotFoundError
from timeledger.ledger.faults import Fault, LoggedRequest, Realism
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


# --- the clock ------------------------------------------------------------------------------------


def set_clock(uow: UnitOfWork, company: Company, now: datetime, frozen: bool) -> CompanyClock:
    """The company's now becomes ``now``: staying there if ``frozen``, else running on from it."""
    clock = CompanyClock(now.astimezone(UTC), frozen, real_now())
    with uow.write():
        uow.sandbox.set_clock(company.key, clock)
        uow.commit()
    return clock


def clear_clock(uow: UnitOfWork, company: Company) -> None:
    with uow.write():
        uow.sandbox.set_clock(company.key, None)
        uow.commit()


def clock_of(uow: UnitOfWork, company: Company) -> CompanyClock | None:
    with uow:
        return uow.sandbox.clock(company.key)


# --- faults ---------------------------------------------------------------------------------------


def add_fault(
    uow: UnitOfWork,
    company: Company,
    *,
    api: str,
    fault: str,
    method: str | None = None,
    path: str | None = None,
    latency_ms: int | None = None,
    probability: float = 1.0,
    count: int | None = None,
) -> Fault:
    """A fault the company's requests to ``api`` meet; InvalidDocumentError naming what is wrong."""
    if api not in faults.APIS:
        raise InvalidDocumentError(f'"api" must be one of: {", ".join(faults.APIS)}.', field="api")
    if fault not in faults.KINDS:
        raise InvalidDocumentError(f'"fault" must be one of: {", ".join(faults.KINDS)}.', field="fault")
    if fault in faults.CONDUCTOR_ONLY and api != "conductor":
        raise InvalidDocumentError(f'"{fault}" is a QuickBooks Desktop fault: its "api" is conductor.')
    if method is not None and method not in faults.METHODS:
        raise InvalidDocumentError(f'"method" must be one of: {", ".join(faults.METHODS)}.', field="method")
    if fault == "latency":
        if latency_ms is None or not 1 <= latency_ms <= faults.MAX_LATENCY_MS:
            raise InvalidDocumentError(
                f'"latency_ms" must be a whole number from 1 to {faults.MAX_LATENCY_MS}.', field="latency_ms"
            )
    elif latency_ms is not None:
        raise InvalidDocumentError('"latency_ms" goes only with the "latency" fault.', field="latency_ms")
    if not 0 <= probability <= 1:
        raise InvalidDocumentError('"probability" must be from 0 to 1.', field="probability")
    if count is not None and count < 1:
        raise InvalidDocumentError('"count" must be a whole number of at least 1.', field="count")
    draft = Fault(0, api, method, path, fault, latency_ms, probability, count, utc_now())
    with uow.write():
        made = uow.sandbox.add_fault(company.key, draft)
        uow.commit()
    return made


def list_faults(uow: UnitOfWork, company: Company) -> list[Fault]:
    with uow:
        return uow.sandbox.faults(company.key)


def delete_faults(uow: UnitOfWork, company: Company, fault_id: int | None = None) -> int:
    with uow.write():
        gone = uow.sandbox.delete_faults(company.key, fault_id)
        if fault_id is not None and not gone:
            raise NotFoundError(f"No fault with id {fault_id} exists.")
        uow.commit()
    return gone


# --- realism ----------------------------------------------------------------------------------------


def realism_of(uow: UnitOfWork, company: Company) -> Realism:
    with uow:
        return uow.sandbox.realism(company.key)


def set_realism(uow: UnitOfWork, company: Company, changes: dict[str, Any]) -> Realism:
    """The company's realism with ``changes`` (any of Realism's fields) applied; the rest kept."""
    expiry = changes.get("conductor_cursor_expiry_seconds", ...)
    if expiry is not ... and expiry is not None and not expiry > 0:
        raise InvalidDocumentError('"conductor_cursor_expiry_seconds" must be a positive number, or null.')
    latency = changes.get("latency", ...)
    if latency is not ... and latency not in faults.LATENCIES:
        raise InvalidDocumentError(f'"latency" must be one of: {", ".join(faults.LATENCIES)}.')
    with uow.write():
        current = uow.sandbox.realism(company.key)
        realism = replace(current, **changes)
        uow.sandbox.set_realism(company.key, realism)
        uow.commit()
    return realism


def clear_realism(uow: UnitOfWork, company: Company) -> None:
    with uow.write():
        uow.sandbox.set_realism(company.key, Realism())
        uow.commit()


# --- the request log ----------------------------------------------------------------------------------


def logged_requests(uow: UnitOfWork, company: Company, limit: int, before: int | None) -> list[LoggedRequest]:
    with uow:
        return uow.sandbox.requests(company.key, limit, before)


def logged_request(uow: UnitOfWork, company: Company, request_id: int) -> LoggedRequest:
    with uow:
        found = uow.sandbox.request(company.key, request_id)
    if found is None:
        raise NotFoundError(f"No request with id {request_id} is in the log.")
    return found
