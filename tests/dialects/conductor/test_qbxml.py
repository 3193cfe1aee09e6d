"""qbXML as JSON, without a server: the body's outer shape is Conductor's to refuse, a schema break
refuses the whole message, a bad value is that request's status, and every ledger refusal of a
write has QuickBooks' status for it."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeledger.dialects.conductor.errors import ConductorError
from timeledger.dialects.conductor.qbxml.handlers import OPERATIONS
from timeledger.dialects.conductor.qbxml.message import (
    QbxmlRequest,
    answer,
    query_answer,
    read_requests,
    render_body,
)
from timeledger.dialects.conductor.qbxml.statuses import (
    OK,
    PARSE_ERROR_CODE,
    QbxmlStatusError,
    refusal_status,
)
from timeledger.dialects.conductor.qbxml.time_tracking import (
    parse_time_tracking_add,
    parse_time_tracking_query,
    render_duration,
)
from timeledger.ledger.errors import ERROR_CODES, LedgerError
from timeledger.ledger.values import BillingStatus


def request(name: str, body: Any) -> QbxmlRequest:
    [found] = read_requests({name: body})
    return found


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_every_ledger_code_is_a_quickbooks_error_status(code: str) -> None:
    status = refusal_status(LedgerError("Refused.", code=code, field="customer"), {}, "TimeTracking")
    assert status.severity == "Error" and status.code >= 3000


@pytest.mark.parametrize("body", [[], {}, "x", {"ClassQuery": {}}, {"TimeTrackingQueryRq": []}])
def test_a_body_that_is_no_object_of_requests_is_conductors_400(body: Any) -> None:
    with pytest.raises(ConductorError) as refused:
        read_requests(body)
    assert (refused.value.status, refused.value.code) == (400, "INVALID_REQUEST")


def test_requests_are_read_in_order_and_a_list_is_one_request_each() -> None:
    found = read_requests({"ClassQueryRq": None, "TimeTrackingAddRq": [{"@requestID": 7}, {}]})
    assert [(r.name, r.request_id) for r in found] == [
        ("ClassQueryRq", None),
        ("TimeTrackingAddRq", "7"),
        ("TimeTrackingAddRq", None),
    ]
    answers = [(r, answer(r, OK)) for r in found]
    body = render_body(answers)
    assert list(body) == ["ClassQueryRs", "TimeTrackingAddRs"]
    assert [rs.get("@requestID") for rs in body["TimeTrackingAddRs"]] == ["7", None]


@pytest.mark.parametrize(
    "body",
    [
        {"NoSuchElement": 1},
        {"TxnID": "1-1", "MaxReturned": 1},  # TxnID or the filters
        {"ModifiedDateRangeFilter": {}, "TxnDateRangeFilter": {}},
        {"MaxReturned": [1, 2]},
        {"MaxReturned": 0},
        {"TimeTrackingEntityFilter": {"ListID": {"x": 1}}},
        {"@onError": "stopOnError"},
    ],
)
def test_a_schema_break_refuses_the_whole_message(body: dict[str, Any]) -> None:
    with pytest.raises(ConductorError) as refused:
        parse_time_tracking_query(request("TimeTrackingQueryRq", body))
    assert (refused.value.status, refused.value.code, refused.value.integration_code) == (
        502,
        "QBD_REQUEST_ERROR",
        PARSE_ERROR_CODE,
    )


@pytest.mark.parametrize(
    ("add", "code"),
    [
        ({"TxnDate": "2026-13-01"}, 3020),
        ({"Duration": "ninety minutes"}, 3035),
        ({"CustomerRef": {"ListID": "nope"}}, 3000),
        ({"IsBillable": "maybe"}, 3010),
        ({"Notes": "x" * 4096}, 3070),
    ],
)
def test_a_value_quickbooks_cannot_convert_is_that_requests_error(add: dict[str, Any], code: int) -> None:
    body = {"TimeTrackingAdd": {"EntityRef": {"FullName": "Ada"}, "Duration": "PT1H", **add}}
    with pytest.raises(QbxmlStatusError) as refused:
        parse_time_tracking_add(request("TimeTrackingAddRq", body))
    assert (refused.value.status.code, refused.value.status.severity) == (code, "Error")


def test_a_time_tracking_add_reads_as_ledger_fields_and_references() -> None:
    body = {
        "TimeTrackingAdd": {
            "TxnDate": "2026-03-02",
            "EntityRef": {"ListID": "80000001-1700000000", "FullName": "ignored when a ListID is sent"},
            "CustomerRef": {"FullName": "Acme:Roof"},
            "Duration": "PT1H30M0S",
            "IsBillable": True,
        },
        "IncludeRetElement": "TxnID",
    }
    change = parse_time_tracking_add(request("TimeTrackingAddRq", body))
    assert change.fields["duration_seconds"] == 5400
    assert change.fields["billing_status"] is BillingStatus.BILLABLE
    assert change.refs["person_key"].key == 1 and change.refs["customer_key"].full_name == "Acme:Roof"
    assert change.sent == {"person": "80000001-1700000000", "customer": "Acme:Roof"}
    assert change.include == ("TxnID",)


def test_a_query_answer_always_holds_a_list() -> None:
    rq = request("ClassQueryRq", {"@requestID": "a"})
    assert query_answer(rq, "ClassRet", []) == {
        "@requestID": "a",
        "@statusCode": "1",
        "@statusSeverity": "Info",
        "@statusMessage": "A query request did not find a matching object in QuickBooks",
        "ClassRet": [],
    }
    warned = query_answer(rq, "ClassRet", [{"Name": "A"}], missing=["B"])
    assert (warned["@statusCode"], warned["@statusSeverity"], warned["ClassRet"]) == (
        "500",
        "Warn",
        [{"Name": "A"}],
    )


def test_durations_are_whole_minutes_with_seconds_written_as_zero() -> None:
    assert [render_duration(s) for s in (0, 59, 5400, 8 * 3600 + 90)] == [
        "PT0H0M0S",
        "PT0H0M0S",
        "PT1H30M0S",
        "PT8H1M0S",
    ]


# Names a caller might send: qbXML's own (so generated bodies get past the first check) and junk.
_NAMES = [
    "TxnID",
    "MaxReturned",
    "ModifiedDateRangeFilter",
    "TxnDateRangeFilter",
    "TimeTrackingEntityFilter",
    "FromModifiedDate",
    "ToModifiedDate",
    "FromTxnDate",
    "ToTxnDate",
    "DateMacro",
    "ListID",
    "FullName",
    "ActiveStatus",
    "NameFilter",
    "NameRangeFilter",
    "MatchCriterion",
    "Name",
    "FromName",
    "ToName",
    "AccountType",
    "OwnerID",
    "IncludeRetElement",
    "TimeTrackingAdd",
    "TimeTrackingMod",
    "EditSequence",
    "TxnDate",
    "EntityRef",
    "CustomerRef",
    "ItemServiceRef",
    "ClassRef",
    "PayrollItemWageRef",
    "Duration",
    "Notes",
    "BillableStatus",
    "IsBillable",
    "ExternalGUID",
    "@requestID",
    "@iterator",
    "@x",
    "Junk",
]
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["PT1H", "2026-03-02", "80000001-1700000000", "1-1", "All", "Billable", "Contains"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_NAMES), inner, max_size=4),
    max_leaves=12,
)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(body=st.dictionaries(st.sampled_from(_NAMES), _values, max_size=5))
def test_any_request_body_parses_or_is_refused_as_qbxml_refuses(name: str, body: dict[str, Any]) -> None:
    """Only a refusal of the message (Conductor's error) or of the request (a status) comes out."""
    with contextlib.suppress(ConductorError, QbxmlStatusError):
        OPERATIONS[name].parse(request(name, body))
