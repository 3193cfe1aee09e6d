"""Names and hierarchy of list entries, on plain records."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from timeledger.ledger.errors import RuleError
from timeledger.ledger.lists import MAX_SUBLEVEL, check_name, check_parent, full_name_under, person_name
from timeledger.ledger.records import ListEntry
from timeledger.ledger.values import ListKind

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def customer(key: int, full_name: str, sublevel: int = 0) -> ListEntry:
    return ListEntry(
        key=key,
        company_key=1,
        kind=ListKind.CUSTOMER,
        name=full_name.rsplit(":", 1)[-1],
        full_name=full_name,
        parent=None,
        sublevel=sublevel,
        is_active=True,
        revision=1,
        created_at=NOW,
        updated_at=NOW,
    )


def test_an_employee_is_named_from_first_middle_and_last() -> None:
    assert person_name("Grace", None, "Hopper") == "Grace Hopper"
    assert person_name(" Ada ", "K", "") == "Ada K"
    assert person_name(None, " ", None) is None


def test_a_name_is_trimmed_and_must_not_be_blank_or_hold_a_colon() -> None:
    assert check_name("  Acme ", ListKind.CUSTOMER) == "Acme"
    with pytest.raises(RuleError, match="needs a name"):
        check_name("   ", ListKind.VENDOR)
    with pytest.raises(RuleError, match="first, middle or last name"):
        check_name(None, ListKind.EMPLOYEE)
    with pytest.raises(RuleError, match="colon"):
        check_name("Acme:East", ListKind.CUSTOMER)


def test_a_job_full_name_joins_its_ancestors() -> None:
    assert full_name_under(None, "Acme") == ("Acme", 0)
    assert full_name_under(customer(1, "Acme:Kitchen", 1), "Tiles") == ("Acme:Kitchen:Tiles", 2)


def test_jobs_nest_at_most_five_levels() -> None:
    deep = customer(1, "A:B:C:D:E:F", MAX_SUBLEVEL)
    with pytest.raises(RuleError, check=lambda e: e.code == "too_deep"):
        full_name_under(deep, "G")


def test_an_entry_cannot_move_below_itself_or_its_descendants() -> None:
    top = customer(1, "Acme")
    check_parent(ListKind.CUSTOMER, top, customer(2, "Globex"))
    for below in (top, customer(3, "acme:Kitchen", 1)):
        with pytest.raises(RuleError, check=lambda e: e.code == "parent_is_own_descendant"):
            check_parent(ListKind.CUSTOMER, top, below)


def test_flat_lists_have_no_parents() -> None:
    vendor = replace(customer(1, "Northwind"), kind=ListKind.VENDOR)
    with pytest.raises(
        RuleError, match="has no parent", check=lambda e: (e.code, e.field) == ("invalid_name", "parent")
    ):
        check_parent(ListKind.VENDOR, None, vendor)
