"""Conductor's list objects (employees, vendors, other names, customers and jobs, service items,
classes, payroll wage items, accounts) to and from ledger list entries.

The ledger owns the fields rules read or other APIs share (names, hierarchy, active flag, contact
fields, account type, wage rate). Every other request field is kept as the entry's Conductor
attributes and comes back unchanged. ``...Id`` fields are references: to our lists they become
ledger links, rendered back as ``{id, fullName}``; to lists timeledger does not keep (terms, sales
tax codes, ...) they name nothing, and are refused as QuickBooks refuses an unknown reference.
``currencyId`` names one of the company's currencies, a ledger field of its own. Accounts also
show their ``balance`` and ``totalBalance``, which the caller computes and passes in.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from timeledger.dialects.conductor.errors import invalid_request
from timeledger.dialects.conductor.ids import parse_list_id, render_list_id, render_ref
from timeledger.dialects.conductor.paging import read_cursor
from timeledger.dialects.conductor.wire.schema import RESPONSES
from timeledger.dialects.conductor.wire.validation import render, validate_body, validate_query
from timeledger.dialects.conductor.wire.values import (
    parse_decimal,
    parse_limit,
    parse_updated_range,
    render_timestamp,
)
from timeledger.ledger.errors import UnknownReferenceError
from timeledger.ledger.journal import AccountBalance
from timeledger.ledger.lists import ListDraft
from timeledger.ledger.queries import ListQuery, NameFilter
from timeledger.ledger.records import ListEntry, Ref
from timeledger.ledger.values import ActiveStatus, ListKind

API = "conductor"


@dataclass(frozen=True)
class ListObject:
    """One Conductor list object type: its path, ledger list, object type and paging style."""

    path: str
    operations: str
    kind: ListKind
    object_type: str
    is_paged: bool
    can_update: bool = True


LIST_OBJECTS = (
    ListObject("employees", "employees", ListKind.EMPLOYEE, "qbd_employee", is_paged=False),
    ListObject("vendors", "vendors", ListKind.VENDOR, "qbd_vendor", is_paged=True),
    ListObject("other-names", "other_names", ListKind.OTHER_NAME, "qbd_other_name", is_paged=False),
    ListObject("customers", "customers", ListKind.CUSTOMER, "qbd_customer", is_paged=True),
    ListObject("service-items", "service_items", ListKind.SERVICE_ITEM, "qbd_service_item", is_paged=True),
    ListObject("classes", "classes", ListKind.CLASS, "qbd_class", is_paged=False),
    ListObject(
        "payroll-wage-items",
        "payroll_wage_items",
        ListKind.WAGE_ITEM,
        "qbd_payroll_wage_item",
        is_paged=True,
        can_update=False,
    ),
    ListObject("accounts", "accounts", ListKind.ACCOUNT, "qbd_account", is_paged=False),
)

# Wire fields the ledger owns, and their ledger names.
_LEDGER_FIELDS = {
    "name": "name",
    "isActive": "is_active",
    "firstName": "first_name",
    "middleName": "middle_name",
    "lastName": "last_name",
    "companyName": "company_name",
    "email": "email",
    "phone": "phone",
    "note": "note",
    "accountType": "account_type",
    "externalId": "external_id",
}

# An account's (or customer's, vendor's) ``openingBalance`` and ``openingBalanceDate`` are kept as
# Conductor attributes (no response field shows them) and post no journal entry, so they are not
# part of ``balance`` or ``totalBalance``. QuickBooks would post them against Opening Balance
# Equity; a caller who wants that in the balances records it as a journal entry.

# References the ledger keeps as fields of its own, not as links.
_OWN_REFERENCES = ("parentId", "currencyId")

# Reference fields that point into lists we keep: the list each must name.
_REFERENCE_KINDS = {
    "classId": ListKind.CLASS,
    "expenseAccountId": ListKind.ACCOUNT,
    "incomeAccountId": ListKind.ACCOUNT,
    "postingAccountId": ListKind.ACCOUNT,
    "defaultExpenseAccountIds": ListKind.ACCOUNT,
    "preferredVendorId": ListKind.VENDOR,
    "supervisorId": ListKind.EMPLOYEE,
    "payrollWageItemId": ListKind.WAGE_ITEM,
}


def _is_reference(key: str, value: Any) -> bool:
    return (key.endswith("Id") and isinstance(value, str)) or (
        key.endswith("Ids") and isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _split_references(value: Any, path: str, links: dict[str, tuple[ListKind, int | None]]) -> Any:
    """Copy ``value`` without its reference fields, recording each as a link role (a dotted path)."""
    if isinstance(value, list):
        return [_split_references(v, f"{path}{i}.", links) for i, v in enumerate(value)]
    if not isinstance(value, dict):
        return value
    kept: dict[str, Any] = {}
    for key, item in value.items():
        if not _is_reference(key, item):
            kept[key] = _split_references(item, f"{path}{key}.", links)
            continue
        wire_path = f"{path}{key}"
        kind = _REFERENCE_KINDS.get(key)
        if kind is None:
            raise UnknownReferenceError(
                f'There is an invalid reference to QuickBooks object "{item}" in "{wire_path}": '
                "timeledger keeps no such list.",
                field=wire_path,
            )
        if key.endswith("Ids"):
            for i, ref in enumerate(item):
                links[f"{path}{key[:-3]}s.{i}"] = (kind, parse_list_id(ref, wire_path))
        else:
            links[f"{path}{key[:-2]}"] = (kind, parse_list_id(item, wire_path))
    return kept


def _response_forms(fields: dict[str, Any]) -> dict[str, Any]:
    """Request fields whose response form differs (QuickBooks returns what it stored, not what was sent)."""
    out = dict(fields)
    if isinstance(out.get("barcode"), dict):
        out["barcode"] = out["barcode"].get("value")
    if "additionalNotes" in out:
        out["additionalNotes"] = [
            {"id": i + 1, "date": None, "note": n.get("note")} for i, n in enumerate(out["additionalNotes"])
        ]
    if "taxLineId" in out:
        out["taxLineDetails"] = {"taxLineId": out.pop("taxLineId"), "taxLineName": None}
    return out


def _check_create(obj: ListObject, fields: dict[str, Any]) -> None:
    """Request rules Conductor's API states for creates, before QuickBooks sees them."""
    if obj.kind is ListKind.ACCOUNT and fields.get("accountType") == "non_posting":
        raise invalid_request('A "non_posting" account cannot be created through the API.')
    if obj.kind is ListKind.SERVICE_ITEM and ("salesOrPurchaseDetails" in fields) == (
        "salesAndPurchaseDetails" in fields
    ):
        raise invalid_request(
            'A service item needs exactly one of "salesOrPurchaseDetails" and "salesAndPurchaseDetails".'
        )
    if obj.kind is ListKind.WAGE_ITEM and "rate" in fields and "ratePercent" in fields:
        raise invalid_request('Give a payroll wage item "rate" or "ratePercent", not both.')


def parse_list_object(obj: ListObject, body: object) -> ListDraft:
    fields = validate_body(f"{obj.operations}.create", body)
    _check_create(obj, fields)
    ledger = {_LEDGER_FIELDS[k]: v for k, v in fields.items() if k in _LEDGER_FIELDS}
    if "currencyId" in fields:
        ledger["currency_key"] = parse_list_id(fields["currencyId"], "currencyId")
    rest = {k: v for k, v in fields.items() if k not in _LEDGER_FIELDS and k not in _OWN_REFERENCES}
    links: dict[str, tuple[ListKind, int | None]] = {}
    extra = _response_forms(_split_references(rest, "", links))
    rate = None
    if obj.kind is ListKind.WAGE_ITEM and "rate" in fields:
        rate = parse_decimal(fields["rate"], "rate", integer_digits=10, places=5)
    return ListDraft(
        kind=obj.kind,
        parent_key=parse_list_id(fields["parentId"], "parentId") if "parentId" in fields else None,
        rate=rate,
        extra={API: extra},
        links=links,
        **ledger,
    )


def parse_list_object_update(
    obj: ListObject, body: object
) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, tuple[ListKind, int | None]]]:
    """The revision, ledger changes, Conductor attributes to merge, and links to replace."""
    fields = validate_body(f"{obj.operations}.update", body)
    revision = fields.pop("revisionNumber")
    changes: dict[str, Any] = {_LEDGER_FIELDS[k]: v for k, v in fields.items() if k in _LEDGER_FIELDS}
    if "parentId" in fields:
        changes["parent_key"] = parse_list_id(fields["parentId"], "parentId")
    if "currencyId" in fields:
        changes["currency_key"] = parse_list_id(fields["currencyId"], "currencyId")
    rest = {k: v for k, v in fields.items() if k not in _LEDGER_FIELDS and k not in _OWN_REFERENCES}
    links: dict[str, tuple[ListKind, int | None]] = {}
    extra = _response_forms(_split_references(rest, "", links))
    return revision, changes, ({API: extra} if extra else {}), links


def parse_list_query(obj: ListObject, params: list[tuple[str, str]]) -> ListQuery:
    fields = validate_query(f"{obj.operations}.list", params)
    limit = parse_limit(fields) if obj.is_paged else fields.get("limit")
    if limit is not None and limit < 1:
        raise invalid_request(f'"limit" must be at least 1, not {limit}.')
    if "ids" in fields:
        return ListQuery(obj.kind, keys=tuple(parse_list_id(i, "ids") for i in fields["ids"]), limit=limit)
    exact = fields.get("fullNames") or fields.get("names")
    if exact:
        return ListQuery(obj.kind, full_names=tuple(exact), limit=limit)
    balance_filters = [k for k in fields if k.startswith("totalBalance")]
    if balance_filters:
        raise invalid_request(
            f'"{balance_filters[0]}" is not supported: timeledger keeps no customer or vendor balances.'
        )
    substring = [k for k in ("nameContains", "nameStartsWith", "nameEndsWith") if k in fields]
    if len(substring) > 1:
        raise invalid_request(
            f"Use only one of nameContains, nameStartsWith and nameEndsWith, not {', '.join(substring)}."
        )
    ranged = [k for k in ("nameFrom", "nameTo") if k in fields]
    if substring and ranged:
        raise invalid_request(f'"{substring[0]}" cannot be combined with "{ranged[0]}".')
    link_keys = []
    if "classIds" in fields:
        link_keys.append(("class", tuple(parse_list_id(i, "classIds") for i in fields["classIds"])))
    position = read_cursor(params, fields["cursor"]) if obj.is_paged and "cursor" in fields else None
    return ListQuery(
        obj.kind,
        names=NameFilter(
            contains=fields.get("nameContains"),
            starts_with=fields.get("nameStartsWith"),
            ends_with=fields.get("nameEndsWith"),
            from_=fields.get("nameFrom"),
            to=fields.get("nameTo"),
        ),
        status=ActiveStatus(fields.get("status", "active")),
        **parse_updated_range(fields),
        account_type=fields.get("accountType"),
        link_keys=tuple(link_keys),
        currency_keys=tuple(parse_list_id(i, "currencyIds") for i in fields.get("currencyIds", ())),
        limit=limit,
        after=(position.sort_value, position.key) if position else None,
    )


def _place(target: dict[str, Any], path: str, ref: Ref) -> None:
    """Put a rendered reference at a dotted path such as ``employeePayroll.earnings.0.payrollWageItem``."""
    parts = path.split(".")
    node: Any = target
    for part, following in itertools.pairwise(parts):
        if isinstance(node, list):
            node = node[int(part)]
            continue
        if node.get(part) is None:
            node[part] = [] if following.isdigit() else {}
        node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        index = int(last)
        node.extend([None] * (index + 1 - len(node)))
        node[index] = render_ref(ref)
    else:
        node[last] = render_ref(ref)


def render_list_object(
    obj: ListObject,
    entry: ListEntry,
    *,
    options: Mapping[str, Any] | None = None,
    balance: AccountBalance | None = None,
) -> dict:
    shape = RESPONSES[obj.object_type]
    values: dict[str, Any] = _deep_copy(entry.extra.get(API, {}))
    values.update(
        id=render_list_id(entry.key, entry.created_at),
        objectType=obj.object_type,
        createdAt=render_timestamp(entry.created_at),
        updatedAt=render_timestamp(entry.updated_at),
        revisionNumber=str(entry.revision),
    )
    for wire, attr in _LEDGER_FIELDS.items():
        if wire in shape:
            values[wire] = getattr(entry, attr)
    if "fullName" in shape:
        values.update(fullName=entry.full_name, sublevel=entry.sublevel, parent=render_ref(entry.parent))
    if obj.kind is ListKind.WAGE_ITEM:
        values["rate"] = None if entry.rate is None else str(entry.rate)
    if "currency" in shape:
        values["currency"] = render_ref(entry.currency)
    if balance is not None:
        values.update(balance=f"{balance.balance:.2f}", totalBalance=f"{balance.total_balance:.2f}")
    for role, ref in sorted(entry.links.items()):
        _place(values, role, ref)
    if options and options.get("excludeAlternateShippingAddresses"):
        values["alternateShippingAddresses"] = None
    if values.get("additionalContacts"):
        values["additionalContacts"] = [
            _contact(c, entry, i) for i, c in enumerate(values["additionalContacts"])
        ]
    return render(obj.object_type, values)


def _contact(sent: dict[str, Any], entry: ListEntry, index: int) -> dict[str, Any]:
    """A contact as QuickBooks returns it: what was sent, plus the identity QuickBooks gives each
    contact (an ID, its entry's times and revision) when the request did not carry one."""
    return {
        "id": f"{render_list_id(entry.key, entry.created_at)}-{index + 1}",
        "createdAt": render_timestamp(entry.created_at),
        "updatedAt": render_timestamp(entry.updated_at),
        "revisionNumber": str(entry.revision),
        "name": " ".join(p for p in (sent.get("firstName"), sent.get("lastName")) if p) or None,
        **sent,
    }


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value
