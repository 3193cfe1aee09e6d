"""qbXML's list objects: each ``...Ret`` rendered from the object's REST rendering, and the list
queries (``CustomerQueryRq``, ``CurrencyQueryRq``, ...) read as ledger queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from timeledger.dialects.conductor.qbxml.message import (
    QUERY_ATTRIBUTES,
    Element,
    QbxmlRequest,
    check_query_attributes,
    read_count,
    read_list_id,
    read_modified_range,
)
from timeledger.dialects.conductor.qbxml.statuses import (
    QbxmlStatusError,
    unsupported_enum_value,
    unsupported_field,
)
from timeledger.dialects.conductor.wire.schema import ACCOUNT_TYPE_VALUES
from timeledger.ledger.queries import CurrencyQuery, ListQuery, NameFilter
from timeledger.ledger.values import ActiveStatus, ListKind


@dataclass(frozen=True, slots=True)
class ListRet:
    """One list object qbXML queries: its name (``ItemService`` for ``ItemServiceQueryRq`` and
    ``ItemServiceRet``), the Conductor object type its REST rendering has, and its ``...Ret``'s
    elements after the common head, each as ``(element, Conductor key)`` in qbXML's order."""

    name: str
    object_type: str
    kind: ListKind | None
    elements: tuple[tuple[str, str], ...]

    @property
    def request_name(self) -> str:
        return f"{self.name}QueryRq"

    @property
    def ret_name(self) -> str:
        return f"{self.name}Ret"


_PERSON = (
    ("Salutation", "salutation"),
    ("FirstName", "firstName"),
    ("MiddleName", "middleName"),
    ("LastName", "lastName"),
)
_PHONES = (("Phone", "phone"), ("AltPhone", "alternatePhone"), ("Fax", "fax"), ("Email", "email"))
_CONTACTS = (("Contact", "contact"), ("AltContact", "alternateContact"))
_TREE = (("ParentRef", "parent"), ("Sublevel", "sublevel"))

# Each ``...Ret``'s elements timeledger holds, from conductor-node 11's qbdTypes.ts (QuickBooks'
# own order). The REST API renders every list object (``wire.lists.render_list_object``); its
# ``...Ret`` is that object under qbXML's names, so the two can never disagree.
LIST_RETS = (
    ListRet(
        "Employee",
        "qbd_employee",
        ListKind.EMPLOYEE,
        (
            ("IsActive", "isActive"),
            *_PERSON,
            ("JobTitle", "jobTitle"),
            ("SupervisorRef", "supervisor"),
            ("Description", "description"),
            ("Phone", "phone"),
            ("Mobile", "mobile"),
            ("AltPhone", "alternatePhone"),
            ("Fax", "fax"),
            ("Email", "email"),
            ("AccountNumber", "accountNumber"),
            ("Notes", "note"),
            ("ExternalGUID", "externalId"),
        ),
    ),
    ListRet(
        "Vendor",
        "qbd_vendor",
        ListKind.VENDOR,
        (
            ("IsActive", "isActive"),
            ("ClassRef", "class"),
            ("CompanyName", "companyName"),
            *_PERSON,
            ("JobTitle", "jobTitle"),
            *_PHONES,
            *_CONTACTS,
            ("NameOnCheck", "nameOnCheck"),
            ("AccountNumber", "accountNumber"),
            ("Notes", "note"),
            ("Balance", "balance"),
            ("ExternalGUID", "externalId"),
            ("CurrencyRef", "currency"),
        ),
    ),
    ListRet(
        "OtherName",
        "qbd_other_name",
        ListKind.OTHER_NAME,
        (
            ("IsActive", "isActive"),
            ("CompanyName", "companyName"),
            *_PERSON,
            *_PHONES,
            *_CONTACTS,
            ("AccountNumber", "accountNumber"),
            ("Notes", "note"),
            ("ExternalGUID", "externalId"),
        ),
    ),
    ListRet(
        "Customer",
        "qbd_customer",
        ListKind.CUSTOMER,
        (
            ("FullName", "fullName"),
            ("IsActive", "isActive"),
            ("ClassRef", "class"),
            *_TREE,
            ("CompanyName", "companyName"),
            *_PERSON,
            ("JobTitle", "jobTitle"),
            *_PHONES,
            *_CONTACTS,
            ("Balance", "balance"),
            ("TotalBalance", "totalBalance"),
            ("AccountNumber", "accountNumber"),
            ("Notes", "note"),
            ("ExternalGUID", "externalId"),
            ("CurrencyRef", "currency"),
        ),
    ),
    ListRet(
        "ItemService",
        "qbd_service_item",
        ListKind.SERVICE_ITEM,
        (
            ("FullName", "fullName"),
            ("IsActive", "isActive"),
            ("ClassRef", "class"),
            *_TREE,
            ("SalesOrPurchase", "salesOrPurchaseDetails"),
            ("SalesAndPurchase", "salesAndPurchaseDetails"),
            ("ExternalGUID", "externalId"),
        ),
    ),
    ListRet(
        "Class", "qbd_class", ListKind.CLASS, (("FullName", "fullName"), ("IsActive", "isActive"), *_TREE)
    ),
    ListRet(
        "PayrollItemWage",
        "qbd_payroll_wage_item",
        ListKind.WAGE_ITEM,
        (("IsActive", "isActive"), ("WageType", "wageType"), ("ExpenseAccountRef", "expenseAccount")),
    ),
    ListRet(
        "Account",
        "qbd_account",
        ListKind.ACCOUNT,
        (
            ("FullName", "fullName"),
            ("IsActive", "isActive"),
            *_TREE,
            ("AccountType", "accountType"),
            ("AccountNumber", "accountNumber"),
            ("Desc", "description"),
            ("Balance", "balance"),
            ("TotalBalance", "totalBalance"),
            ("CurrencyRef", "currency"),
        ),
    ),
    ListRet(
        "Currency",
        "qbd_currency",
        None,  # not a ledger list: the company's currencies
        (
            ("IsActive", "isActive"),
            ("CurrencyCode", "currencyCode"),
            ("CurrencyFormat", "currencyFormat"),
            ("IsUserDefinedCurrency", "isUserDefinedCurrency"),
            ("ExchangeRate", "exchangeRate"),
            ("AsOfDate", "asOfDate"),
        ),
    ),
)

# Nested aggregates: Conductor's keys under qbXML's names, in qbXML's order.
_AGGREGATES: dict[str, dict[str, str]] = {
    "salesOrPurchaseDetails": {
        "description": "Desc",
        "price": "Price",
        "pricePercentage": "PricePercent",
        "postingAccount": "AccountRef",
    },
    "salesAndPurchaseDetails": {
        "salesDescription": "SalesDesc",
        "salesPrice": "SalesPrice",
        "incomeAccount": "IncomeAccountRef",
        "purchaseDescription": "PurchaseDesc",
        "purchaseCost": "PurchaseCost",
        "purchaseTaxCode": "PurchaseTaxCodeRef",
        "expenseAccount": "ExpenseAccountRef",
        "preferredVendor": "PrefVendorRef",
    },
    "currencyFormat": {
        "thousandSeparator": "ThousandSeparator",
        "thousandSeparatorGrouping": "ThousandSeparatorGrouping",
        "decimalPlaces": "DecimalPlaces",
        "decimalSeparator": "DecimalSeparator",
    },
}
# Conductor's snake_case enums in qbXML's spelling: ``hourly_regular`` is ``HourlyRegular``, except
# the digit groupings, which qbXML writes as patterns (``XX_XXX_XXX``).
_PATTERN_ENUMS = {"thousandSeparatorGrouping"}
_ENUMS = {"accountType", "wageType", "thousandSeparator", "decimalSeparator", *_PATTERN_ENUMS}


def _pascal(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def _qbxml_value(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"id", "fullName"}:  # a reference
            return None if value["id"] is None else {"ListID": value["id"], "FullName": value["fullName"]}
        inner = {name: _qbxml_value(k, value.get(k)) for k, name in _AGGREGATES.get(key, {}).items()}
        inner = {k: v for k, v in inner.items() if v is not None}
        return inner or None
    if key in _ENUMS and isinstance(value, str):
        return value.upper() if key in _PATTERN_ENUMS else _pascal(value)
    if key == "sublevel" and isinstance(value, float | int):
        return int(value)  # INTTYPE
    return value


def render_list_ret(obj: ListRet, rendered: Mapping[str, Any]) -> dict[str, Any]:
    """A ``...Ret`` from the object's REST rendering (``rendered``); empty elements are left out."""
    ret: dict[str, Any] = {
        "ListID": rendered["id"],
        "TimeCreated": rendered["createdAt"],
        "TimeModified": rendered["updatedAt"],
        "EditSequence": rendered["revisionNumber"],
        "Name": rendered["name"],
    }
    for element, key in obj.elements:
        value = _qbxml_value(key, rendered.get(key))
        if value is not None:
            ret[element] = value
    return ret


@dataclass(frozen=True, slots=True)
class ListQueryRequest:
    """A list query: ListIDs or FullNames (exact, each reported when it names nothing), or the
    filters as a ledger query (``ListQuery``, or ``CurrencyQuery`` for currencies)."""

    query: ListQuery | CurrencyQuery | None
    list_ids: tuple[tuple[str, int], ...] = ()  # as sent, and as keys
    full_names: tuple[str, ...] = ()
    include: tuple[str, ...] = ()


_ACTIVE_STATUSES = {
    "ActiveOnly": ActiveStatus.ACTIVE,
    "InactiveOnly": ActiveStatus.INACTIVE,
    "All": ActiveStatus.ALL,
}
_MATCH_CRITERIA = ("StartsWith", "Contains", "EndsWith")
# Filters qbXML has on these queries that timeledger does not apply (530 rather than ignored).
_UNSUPPORTED_FILTERS = ("TotalBalanceFilter", "CurrencyFilter", "ClassFilter")
# qbXML's account types, and the groups ``AccountType`` may also name in a query (531).
_ACCOUNT_TYPES = {_pascal(t): t for t in ACCOUNT_TYPE_VALUES}
_ACCOUNT_TYPE_GROUPS = (
    "AllowedFor1099",
    "APAndSalesTax",
    "APOrCreditCard",
    "ARAndAP",
    "Asset",
    "BalanceSheet",
    "BankAndARAndAPAndUF",
    "BankAndUF",
    "CostOfSales",
    "CurrentAsset",
    "CurrentAssetAndExpense",
    "CurrentLiability",
    "EquityAndIncomeAndExpense",
    "ExpenseAndOtherExpense",
    "IncomeAndExpense",
    "IncomeAndOtherIncome",
    "Liability",
    "LiabilityAndEquity",
    "OrdinaryExpense",
    "OrdinaryIncome",
    "OrdinaryIncomeAndCOGS",
    "OrdinaryIncomeAndExpense",
    "OtherIncomeOrExpense",
)


def parse_list_query(obj: ListRet, request: QbxmlRequest) -> ListQueryRequest:
    """Any of the list queries: ``ListID`` | ``FullName`` | the filters, then ``IncludeRetElement``.
    ``OwnerID`` asks for data extensions, of which timeledger keeps none: it is read and changes nothing."""
    filters = [
        "MaxReturned",
        "ActiveStatus",
        "FromModifiedDate",
        "ToModifiedDate",
        "NameFilter",
        "NameRangeFilter",
    ]
    if obj.kind in (ListKind.VENDOR, ListKind.CUSTOMER):
        filters += _UNSUPPORTED_FILTERS
    elif obj.kind in (ListKind.SERVICE_ITEM,):
        filters.append("ClassFilter")
    elif obj.kind is ListKind.ACCOUNT:
        filters += ["AccountType", "CurrencyFilter"]
    children = {"ListID": True, "FullName": True, **dict.fromkeys(filters, False), "IncludeRetElement": True}
    if obj.kind is not None and obj.kind not in (ListKind.CLASS, ListKind.WAGE_ITEM):
        children["OwnerID"] = True
    rq = Element(request.body, request.name, children, QUERY_ATTRIBUTES)
    rq.exclusive(("ListID",), ("FullName",), filters)
    rq.exclusive(("NameFilter",), ("NameRangeFilter",))
    check_query_attributes(rq)
    include = tuple(rq.texts("IncludeRetElement"))
    if rq.has("ListID"):
        list_ids = tuple((t, read_list_id(t, "ListID")) for t in rq.texts("ListID"))
        return ListQueryRequest(None, list_ids=list_ids, include=include)
    if rq.has("FullName"):
        return ListQueryRequest(None, full_names=tuple(rq.texts("FullName")), include=include)
    for name in _UNSUPPORTED_FILTERS:
        if rq.has(name):
            raise QbxmlStatusError(unsupported_field(name))
    status = _ACTIVE_STATUSES[rq.enum("ActiveStatus", _ACTIVE_STATUSES) or "ActiveOnly"]
    updated = read_modified_range(rq)
    names = _name_filter(rq)
    limit = read_count(rq, "MaxReturned")
    if obj.kind is None:
        return ListQueryRequest(
            CurrencyQuery(name=names, status=status, limit=limit, **updated), include=include
        )
    account_type = rq.enum("AccountType", [*_ACCOUNT_TYPES, *_ACCOUNT_TYPE_GROUPS])
    if account_type in _ACCOUNT_TYPE_GROUPS:
        raise QbxmlStatusError(unsupported_enum_value("AccountType", account_type or ""))
    query = ListQuery(
        obj.kind,
        names=names,
        status=status,
        account_type=_ACCOUNT_TYPES.get(account_type or ""),
        limit=limit,
        **updated,
    )
    return ListQueryRequest(query, include=include)


def _name_filter(rq: Element) -> NameFilter:
    match = rq.child(
        "NameFilter", {"MatchCriterion": False, "Name": False}, required=("MatchCriterion", "Name")
    )
    if match is not None:
        criterion, name = match.enum("MatchCriterion", _MATCH_CRITERIA), match.text("Name")
        key = {"StartsWith": "starts_with", "Contains": "contains", "EndsWith": "ends_with"}[criterion or ""]
        return NameFilter(**{key: name})
    ranged = rq.child("NameRangeFilter", {"FromName": False, "ToName": False})
    if ranged is not None:
        return NameFilter(from_=ranged.text("FromName"), to=ranged.text("ToName"))
    return NameFilter()
