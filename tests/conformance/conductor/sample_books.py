"""A small company of its own for the generated-input tests: one of each list object, a few
activities and journal entries, one of each deleted, and spare end users, so a generated path can
name real objects and the deleted lists have something to report.

Generated writes land here and not in the demo company, whose books other tests assert on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.conformance.conductor.deletions import delete_list_entry
from tests.servers import Server
from timeledger.ledger.values import ListKind

QBD = "/quickbooks-desktop"


@dataclass
class SampleBooks:
    """The company's end user id and the ids of its objects, by collection path (as in the spec)."""

    end_user_id: str
    ids: dict[str, list[str]] = field(default_factory=dict)
    # End users that a generated DELETE /end-users/{id} may remove: never the company above.
    spare_end_users: list[str] = field(default_factory=list)

    def real_ids(self, method: str, path: str) -> list[str]:
        """Real ids for ``{id}`` in ``path`` (a spec path such as ``/quickbooks-desktop/employees/{id}``)."""
        if path.startswith("/end-users/"):
            return self.spare_end_users if method.upper() == "DELETE" else [self.end_user_id]
        collection = path.split("/{id}")[0]
        return self.ids.get(collection, [])

    def all_ids(self) -> list[str]:
        """Every id above, the end users' too: what any reference field may name."""
        return [i for ids in self.ids.values() for i in ids] + [self.end_user_id, *self.spare_end_users]


def connected_end_user(client: httpx.Client, publishable_key: str, name: str) -> str:
    """Create an end user and complete its setup link, as the person setting it up would."""
    end_user = client.post(
        "/end-users", json={"companyName": name, "email": "owner@example.com", "sourceId": uuid.uuid4().hex}
    )
    assert end_user.status_code == 200, end_user.text
    session = client.post(
        "/auth-sessions", json={"publishableKey": publishable_key, "endUserId": end_user.json()["id"]}
    )
    assert session.status_code == 200, session.text
    assert httpx.post(session.json()["authFlowUrl"].split("?")[0]).status_code == 200
    return end_user.json()["id"]


def seed_books(server: Server, demo: dict[str, Any]) -> SampleBooks:
    secret = {"Authorization": f"Bearer {demo['conductor']['api_key']}"}
    with httpx.Client(base_url=f"{server.base_url}/v1", headers=secret, timeout=30) as client:
        publishable_key = demo["conductor"]["publishable_key"]
        books = SampleBooks(connected_end_user(client, publishable_key, f"Generated {uuid.uuid4().hex[:6]}"))
        books.spare_end_users = [connected_end_user(client, publishable_key, f"Spare {n}") for n in range(2)]
        client.headers["Conductor-End-User-Id"] = books.end_user_id

        def create(collection: str, body: dict[str, Any]) -> str:
            response = client.post(f"{QBD}/{collection}", json=body)
            assert response.status_code == 200, response.text
            books.ids.setdefault(f"{QBD}/{collection}", []).append(response.json()["id"])
            return response.json()["id"]

        employee = create("employees", {"firstName": "Grace", "lastName": "Hopper"})
        create("vendors", {"name": "Paper Supply Co"})
        create("other-names", {"name": "Petty Cash"})
        customer = create("customers", {"name": "Acme"})
        create("customers", {"name": "Website", "parentId": customer})
        create("classes", {"name": "Operations"})
        expense = create("accounts", {"name": "Wages", "accountType": "expense"})
        bank = create("accounts", {"name": "Checking", "accountType": "bank"})
        income = create("accounts", {"name": "Fees", "accountType": "income"})
        item = create(
            "service-items",
            {"name": "Consulting", "salesOrPurchaseDetails": {"postingAccountId": income, "price": "150.00"}},
        )
        create(
            "payroll-wage-items",
            {"name": "Hourly", "wageType": "hourly_regular", "expenseAccountId": expense, "rate": "40.00"},
        )
        for day in (1, 2, 3):
            create(
                "time-tracking-activities",
                {
                    "transactionDate": f"2026-03-0{day}",
                    "entityId": employee,
                    "customerId": customer,
                    "serviceItemId": item,
                    "duration": "PT1H30M",
                    "billingStatus": "billable",
                },
            )
            create(
                "journal-entries",
                {
                    "transactionDate": f"2026-03-0{day}",
                    "debitLines": [{"accountId": expense, "amount": "100.00"}],
                    "creditLines": [{"accountId": bank, "amount": "100.00"}],
                },
            )
        # Deleted, so not among the ids: a deleted activity, journal entry and vendor.
        for collection, body in (
            (
                "time-tracking-activities",
                {"transactionDate": "2026-03-04", "entityId": employee, "duration": "PT1H"},
            ),
            (
                "journal-entries",
                {
                    "transactionDate": "2026-03-04",
                    "refNumber": "GONE-1",
                    "debitLines": [{"accountId": expense, "amount": "5.00"}],
                    "creditLines": [{"accountId": bank, "amount": "5.00"}],
                },
            ),
        ):
            made = client.post(f"{QBD}/{collection}", json=body)
            assert made.status_code == 200, made.text
            deleted = client.delete(f"{QBD}/{collection}/{made.json()['id']}")
            assert deleted.status_code == 200, deleted.text
        vendor = client.post(f"{QBD}/vendors", json={"name": "Gone Supply Co"})
        assert vendor.status_code == 200, vendor.text
        delete_list_entry(server.database_url, books.end_user_id, ListKind.VENDOR, vendor.json()["id"])
        currencies = client.get(f"{QBD}/currencies")
        assert currencies.status_code == 200, currencies.text
        books.ids[f"{QBD}/currencies"] = [c["id"] for c in currencies.json()["data"][:3]]
        return books
