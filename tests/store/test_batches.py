"""Batch writes item by item on real SQLite and PostgreSQL: each item in its own savepoint inside
one unit of work, so a refused item leaves nothing and the others stand (QuickBooks Time's
per-item statuses), while anything unexpected still undoes the whole request."""

from __future__ import annotations

import pytest

from timeledger.dialects.scaffold.batches import each_in_savepoint
from timeledger.ledger.errors import DuplicateNameError, LedgerError, RuleError
from timeledger.ledger.lists import ListDraft
from timeledger.ledger.queries import ListQuery
from timeledger.ledger.services.lists import create_list_entry, list_list_entries
from timeledger.ledger.values import ActiveStatus, ListKind
from timeledger.store.unit_of_work import SqlUnitOfWork


def _class_names(uow: SqlUnitOfWork, company_key: int) -> list[str]:
    query = ListQuery(ListKind.CLASS, status=ActiveStatus.ALL)
    return sorted(e.name for e in list_list_entries(uow, company_key, query).items)


def test_a_refused_item_leaves_nothing_and_the_others_stand(uow: SqlUnitOfWork, company_key: int) -> None:
    names = ["Ops", "Sales", "ops", "Bad:Name", "Support"]
    with uow.write():
        outcomes = each_in_savepoint(
            uow,
            names,
            lambda name: create_list_entry(uow, company_key, ListDraft(ListKind.CLASS, name=name)),
            (LedgerError,),
        )
        uow.commit()
    assert [o.result.name if o.result else None for o in outcomes] == ["Ops", "Sales", None, None, "Support"]
    assert isinstance(outcomes[2].refusal, DuplicateNameError)
    assert isinstance(outcomes[3].refusal, RuleError) and outcomes[3].refusal.code == "invalid_name"
    assert _class_names(uow, company_key) == ["Ops", "Sales", "Support"]


def test_an_unexpected_error_in_one_item_undoes_every_item(uow: SqlUnitOfWork, company_key: int) -> None:
    def create(name: str) -> object:
        if name == "boom":
            raise RuntimeError("a bug, not a refusal")
        return create_list_entry(uow, company_key, ListDraft(ListKind.CLASS, name=name))

    with pytest.raises(RuntimeError, match="a bug"), uow.write():
        each_in_savepoint(uow, ["First", "boom", "Never"], create, (LedgerError,))
        uow.commit()
    assert _class_names(uow, company_key) == []
