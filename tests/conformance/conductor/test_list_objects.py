"""The nine-ish list objects through conductor-py: create, retrieve, update, list and filters,
names and hierarchy, and the refusals QuickBooks makes."""

from __future__ import annotations

import uuid
from typing import Any

import conductor
import pytest

from tests.conformance.conductor.refusals import invalid_request, qbd_code, qbd_refusal, resource_missing


@pytest.fixture(scope="module")
def eu(new_end_user: Any) -> str:
    return new_end_user()


@pytest.fixture(scope="module")
def expense_account(qbd: Any, eu: str) -> Any:
    return qbd.accounts.create(name="Wages", account_type="expense", conductor_end_user_id=eu)


def test_an_employee_is_named_from_their_parts_and_keeps_conductor_only_fields(qbd: Any, eu: str) -> None:
    created = qbd.employees.create(
        first_name="Katherine",
        middle_name="G",
        last_name="Johnson",
        email="kj@example.com",
        phone="555-0100",
        hired_date="2020-01-06",
        employee_type="regular",
        address={"line1": "1 Langley Way", "city": "Hampton", "state": "VA", "postal_code": "23666"},
        ssn="123-45-6789",
        conductor_end_user_id=eu,
    )
    assert created.name == "Katherine G Johnson"
    assert created.object_type == "qbd_employee" and created.is_active is True
    got = qbd.employees.retrieve(created.id, conductor_end_user_id=eu)
    assert got == created
    assert got.address.city == "Hampton" and got.address.line2 is None
    assert str(got.hired_date) == "2020-01-06" and got.ssn == "123-45-6789"
    assert got.additional_notes == [] and got.custom_fields == []


def test_renaming_an_employee_through_their_first_name(qbd: Any, eu: str) -> None:
    created = qbd.employees.create(first_name="Dorothy", last_name="Vaughan", conductor_end_user_id=eu)
    updated = qbd.employees.update(
        created.id, revision_number=created.revision_number, first_name="Dot", conductor_end_user_id=eu
    )
    assert updated.name == "Dot Vaughan" and updated.revision_number != created.revision_number
    assert updated.last_name == "Vaughan"


def test_customers_and_jobs_form_full_names(qbd: Any, eu: str) -> None:
    parent = qbd.customers.create(name="Initech", company_name="Initech LLC", conductor_end_user_id=eu)
    job = qbd.customers.create(
        name="TPS Reports", parent_id=parent.id, job_status="in_progress", conductor_end_user_id=eu
    )
    sub = qbd.customers.create(name="Cover Sheets", parent_id=job.id, conductor_end_user_id=eu)
    assert (parent.full_name, parent.sublevel, parent.parent) == ("Initech", 0, None)
    assert (job.full_name, job.sublevel, job.parent.id) == ("Initech:TPS Reports", 1, parent.id)
    assert (sub.full_name, sub.sublevel) == ("Initech:TPS Reports:Cover Sheets", 2)
    assert job.job_status == "in_progress"
    renamed = qbd.customers.update(
        parent.id, revision_number=parent.revision_number, name="Initrode", conductor_end_user_id=eu
    )
    assert renamed.full_name == "Initrode"
    moved_sub = qbd.customers.retrieve(sub.id, conductor_end_user_id=eu)
    assert moved_sub.full_name == "Initrode:TPS Reports:Cover Sheets"
    assert moved_sub.revision_number != sub.revision_number


def test_a_job_cannot_move_below_itself(qbd: Any, eu: str) -> None:
    top = qbd.customers.create(name="Loop Co", conductor_end_user_id=eu)
    child = qbd.customers.create(name="Inner", parent_id=top.id, conductor_end_user_id=eu)
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.customers.update(
            top.id, revision_number=top.revision_number, parent_id=child.id, conductor_end_user_id=eu
        )
    assert '"parentId"' in qbd_refusal(excinfo)["message"]


def test_names_are_unique_case_insensitively_within_their_list(qbd: Any, eu: str) -> None:
    qbd.vendors.create(name="Dup Supplies", conductor_end_user_id=eu)
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.vendors.create(name="dup supplies", conductor_end_user_id=eu)
    assert qbd_code(excinfo) == "3100"
    # another list is another name space
    assert qbd.other_names.create(name="Dup Supplies", conductor_end_user_id=eu).name == "Dup Supplies"


def test_sibling_jobs_may_share_a_name_under_different_parents(qbd: Any, eu: str) -> None:
    a = qbd.customers.create(name="North", conductor_end_user_id=eu)
    b = qbd.customers.create(name="South", conductor_end_user_id=eu)
    qbd.customers.create(name="Phase 1", parent_id=a.id, conductor_end_user_id=eu)
    assert (
        qbd.customers.create(name="Phase 1", parent_id=b.id, conductor_end_user_id=eu).full_name
        == "South:Phase 1"
    )


@pytest.mark.parametrize(
    ("resource", "limit"),
    [("customers", 41), ("vendors", 41), ("other_names", 41), ("classes", 31), ("accounts", 31)],
)
def test_name_length_limits_are_400s(qbd: Any, eu: str, resource: str, limit: int) -> None:
    extra = {"account_type": "expense"} if resource == "accounts" else {}
    with pytest.raises(conductor.BadRequestError, match="name") as excinfo:
        getattr(qbd, resource).create(name="x" * (limit + 1), conductor_end_user_id=eu, **extra)
    invalid_request(excinfo, f'"name" must be at most {limit} characters')
    assert (
        getattr(qbd, resource).create(name="y" * limit, conductor_end_user_id=eu, **extra).name == "y" * limit
    )


def test_unknown_keys_are_named_with_where_they_were_sent(qbd: Any, eu: str) -> None:
    with pytest.raises(conductor.BadRequestError) as excinfo:
        qbd.customers.create(
            name="Stray Keys",
            conductor_end_user_id=eu,
            extra_body={"billingAddress": {"Line1": "1 Main St", "Town": "Springfield"}},
        )
    body = invalid_request(excinfo)
    assert body["message"] == 'Unrecognized keys: "Line1", "Town" at "billingAddress"'
    assert list(qbd.customers.list(name_contains="Stray Keys", conductor_end_user_id=eu)) == []


def test_a_name_with_a_colon_is_refused(qbd: Any, eu: str) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.classes.create(name="A:B", conductor_end_user_id=eu)
    assert "colon" in qbd_refusal(excinfo)["message"]


def test_service_items_keep_their_detail_objects_and_posting_account(qbd: Any, eu: str) -> None:
    income = qbd.accounts.create(name="Fees", account_type="income", conductor_end_user_id=eu)
    item = qbd.service_items.create(
        name="Audit",
        sales_or_purchase_details={
            "posting_account_id": income.id,
            "price": "200.00",
            "description": "Yearly",
        },
        barcode={"value": "A-1"},
        conductor_end_user_id=eu,
    )
    assert item.sales_or_purchase_details.posting_account.full_name == "Fees"
    assert item.sales_or_purchase_details.price == "200.00"
    assert item.sales_and_purchase_details is None
    assert item.barcode == "A-1"


def test_payroll_wage_items_link_their_expense_account(qbd: Any, eu: str, expense_account: Any) -> None:
    wage = qbd.payroll_wage_items.create(
        name="Holiday Pay",
        wage_type="hourly_vacation",
        expense_account_id=expense_account.id,
        rate="40.00",
        conductor_end_user_id=eu,
    )
    assert (wage.wage_type, wage.rate, wage.expense_account.id) == (
        "hourly_vacation",
        "40.00",
        expense_account.id,
    )
    assert qbd.payroll_wage_items.retrieve(wage.id, conductor_end_user_id=eu) == wage


def test_a_reference_to_a_list_timeledger_does_not_keep_is_refused(qbd: Any, eu: str) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.customers.create(name="Termsy", terms_id="80000001-1234567890", conductor_end_user_id=eu)
    assert qbd_code(excinfo) == "3140"


def test_accounts_nest_and_filter_by_type(qbd: Any, eu: str) -> None:
    assets = qbd.accounts.create(
        name="Bank Accounts", account_type="bank", account_number="1000", conductor_end_user_id=eu
    )
    sub = qbd.accounts.create(
        name="Operating", account_type="bank", parent_id=assets.id, conductor_end_user_id=eu
    )
    assert sub.full_name == "Bank Accounts:Operating" and sub.account_type == "bank"
    banks = qbd.accounts.list(account_type="bank", conductor_end_user_id=eu).data
    assert {a.full_name for a in banks} == {"Bank Accounts", "Bank Accounts:Operating"}
    assert assets.account_number == "1000"


def test_stale_revision_on_a_list_object(qbd: Any, eu: str) -> None:
    created = qbd.classes.create(name="Stale Class", conductor_end_user_id=eu)
    qbd.classes.update(
        created.id, revision_number=created.revision_number, name="Fresh Class", conductor_end_user_id=eu
    )
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.classes.update(
            created.id, revision_number=created.revision_number, name="Other", conductor_end_user_id=eu
        )
    assert qbd_code(excinfo) == "3200"


def test_unknown_and_malformed_list_ids(qbd: Any, eu: str) -> None:
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.vendors.retrieve("8FFFFFFF-1234567890", conductor_end_user_id=eu)
    resource_missing(excinfo)
    with pytest.raises(conductor.BadRequestError) as excinfo:
        qbd.vendors.retrieve("vendor-1", conductor_end_user_id=eu)
    invalid_request(excinfo, '"id"')
    employee = qbd.employees.create(first_name="Only", last_name="Employee", conductor_end_user_id=eu)
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.vendors.retrieve(employee.id, conductor_end_user_id=eu)
    resource_missing(excinfo)


@pytest.fixture(scope="module")
def vendors(qbd: Any, new_end_user: Any) -> dict[str, Any]:
    eu = new_end_user()
    names = ["Alpha Paper", "beta Pens", "Gamma Paper", "Delta Ink", "epsilon Paper"]
    made = {n: qbd.vendors.create(name=n, conductor_end_user_id=eu) for n in names}
    inactive = qbd.vendors.create(name="Zeta Closed", is_active=False, conductor_end_user_id=eu)
    return {"eu": eu, "made": made, "inactive": inactive}


class TestFilters:
    def _names(self, page: Any) -> list[str]:
        return [v.name for v in page]

    def test_status_defaults_to_active(self, qbd: Any, vendors: dict[str, Any]) -> None:
        eu = vendors["eu"]
        assert "Zeta Closed" not in self._names(qbd.vendors.list(conductor_end_user_id=eu))
        assert self._names(qbd.vendors.list(status="inactive", conductor_end_user_id=eu)) == ["Zeta Closed"]
        assert len(self._names(qbd.vendors.list(status="all", conductor_end_user_id=eu))) == 6

    def test_substring_filters_are_case_insensitive(self, qbd: Any, vendors: dict[str, Any]) -> None:
        eu = vendors["eu"]
        assert sorted(self._names(qbd.vendors.list(name_contains="PAPER", conductor_end_user_id=eu))) == [
            "Alpha Paper",
            "Gamma Paper",
            "epsilon Paper",
        ]
        assert self._names(qbd.vendors.list(name_starts_with="BETA", conductor_end_user_id=eu)) == [
            "beta Pens"
        ]
        assert self._names(qbd.vendors.list(name_ends_with="ink", conductor_end_user_id=eu)) == ["Delta Ink"]

    def test_a_name_range_is_inclusive_and_sorted(self, qbd: Any, vendors: dict[str, Any]) -> None:
        eu = vendors["eu"]
        ranged = self._names(
            qbd.vendors.list(name_from="beta", name_to="Epsilon Paper", conductor_end_user_id=eu)
        )
        assert ranged == ["beta Pens", "Delta Ink", "epsilon Paper"]

    def test_only_one_substring_filter_at_a_time(self, qbd: Any, vendors: dict[str, Any]) -> None:
        with pytest.raises(conductor.BadRequestError) as excinfo:
            qbd.vendors.list(name_contains="a", name_ends_with="b", conductor_end_user_id=vendors["eu"])
        invalid_request(excinfo, "nameContains", "nameEndsWith")

    def test_names_match_exactly_and_must_all_exist(self, qbd: Any, vendors: dict[str, Any]) -> None:
        eu = vendors["eu"]
        got = qbd.vendors.list(
            names=["alpha paper", "DELTA INK"], status="inactive", conductor_end_user_id=eu
        )
        assert sorted(self._names(got)) == ["Alpha Paper", "Delta Ink"]
        with pytest.raises(conductor.InternalServerError) as excinfo:
            qbd.vendors.list(names=["Alpha Paper", "Nobody"], conductor_end_user_id=eu)
        assert qbd_code(excinfo) == "500"
        assert '"Nobody"' in qbd_refusal(excinfo)["message"]

    def test_ids_override_everything(self, qbd: Any, vendors: dict[str, Any]) -> None:
        eu = vendors["eu"]
        wanted = vendors["inactive"].id
        got = qbd.vendors.list(ids=[wanted], name_contains="nothing-like-this", conductor_end_user_id=eu)
        assert [v.id for v in got] == [wanted]

    def test_cursor_paging_visits_every_vendor_once(self, qbd: Any, vendors: dict[str, Any]) -> None:
        eu = vendors["eu"]
        walked = [v.id for v in qbd.vendors.list(limit=2, status="all", conductor_end_user_id=eu)]
        assert len(walked) == len(set(walked)) == 6

    def test_updated_filters(self, qbd: Any, vendors: dict[str, Any]) -> None:
        eu = vendors["eu"]
        assert self._names(qbd.vendors.list(updated_after="2999-01-01", conductor_end_user_id=eu)) == []
        assert (
            len(
                self._names(
                    qbd.vendors.list(updated_before="2999-01-01T00:00:00+00:00", conductor_end_user_id=eu)
                )
            )
            == 5
        )

    def test_a_plain_list_truncates_with_limit(self, qbd: Any, new_end_user: Any) -> None:
        eu = new_end_user()
        for n in ("One", "Two", "Three"):
            qbd.classes.create(name=n, conductor_end_user_id=eu)
        page = qbd.classes.list(limit=2, conductor_end_user_id=eu)
        assert len(page.data) == 2


def test_every_list_endpoint_answers_with_its_object_type(qbd: Any, end_user_id: str) -> None:
    """The demo company has some of everything; each list renders and validates strictly."""
    for resource, object_type in (
        ("employees", "qbd_employee"),
        ("vendors", "qbd_vendor"),
        ("other_names", "qbd_other_name"),
        ("customers", "qbd_customer"),
        ("service_items", "qbd_service_item"),
        ("classes", "qbd_class"),
        ("payroll_wage_items", "qbd_payroll_wage_item"),
        ("accounts", "qbd_account"),
    ):
        items = getattr(qbd, resource).list(conductor_end_user_id=end_user_id).data
        assert items, resource
        assert {i.object_type for i in items} == {object_type}


def test_external_ids_on_list_objects_round_trip(qbd: Any, eu: str) -> None:
    external = str(uuid.uuid4())
    other = qbd.other_names.create(name="Ext Person", external_id=external, conductor_end_user_id=eu)
    assert other.external_id == external


@pytest.mark.parametrize(
    ("resource", "fields"),
    [
        ("accounts", {"name": "Memo", "account_type": "non_posting"}),
        ("service_items", {"name": "No Details"}),
        (
            "payroll_wage_items",
            {
                "name": "Both",
                "wage_type": "bonus",
                "rate": "1.00",
                "rate_percent": "5",
                "expense_account_id": "X",
            },
        ),
        (
            "payroll_wage_items",
            {"name": "Bad Rate", "wage_type": "bonus", "rate": "ten", "expense_account_id": ""},
        ),
    ],
)
def test_create_requests_conductor_refuses_before_quickbooks(
    qbd: Any, eu: str, expense_account: Any, resource: str, fields: dict[str, Any]
) -> None:
    if "expense_account_id" in fields:
        fields = {**fields, "expense_account_id": expense_account.id}
    with pytest.raises(conductor.BadRequestError) as excinfo:
        getattr(qbd, resource).create(conductor_end_user_id=eu, **fields)
    message = invalid_request(excinfo)["message"]
    assert any(word in message for word in ("non_posting", "exactly one", "not both", '"rate"')), message
