"""Currencies through conductor-py: the built-ins every company has, user-defined ones, filters,
and currencies named by customers, vendors and accounts."""

from __future__ import annotations

import json
from typing import Any

import conductor
import pytest

from tests.conformance.conductor.refusals import invalid_request, qbd_code, qbd_refusal, resource_missing
from tests.servers import run_cli


@pytest.fixture(scope="module")
def eu(new_end_user: Any) -> str:
    return new_end_user()


def _by_code(qbd: Any, eu: str, code: str) -> Any:
    return next(
        c for c in qbd.currencies.list(conductor_end_user_id=eu, status="all").data if c.currency_code == code
    )


def test_every_company_starts_with_the_iso_built_ins(qbd: Any, eu: str) -> None:
    currencies = qbd.currencies.list(conductor_end_user_id=eu).data
    codes = {c.currency_code for c in currencies}
    assert {"USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CHF", "MXN"} <= codes and len(codes) >= 30
    usd = _by_code(qbd, eu, "USD")
    assert (usd.name, usd.object_type, usd.is_user_defined_currency, usd.is_active) == (
        "US Dollar",
        "qbd_currency",
        False,
        True,
    )
    assert usd.id.startswith("8") and int(usd.id.split("-")[0], 16) > 0x80000000
    assert usd.currency_format.decimal_places == "2"
    assert _by_code(qbd, eu, "JPY").currency_format.decimal_places == "0"


def test_a_user_defined_currency_round_trips(qbd: Any, eu: str) -> None:
    created = qbd.currencies.create(
        name="Bitcoin",
        currency_code="XBT",
        currency_format={"decimal_separator": "comma", "thousand_separator": "period"},
        conductor_end_user_id=eu,
    )
    assert (created.name, created.currency_code, created.is_user_defined_currency) == ("Bitcoin", "XBT", True)
    assert (created.exchange_rate, created.as_of_date) == (None, None)
    f = created.currency_format
    assert (f.decimal_separator, f.thousand_separator, f.decimal_places, f.thousand_separator_grouping) == (
        "comma",
        "period",
        "2",
        "xx_xxx_xxx",
    )
    assert qbd.currencies.retrieve(created.id, conductor_end_user_id=eu) == created


def test_currency_names_are_unique_in_any_case(qbd: Any, eu: str) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.currencies.create(name="euro", currency_code="EUX", conductor_end_user_id=eu)
    assert qbd_code(excinfo) == "3100"


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"name": "x" * 65, "currency_code": "XX"}, "name"),
        ({"name": "Long Code", "currency_code": "ABCD"}, "currencyCode"),
        (
            {"name": "Bad Places", "currency_code": "BP", "currency_format": {"decimal_places": "3"}},
            "decimalPlaces",
        ),
    ],
)
def test_malformed_currencies_are_400s(qbd: Any, eu: str, fields: dict[str, Any], needle: str) -> None:
    with pytest.raises(conductor.BadRequestError, match=needle) as excinfo:
        qbd.currencies.create(conductor_end_user_id=eu, **fields)
    invalid_request(excinfo, needle)


def test_a_currency_code_is_letters(qbd: Any, eu: str) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.currencies.create(name="Numbers", currency_code="123", conductor_end_user_id=eu)
    assert "currencyCode" in qbd_refusal(excinfo)["message"]


def test_a_user_defined_currency_can_change_everything(qbd: Any, eu: str) -> None:
    created = qbd.currencies.create(name="Stone Money", currency_code="RAI", conductor_end_user_id=eu)
    updated = qbd.currencies.update(
        created.id,
        revision_number=created.revision_number,
        name="Rai Stones",
        currency_code="YAP",
        currency_format={"decimal_places": "0"},
        conductor_end_user_id=eu,
    )
    assert (updated.name, updated.currency_code, updated.currency_format.decimal_places) == (
        "Rai Stones",
        "YAP",
        "0",
    )
    assert updated.currency_format.decimal_separator == "period"
    assert updated.revision_number != created.revision_number
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.currencies.update(
            created.id, revision_number=created.revision_number, name="Lost", conductor_end_user_id=eu
        )
    assert qbd_code(excinfo) == "3200"


def test_a_built_in_keeps_its_name_and_code_but_may_go_inactive(qbd: Any, new_end_user: Any) -> None:
    eu = new_end_user()
    franc = _by_code(qbd, eu, "CHF")
    for change in ({"name": "Franken"}, {"currency_code": "CHX"}):
        with pytest.raises(conductor.InternalServerError) as excinfo:
            qbd.currencies.update(
                franc.id, revision_number=franc.revision_number, conductor_end_user_id=eu, **change
            )
        assert "built-in currency" in qbd_refusal(excinfo)["message"]
    inactive = qbd.currencies.update(
        franc.id, revision_number=franc.revision_number, is_active=False, conductor_end_user_id=eu
    )
    assert inactive.is_active is False
    assert "CHF" not in {c.currency_code for c in qbd.currencies.list(conductor_end_user_id=eu).data}
    assert [
        c.currency_code for c in qbd.currencies.list(status="inactive", conductor_end_user_id=eu).data
    ] == ["CHF"]


def test_the_home_currency_stays_active(qbd: Any, eu: str) -> None:
    usd = _by_code(qbd, eu, "USD")
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.currencies.update(
            usd.id, revision_number=usd.revision_number, is_active=False, conductor_end_user_id=eu
        )
    assert "home currency" in qbd_refusal(excinfo)["message"]


class TestListing:
    def names(self, page: Any) -> list[str]:
        return [c.name for c in page.data]

    def test_names_match_exactly_in_any_case_and_must_all_exist(self, qbd: Any, eu: str) -> None:
        assert sorted(
            self.names(qbd.currencies.list(names=["euro", "US DOLLAR"], conductor_end_user_id=eu))
        ) == [
            "Euro",
            "US Dollar",
        ]
        with pytest.raises(conductor.InternalServerError) as excinfo:
            qbd.currencies.list(names=["Euro", "Doubloon"], conductor_end_user_id=eu)
        assert qbd_code(excinfo) == "500"
        assert '"Doubloon"' in qbd_refusal(excinfo)["message"]

    def test_ids_override_everything(self, qbd: Any, eu: str) -> None:
        euro = _by_code(qbd, eu, "EUR")
        got = qbd.currencies.list(ids=[euro.id], name_contains="nothing", conductor_end_user_id=eu)
        assert self.names(got) == ["Euro"]
        with pytest.raises(conductor.InternalServerError) as excinfo:
            qbd.currencies.list(ids=[euro.id, "8000FFFF-1"], conductor_end_user_id=eu)
        body = qbd_refusal(excinfo)
        assert body["integrationCode"] == "500" and '"ids"' in body["message"]

    def test_name_filters(self, qbd: Any, eu: str) -> None:
        assert sorted(self.names(qbd.currencies.list(name_contains="DOLLAR", conductor_end_user_id=eu))) == [
            "Australian Dollar",
            "Canadian Dollar",
            "Hong Kong Dollar",
            "New Zealand Dollar",
            "Singapore Dollar",
            "Taiwan Dollar",
            "US Dollar",
        ]
        assert self.names(qbd.currencies.list(name_starts_with="swiss", conductor_end_user_id=eu)) == [
            "Swiss Franc"
        ]
        assert "Japanese Yen" in self.names(
            qbd.currencies.list(name_ends_with="YEN", conductor_end_user_id=eu)
        )
        ranged = self.names(qbd.currencies.list(name_from="s", name_to="swz", conductor_end_user_id=eu))
        assert ranged == sorted(ranged, key=str.casefold) and "Swiss Franc" in ranged and "Euro" not in ranged
        with pytest.raises(conductor.BadRequestError) as excinfo:
            qbd.currencies.list(name_contains="a", name_from="a", conductor_end_user_id=eu)
        invalid_request(excinfo, "nameFrom")

    def test_limit_truncates_the_plain_list(self, qbd: Any, eu: str) -> None:
        assert len(qbd.currencies.list(limit=3, conductor_end_user_id=eu).data) == 3

    def test_updated_filters(self, qbd: Any, eu: str) -> None:
        assert self.names(qbd.currencies.list(updated_after="2999-01-01", conductor_end_user_id=eu)) == []
        assert (
            len(self.names(qbd.currencies.list(updated_before="2999-01-01", conductor_end_user_id=eu))) >= 30
        )


def test_unknown_and_malformed_currency_ids(qbd: Any, eu: str) -> None:
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.currencies.retrieve("8FFFFFFF-1234567890", conductor_end_user_id=eu)
    resource_missing(excinfo)
    with pytest.raises(conductor.BadRequestError) as excinfo:
        qbd.currencies.retrieve("euro", conductor_end_user_id=eu)
    invalid_request(excinfo, '"id"')
    euro = _by_code(qbd, eu, "EUR")
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.currencies.retrieve(euro.id.split("-")[0] + "-1", conductor_end_user_id=eu)
    resource_missing(excinfo)


def test_customers_vendors_and_accounts_name_their_currency(qbd: Any, new_end_user: Any) -> None:
    eu = new_end_user()
    a = dict(conductor_end_user_id=eu)
    euro, pound = _by_code(qbd, eu, "EUR"), _by_code(qbd, eu, "GBP")
    customer = qbd.customers.create(name="Euro Customer", currency_id=euro.id, **a)
    vendor = qbd.vendors.create(name="Pound Vendor", currency_id=pound.id, **a)
    account = qbd.accounts.create(name="Euro Bank", account_type="bank", currency_id=euro.id, **a)
    plain = qbd.customers.create(name="Home Customer", **a)
    assert (customer.currency.id, customer.currency.full_name) == (euro.id, "Euro")
    assert vendor.currency.full_name == "British Pound Sterling"
    assert account.currency.id == euro.id and plain.currency is None
    assert qbd.customers.retrieve(customer.id, **a).currency.id == euro.id
    assert [c.name for c in qbd.customers.list(currency_ids=[euro.id], **a)] == ["Euro Customer"]
    assert [v.name for v in qbd.vendors.list(currency_ids=[euro.id, pound.id], **a)] == ["Pound Vendor"]
    assert [x.name for x in qbd.accounts.list(currency_ids=[euro.id], **a).data] == ["Euro Bank"]
    moved = qbd.customers.update(
        customer.id, revision_number=customer.revision_number, currency_id=pound.id, **a
    )
    assert moved.currency.full_name == "British Pound Sterling"


def test_an_unknown_currency_is_refused(qbd: Any, eu: str) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.customers.create(name="Nowhere", currency_id="8000FFFF-1234567890", conductor_end_user_id=eu)
    assert qbd_code(excinfo) == "3140"
    assert "currencyId" in qbd_refusal(excinfo)["message"]
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.vendors.list(currency_ids=["8000FFFF-1234567890"], conductor_end_user_id=eu)
    assert qbd_code(excinfo) == "500"


def test_a_foreign_account_takes_only_entries_in_its_currency(qbd: Any, new_end_user: Any) -> None:
    eu = new_end_user()
    a = dict(conductor_end_user_id=eu)
    euro, pound = _by_code(qbd, eu, "EUR"), _by_code(qbd, eu, "GBP")
    euro_bank = qbd.accounts.create(name="Euro Bank", account_type="bank", currency_id=euro.id, **a)
    fees = qbd.accounts.create(name="Fees", account_type="expense", **a)
    lines = {
        "debit_lines": [{"account_id": fees.id, "amount": "100.00"}],
        "credit_lines": [{"account_id": euro_bank.id, "amount": "100.00"}],
    }
    entry = qbd.journal_entries.create(
        transaction_date="2026-06-01", currency_id=euro.id, exchange_rate=1.1, **lines, **a
    )
    assert entry.currency.full_name == "Euro"
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.journal_entries.create(
            transaction_date="2026-06-01", currency_id=pound.id, exchange_rate=1.3, **lines, **a
        )
    assert "creditLines[0].accountId" in qbd_refusal(excinfo)["message"]


def test_an_inactive_currency_takes_no_new_entries(qbd: Any, new_end_user: Any) -> None:
    eu = new_end_user()
    a = dict(conductor_end_user_id=eu)
    rand = _by_code(qbd, eu, "ZAR")
    qbd.currencies.update(rand.id, revision_number=rand.revision_number, is_active=False, **a)
    fees = qbd.accounts.create(name="Fees", account_type="expense", **a)
    bank = qbd.accounts.create(name="Bank", account_type="bank", **a)
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.journal_entries.create(
            transaction_date="2026-06-01",
            currency_id=rand.id,
            exchange_rate=0.055,
            debit_lines=[{"account_id": fees.id, "amount": "10.00"}],
            credit_lines=[{"account_id": bank.id, "amount": "10.00"}],
            **a,
        )
    assert "inactive" in qbd_refusal(excinfo)["message"]


def test_a_company_created_with_another_home_currency(
    qbd: Any, demo: dict[str, Any], database_url: str
) -> None:
    made = run_cli(
        "end-users",
        "create",
        "--organization",
        demo["conductor"]["publishable_key"],
        "--company-name",
        "Maple Books",
        "--email",
        "owner@maple.example",
        "--home-currency",
        "CAD",
        database_url=database_url,
    )
    assert made.returncode == 0, made.stderr
    eu = json.loads(made.stdout)["end_user_id"]
    a = dict(conductor_end_user_id=eu)
    fees = qbd.accounts.create(name="Fees", account_type="expense", **a)
    bank = qbd.accounts.create(name="Bank", account_type="bank", **a)
    lines = {
        "debit_lines": [{"account_id": fees.id, "amount": "10.00"}],
        "credit_lines": [{"account_id": bank.id, "amount": "10.00"}],
    }
    home = qbd.journal_entries.create(transaction_date="2026-06-01", **lines, **a)
    assert (home.currency.full_name, home.exchange_rate) == ("Canadian Dollar", 1.0)
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.journal_entries.create(
            transaction_date="2026-06-01", currency_id=_by_code(qbd, eu, "USD").id, **lines, **a
        )
    assert "exchange rate" in qbd_refusal(excinfo)["message"]
    refused = run_cli(
        "end-users",
        "create",
        "--organization",
        demo["conductor"]["publishable_key"],
        "--company-name",
        "Nowhere",
        "--email",
        "x@example.com",
        "--home-currency",
        "XYZ",
        database_url=database_url,
    )
    assert refused.returncode != 0 and "XYZ" in refused.stderr
    # Refused with the CLI's own error line, not a crash.
    assert refused.returncode == 1 and '"XYZ" is not a built-in currency code' in refused.stderr
    assert "Traceback" not in refused.stderr
