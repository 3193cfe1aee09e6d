"""Conductor's passthrough through conductor-py: qbXML requests written as JSON, answered from the
same ledger the REST API reads, each with QuickBooks' own status; and Conductor's own refusals of
the call (bad slug, unknown or foreign end user, a body that is no qbXML request)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import conductor as conductor_sdk
import pytest
from conductor import Conductor

from tests.conformance.conductor.conftest import make_client
from tests.conformance.conductor.refusals import invalid_request, qbd_refusal, resource_missing
from tests.servers import Server, run_cli

OK = {"@statusCode": "0", "@statusSeverity": "Info", "@statusMessage": "Status OK"}


@pytest.fixture(scope="module")
def books(qbd: Any, new_end_user: Any) -> dict[str, Any]:
    """A company of its own, with one of every list object and a few activities made through REST."""
    eu = new_end_user()
    a = dict(conductor_end_user_id=eu)
    income = qbd.accounts.create(name="Services", account_type="income", account_number="4000", **a)
    expense = qbd.accounts.create(name="Payroll", account_type="expense", **a)
    books: dict[str, Any] = {
        "end_user": eu,
        "income": income,
        "employee": qbd.employees.create(
            first_name="Ada", last_name="Lovelace", email="ada@example.com", **a
        ),
        "employee2": qbd.employees.create(first_name="Grace", last_name="Hopper", **a),
        "vendor": qbd.vendors.create(name="Northwind", company_name="Northwind Ltd", **a),
        "other": qbd.other_names.create(name="Sam Freelancer", **a),
        "customer": qbd.customers.create(name="Acme", phone="555-0100", **a),
        "item": qbd.service_items.create(
            name="Consulting",
            sales_or_purchase_details={"posting_account_id": income.id, "price": "150.00"},
            **a,
        ),
        "class": qbd.classes.create(name="Engineering", **a),
        "wage": qbd.payroll_wage_items.create(
            name="Regular Pay", wage_type="hourly_regular", expense_account_id=expense.id, **a
        ),
    }
    books["job"] = qbd.customers.create(name="Roof", parent_id=books["customer"].id, **a)
    books["retired"] = qbd.classes.create(name="Retired", is_active=False, **a)
    make = qbd.time_tracking_activities.create
    books["activities"] = [
        make(
            entity_id=books["employee"].id,
            transaction_date="2026-03-02",
            duration="PT1H30M",
            customer_id=books["job"].id,
            service_item_id=books["item"].id,
            class_id=books["class"].id,
            payroll_wage_item_id=books["wage"].id,
            note="Kickoff",
            external_id=str(uuid.uuid4()),
            **a,
        ),
        make(entity_id=books["employee2"].id, transaction_date="2026-03-03", duration="PT8H0M", **a),
        make(entity_id=books["vendor"].id, transaction_date="2026-03-04", duration="PT0H15M", **a),
    ]
    return books


def passthrough(conductor: Conductor, end_user: str, payload: dict[str, Any]) -> dict[str, Any]:
    return conductor.end_users.passthrough("quickbooks_desktop", id=end_user, qbd_payload=payload)


def status(rs: dict[str, Any]) -> tuple[str, str]:
    return rs["@statusCode"], rs["@statusSeverity"]


def ref(conductor_ref: Any) -> dict[str, str] | None:
    """A REST reference as qbXML writes it."""
    return (
        None if conductor_ref is None else {"ListID": conductor_ref.id, "FullName": conductor_ref.full_name}
    )


def as_qbxml(activity: Any) -> dict[str, Any]:
    """A REST activity as the TimeTrackingRet qbXML would hold for it."""
    ret = {
        "TxnID": activity.id,
        "TimeCreated": activity.created_at,
        "TimeModified": activity.updated_at,
        "EditSequence": activity.revision_number,
        "TxnDate": activity.transaction_date.isoformat(),
        "EntityRef": ref(activity.entity),
        "CustomerRef": ref(activity.customer),
        "ItemServiceRef": ref(activity.service_item),
        "Duration": activity.duration + "0S",
        "ClassRef": ref(activity.class_),
        "PayrollItemWageRef": ref(activity.payroll_wage_item),
        "Notes": activity.note,
        "BillableStatus": {
            "billable": "Billable",
            "not_billable": "NotBillable",
            "has_been_billed": "HasBeenBilled",
        }[activity.billing_status],
        "ExternalGUID": activity.external_id,
        "IsBillable": activity.billing_status == "billable",
        "IsBilled": activity.is_billed,
    }
    return {k: v for k, v in ret.items() if v is not None}


# --- the acceptance point: the same activities as the REST list -------------------------------------


def test_a_time_tracking_query_returns_the_activities_the_rest_list_returns(
    conductor: Conductor, qbd: Any, books: dict[str, Any]
) -> None:
    rest = list(qbd.time_tracking_activities.list(conductor_end_user_id=books["end_user"]))
    answer = passthrough(conductor, books["end_user"], {"TimeTrackingQueryRq": {}})
    rs = answer["TimeTrackingQueryRs"]
    assert {k: rs[k] for k in OK} == OK
    assert rs["TimeTrackingRet"] == [as_qbxml(a) for a in rest]
    assert len(rest) >= 3
    first = rs["TimeTrackingRet"][0]
    assert first["Duration"] == "PT1H30M0S" and first["CustomerRef"]["FullName"] == "Acme:Roof"
    assert first["TimeCreated"].endswith("+00:00")


def test_a_time_tracking_add_creates_an_activity_the_rest_api_retrieves(
    conductor: Conductor, qbd: Any, books: dict[str, Any]
) -> None:
    add = {
        "TxnDate": "2026-04-01",
        "EntityRef": {"FullName": "Ada Lovelace"},
        "CustomerRef": {"ListID": books["customer"].id},
        "ItemServiceRef": {"FullName": "Consulting"},
        "Duration": "PT2H45M0S",
        "ClassRef": {"FullName": "Engineering"},
        "Notes": "Written as qbXML",
        "BillableStatus": "Billable",
    }
    rs = passthrough(conductor, books["end_user"], {"TimeTrackingAddRq": {"TimeTrackingAdd": add}})[
        "TimeTrackingAddRs"
    ]
    assert status(rs) == ("0", "Info")
    ret = rs["TimeTrackingRet"]
    assert isinstance(ret, dict)  # an add's Ret is one object, a query's a list
    got = qbd.time_tracking_activities.retrieve(ret["TxnID"], conductor_end_user_id=books["end_user"])
    assert as_qbxml(got) == ret
    assert (got.entity.id, got.customer.id, got.service_item.id) == (
        books["employee"].id,
        books["customer"].id,
        books["item"].id,
    )
    assert (got.duration, got.note, got.billing_status) == ("PT2H45M", "Written as qbXML", "billable")


def test_a_time_tracking_mod_changes_the_activity_and_a_stale_edit_sequence_is_3200(
    conductor: Conductor, qbd: Any, books: dict[str, Any]
) -> None:
    eu = books["end_user"]
    created = qbd.time_tracking_activities.create(
        entity_id=books["other"].id,
        transaction_date="2026-04-02",
        duration="PT1H0M",
        conductor_end_user_id=eu,
    )
    mod = {
        "TxnID": created.id,
        "EditSequence": created.revision_number,
        "EntityRef": {"ListID": books["other"].id},
        "Duration": "PT3H0M",
        "Notes": "Changed",
    }
    rs = passthrough(conductor, eu, {"TimeTrackingModRq": {"TimeTrackingMod": mod}})["TimeTrackingModRs"]
    assert status(rs) == ("0", "Info")
    got = qbd.time_tracking_activities.retrieve(created.id, conductor_end_user_id=eu)
    assert (got.duration, got.note, got.transaction_date.isoformat()) == ("PT3H0M", "Changed", "2026-04-02")
    assert rs["TimeTrackingRet"] == as_qbxml(got)

    stale = passthrough(conductor, eu, {"TimeTrackingModRq": {"TimeTrackingMod": mod}})["TimeTrackingModRs"]
    assert status(stale) == ("3200", "Error") and "TimeTrackingRet" not in stale
    assert f'"{created.revision_number}"' in stale["@statusMessage"]
    unknown = {**mod, "TxnID": "FFFFFF-1700000000"}
    missing = passthrough(conductor, eu, {"TimeTrackingModRq": {"TimeTrackingMod": unknown}})
    assert status(missing["TimeTrackingModRs"]) == ("3120", "Error")


# --- list objects: what the REST lists return ---------------------------------------------------------

LISTS = [
    ("Employee", "employees"),
    ("Vendor", "vendors"),
    ("OtherName", "other_names"),
    ("Customer", "customers"),
    ("ItemService", "service_items"),
    ("Class", "classes"),
    ("PayrollItemWage", "payroll_wage_items"),
    ("Account", "accounts"),
    ("Currency", "currencies"),
]


@pytest.mark.parametrize(("name", "resource"), LISTS, ids=[n for n, _ in LISTS])
def test_each_list_query_returns_what_the_rest_list_returns(
    conductor: Conductor, qbd: Any, books: dict[str, Any], name: str, resource: str
) -> None:
    found = getattr(qbd, resource).list(conductor_end_user_id=books["end_user"])
    rest = list(found) if hasattr(found, "next_cursor") else found.data  # a cursor page, or a plain list
    rs = passthrough(conductor, books["end_user"], {f"{name}QueryRq": {}})[f"{name}QueryRs"]
    assert status(rs) == ("0", "Info")
    rets = rs[f"{name}Ret"]
    assert [
        (r["ListID"], r["Name"], r.get("FullName", r["Name"]), r["IsActive"], r["EditSequence"]) for r in rets
    ] == [(o.id, o.name, getattr(o, "full_name", o.name), o.is_active, o.revision_number) for o in rest]
    assert all(
        r["TimeCreated"] == o.created_at and r["TimeModified"] == o.updated_at
        for r, o in zip(rets, rest, strict=True)
    )


def test_list_rets_carry_the_ledgers_fields_under_qbxml_names(
    conductor: Conductor, books: dict[str, Any]
) -> None:
    payload = {
        "EmployeeQueryRq": {"ListID": books["employee"].id},
        "CustomerQueryRq": {"FullName": "Acme:Roof"},
        "ItemServiceQueryRq": {"FullName": "Consulting"},
        "PayrollItemWageQueryRq": {},
        "AccountQueryRq": {"ListID": books["income"].id},
        "CurrencyQueryRq": {"FullName": "US Dollar"},
    }
    answer = passthrough(conductor, books["end_user"], payload)
    [employee] = answer["EmployeeQueryRs"]["EmployeeRet"]
    assert (employee["FirstName"], employee["LastName"], employee["Email"]) == (
        "Ada",
        "Lovelace",
        "ada@example.com",
    )
    [job] = answer["CustomerQueryRs"]["CustomerRet"]
    assert job["ParentRef"] == {"ListID": books["customer"].id, "FullName": "Acme"}
    assert job["Sublevel"] == 1 and job["IsActive"] is True
    [item] = answer["ItemServiceQueryRs"]["ItemServiceRet"]
    assert item["SalesOrPurchase"] == {
        "Price": "150.00",
        "AccountRef": {"ListID": books["income"].id, "FullName": "Services"},
    }
    [wage] = answer["PayrollItemWageQueryRs"]["PayrollItemWageRet"]
    assert wage["WageType"] == "HourlyRegular" and wage["ExpenseAccountRef"]["FullName"] == "Payroll"
    [account] = answer["AccountQueryRs"]["AccountRet"]
    assert (account["AccountType"], account["AccountNumber"], account["Balance"]) == (
        "Income",
        "4000",
        "0.00",
    )
    [dollar] = answer["CurrencyQueryRs"]["CurrencyRet"]
    assert (dollar["CurrencyCode"], dollar["IsUserDefinedCurrency"]) == ("USD", False)
    assert dollar["CurrencyFormat"]["ThousandSeparatorGrouping"] == "XX_XXX_XXX"


# --- filters ------------------------------------------------------------------------------------------


def test_time_tracking_filters(conductor: Conductor, books: dict[str, Any]) -> None:
    eu = books["end_user"]
    ada, kickoff = books["employee"], books["activities"][0]

    def txn_ids(query: dict[str, Any]) -> list[str]:
        rs = passthrough(conductor, eu, {"TimeTrackingQueryRq": query})["TimeTrackingQueryRs"]
        return [r["TxnID"] for r in rs["TimeTrackingRet"]]

    assert txn_ids({"TxnID": kickoff.id}) == [kickoff.id]
    both = [kickoff.id, books["activities"][2].id]
    assert txn_ids({"TxnID": both}) == both
    assert txn_ids({"MaxReturned": 2}) == [a.id for a in books["activities"][:2]]
    assert txn_ids({"TxnDateRangeFilter": {"FromTxnDate": "2026-03-03", "ToTxnDate": "2026-03-04"}}) == [
        a.id for a in books["activities"][1:]
    ]
    assert kickoff.id in txn_ids({"TimeTrackingEntityFilter": {"ListID": ada.id}})
    by_name = txn_ids({"TimeTrackingEntityFilter": {"FullName": ["Grace Hopper", "Northwind"]}})
    assert by_name == [a.id for a in books["activities"][1:]]
    later = {"ModifiedDateRangeFilter": {"FromModifiedDate": "2999-01-01T00:00:00+00:00"}}
    assert txn_ids(later) == []
    since = {"ModifiedDateRangeFilter": {"FromModifiedDate": kickoff.created_at[:10]}}
    assert kickoff.id in txn_ids(since)


def test_an_exact_value_that_names_nothing_is_warning_500_and_the_others_still_come_back(
    conductor: Conductor, books: dict[str, Any]
) -> None:
    eu, kickoff = books["end_user"], books["activities"][0]
    rs = passthrough(conductor, eu, {"TimeTrackingQueryRq": {"TxnID": [kickoff.id, "ABCDEF-1700000000"]}})
    rs = rs["TimeTrackingQueryRs"]
    assert status(rs) == ("500", "Warn") and '"ABCDEF-1700000000"' in rs["@statusMessage"]
    assert [r["TxnID"] for r in rs["TimeTrackingRet"]] == [kickoff.id]
    wrong_created = kickoff.id.split("-")[0] + "-1"  # the key of a real one, with another created part
    rs = passthrough(conductor, eu, {"ClassQueryRq": {"FullName": ["Engineering", "Nope"]}})["ClassQueryRs"]
    assert status(rs) == ("500", "Warn") and [r["Name"] for r in rs["ClassRet"]] == ["Engineering"]
    rs = passthrough(conductor, eu, {"TimeTrackingQueryRq": {"TxnID": wrong_created}})["TimeTrackingQueryRs"]
    assert status(rs) == ("500", "Warn") and rs["TimeTrackingRet"] == []


def test_a_query_that_matches_nothing_is_status_1_with_an_empty_list(
    conductor: Conductor, books: dict[str, Any]
) -> None:
    query = {"NameFilter": {"MatchCriterion": "StartsWith", "Name": "zzz"}}
    rs = passthrough(conductor, books["end_user"], {"VendorQueryRq": query})["VendorQueryRs"]
    assert {k: v for k, v in rs.items() if k.startswith("@")} == {
        "@statusCode": "1",
        "@statusSeverity": "Info",
        "@statusMessage": "A query request did not find a matching object in QuickBooks",
    }
    assert rs["VendorRet"] == []


def test_list_filters(conductor: Conductor, books: dict[str, Any]) -> None:
    eu = books["end_user"]

    def names(query: dict[str, Any]) -> list[str]:
        return [
            r["FullName"]
            for r in passthrough(conductor, eu, {"ClassQueryRq": query})["ClassQueryRs"]["ClassRet"]
        ]

    assert names({}) == ["Engineering"]
    assert names({"ActiveStatus": "InactiveOnly"}) == ["Retired"]
    assert names({"ActiveStatus": "All"}) == ["Engineering", "Retired"]
    assert names({"ListID": books["retired"].id}) == ["Retired"]  # an ID finds an inactive one too
    assert names({"FullName": "retired"}) == ["Retired"]  # full names match case-insensitively
    assert names({"ActiveStatus": "All", "MaxReturned": 1}) == ["Engineering"]
    assert names({"ActiveStatus": "All", "NameFilter": {"MatchCriterion": "Contains", "Name": "tire"}}) == [
        "Retired"
    ]
    assert names({"ActiveStatus": "All", "NameRangeFilter": {"FromName": "F"}}) == ["Retired"]
    assert names({"FromModifiedDate": "2999-01-01"}) == []
    customers = passthrough(
        conductor, eu, {"CustomerQueryRq": {"NameFilter": {"MatchCriterion": "EndsWith", "Name": "oof"}}}
    )
    assert [r["FullName"] for r in customers["CustomerQueryRs"]["CustomerRet"]] == ["Acme:Roof"]
    accounts = passthrough(conductor, eu, {"AccountQueryRq": {"AccountType": "Expense"}})
    assert [r["Name"] for r in accounts["AccountQueryRs"]["AccountRet"]] == ["Payroll"]


def test_include_ret_element_returns_only_the_elements_named(
    conductor: Conductor, books: dict[str, Any]
) -> None:
    query = {"TxnID": books["activities"][0].id, "IncludeRetElement": ["TxnID", "Duration"]}
    rs = passthrough(conductor, books["end_user"], {"TimeTrackingQueryRq": query})["TimeTrackingQueryRs"]
    assert rs["TimeTrackingRet"] == [{"TxnID": books["activities"][0].id, "Duration": "PT1H30M0S"}]


# --- QuickBooks' statuses for what it refuses -----------------------------------------------------------


def test_refusals_carry_quickbooks_status_codes_and_leave_nothing_behind(
    conductor: Conductor, qbd: Any, books: dict[str, Any]
) -> None:
    eu = books["end_user"]
    before = len(list(qbd.time_tracking_activities.list(conductor_end_user_id=eu)))

    def add(**fields: Any) -> dict[str, Any]:
        body = {
            "EntityRef": {"ListID": books["employee"].id},
            "TxnDate": "2026-05-01",
            "Duration": "PT1H",
            **fields,
        }
        return passthrough(conductor, eu, {"TimeTrackingAddRq": {"TimeTrackingAdd": body}})[
            "TimeTrackingAddRs"
        ]

    unknown = add(CustomerRef={"ListID": "80FFFFFF-1700000000"})
    assert status(unknown) == ("3140", "Error")
    assert unknown["@statusMessage"].startswith(
        'There is an invalid reference to QuickBooks Customer "80FFFFFF-'
    )
    assert status(add(ItemServiceRef={"FullName": "Nothing"})) == ("3140", "Error")
    assert status(add(BillableStatus="Billable")) == ("3180", "Error")  # billable needs a customer and item
    assert status(add(CustomerRef={"ListID": "not-an-id"})) == ("3000", "Error")
    assert status(add(TxnDate="2026-02-30")) == ("3020", "Error")
    assert status(add(Duration="an hour")) == ("3035", "Error")
    assert status(add(Notes="x" * 5000)) == ("3070", "Error")
    assert len(list(qbd.time_tracking_activities.list(conductor_end_user_id=eu))) == before
    dates = {"TxnDateRangeFilter": {"FromTxnDate": "2026-03-05", "ToTxnDate": "2026-03-01"}}
    rs = passthrough(conductor, eu, {"TimeTrackingQueryRq": dates})["TimeTrackingQueryRs"]
    assert status(rs) == ("3030", "Error") and "TimeTrackingRet" not in rs


def test_an_unsupported_request_is_status_1030_and_the_others_are_still_answered(
    conductor: Conductor, qbd: Any, books: dict[str, Any]
) -> None:
    eu = books["end_user"]
    add = {
        "@requestID": "2",
        "TimeTrackingAdd": {
            "EntityRef": {"ListID": books["employee2"].id},
            "TxnDate": "2026-05-02",
            "Duration": "PT0H30M",
        },
    }
    refused = {
        "TimeTrackingAdd": {
            "EntityRef": {"ListID": books["employee2"].id},
            "Duration": "PT1H",
            "BillableStatus": "Billable",
        }
    }
    answer = passthrough(
        conductor,
        eu,
        {"InvoiceQueryRq": {"@requestID": "1", "MaxReturned": 5}, "TimeTrackingAddRq": [add, refused]},
    )
    assert answer["InvoiceQueryRs"] == {
        "@requestID": "1",
        "@statusCode": "1030",
        "@statusSeverity": "Error",
        "@statusMessage": "This request is not supported by this implementation.",
    }
    done, failed = answer["TimeTrackingAddRs"]
    assert done["@requestID"] == "2" and status(done) == ("0", "Info")
    assert status(failed) == ("3180", "Error")
    got = qbd.time_tracking_activities.retrieve(done["TimeTrackingRet"]["TxnID"], conductor_end_user_id=eu)
    assert got.duration == "PT0H30M"


def test_a_message_that_breaks_qbxmls_schema_is_refused_whole(
    conductor: Conductor, qbd: Any, books: dict[str, Any]
) -> None:
    eu = books["end_user"]
    before = len(list(qbd.time_tracking_activities.list(conductor_end_user_id=eu)))
    add = {
        "TimeTrackingAdd": {
            "EntityRef": {"ListID": books["employee"].id},
            "TxnDate": "2026-05-03",
            "Duration": "PT1H",
        }
    }
    for broken in (
        {"TimeTrackingQueryRq": {"NoSuchElement": "1"}},
        {"TimeTrackingAddRq": {"TimeTrackingAdd": {"TxnDate": "2026-05-03"}}},  # no EntityRef, no Duration
        {"ClassQueryRq": {"ActiveStatus": "Sometimes"}},
        {"ClassQueryRq": {"ListID": books["class"].id, "MaxReturned": 1}},  # ListID or the filters
    ):
        with pytest.raises(conductor_sdk.APIStatusError) as excinfo:
            passthrough(conductor, eu, {"TimeTrackingAddRq": add, **broken})
        body = qbd_refusal(excinfo)
        assert body["integrationCode"] == "0x80040400"
        assert "QuickBooks found an error when parsing the provided XML text stream" in body["message"]
    assert len(list(qbd.time_tracking_activities.list(conductor_end_user_id=eu))) == before


# --- Conductor's own refusals of the call ---------------------------------------------------------------


def test_an_integration_other_than_quickbooks_desktop_is_a_400(
    conductor: Conductor, books: dict[str, Any]
) -> None:
    with pytest.raises(conductor_sdk.BadRequestError) as excinfo:
        conductor.end_users.passthrough(
            "quickbooks_online",  # type: ignore[arg-type]
            id=books["end_user"],
            qbd_payload={"ClassQueryRq": {}},
        )
    invalid_request(excinfo, "integrationSlug")


def test_a_body_that_is_no_qbxml_request_is_a_400(conductor: Conductor, books: dict[str, Any]) -> None:
    for body in ({}, {"ClassQuery": {}}, {"classes": []}):
        with pytest.raises(conductor_sdk.BadRequestError) as excinfo:
            passthrough(conductor, books["end_user"], body)
        invalid_request(excinfo)


def test_an_unknown_end_user_is_not_found(conductor: Conductor) -> None:
    with pytest.raises(conductor_sdk.NotFoundError) as excinfo:
        passthrough(conductor, "end_usr_doesnotexist", {"ClassQueryRq": {}})
    resource_missing(excinfo)


def test_another_organizations_end_user_is_not_found(server: Server, books: dict[str, Any]) -> None:
    created = run_cli("keys", "create", "--name", "Passthrough org", database_url=server.database_url)
    assert created.returncode == 0, created.stderr
    other = make_client(server, json.loads(created.stdout)["secret_key"])
    with pytest.raises(conductor_sdk.NotFoundError) as excinfo:
        passthrough(other, books["end_user"], {"TimeTrackingQueryRq": {}})
    resource_missing(excinfo)


def test_an_end_user_not_yet_connected_is_refused_as_other_quickbooks_calls(conductor: Conductor) -> None:
    end_user = conductor.end_users.create(company_name="Not Yet", email="n@example.com", source_id="pt")
    with pytest.raises(conductor_sdk.APIStatusError) as excinfo:
        passthrough(conductor, end_user.id, {"ClassQueryRq": {}})
    error = excinfo.value.body["error"]  # type: ignore[index]
    assert (error["type"], error["code"]) == (
        "INTEGRATION_CONNECTION_ERROR",
        "INTEGRATION_CONNECTION_NOT_SET_UP",
    )
    with pytest.raises(conductor_sdk.APIStatusError) as health:
        conductor.qbd.health_check(conductor_end_user_id=end_user.id)
    assert health.value.status_code == excinfo.value.status_code
