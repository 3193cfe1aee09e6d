"""The request log: every request a company makes to the three APIs, newest first, secrets and
tokens redacted, and a replay that sends one again as the same caller."""

from __future__ import annotations

import json

from tests.sandbox.conftest import Company
from tests.sandbox.test_faults import create_activity, qbt_get
from tests.sandbox.test_state import activities, freshbooks


def test_requests_are_logged_newest_first_with_secrets_redacted(company: Company) -> None:
    create_activity(company, "Logged")
    fb, _ = freshbooks(company)
    fb.current_user()
    assert qbt_get(company, "current_user").status_code == 200
    company.call("GET", "/export")  # the sandbox's own API is not logged

    page = company.ok("GET", "/requests", params={"limit": 2})
    assert [(e["api"], e["method"], e["path"]) for e in page["data"]] == [
        ("quickbooks_time", "GET", "/api/v1/current_user"),
        ("freshbooks", "GET", "/auth/api/v1/users/me"),
    ]
    assert page["next_cursor"] is not None
    rest = company.ok("GET", "/requests", params={"limit": 100, "cursor": page["next_cursor"]})
    assert rest["next_cursor"] is None
    created = next(e for e in rest["data"] if e["method"] == "POST")
    assert (
        created["api"] == "conductor" and created["path"] == "/v1/quickbooks-desktop/time-tracking-activities"
    )
    assert created["status"] == 200 and created["duration_ms"] > 0
    assert created["request"]["body"]["note"] == "Logged"
    assert created["response"]["body"]["note"] == "Logged"
    assert created["request"]["headers"]["authorization"] == "Bearer [redacted]"
    assert set(created) == {
        "id",
        "at",
        "api",
        "method",
        "path",
        "status",
        "duration_ms",
        "request",
        "response",
    }

    everything = json.dumps([page, rest])
    secrets = (
        company.demo["conductor"]["api_key"],
        company.demo["freshbooks"]["access_token"],
        company.demo["quickbooks_time"]["access_token"],
    )
    assert not any(secret in everything for secret in secrets)


def test_a_replay_sends_the_request_again_as_its_caller(company: Company) -> None:
    create_activity(company, "Twice")
    assert qbt_get(company, "current_user").status_code == 200
    logged = company.ok("GET", "/requests", params={"limit": 100})["data"]
    qbt = next(e for e in logged if e["api"] == "quickbooks_time")
    again = company.ok("POST", f"/requests/{qbt['id']}/replay")
    assert again["status"] == 200 and again["body"]["results"]["users"]
    post = next(e for e in logged if e["method"] == "POST")
    replayed = company.ok("POST", f"/requests/{post['id']}/replay")
    assert (replayed["status"], replayed["body"]["note"]) == (200, "Twice")
    assert [a.note for a in activities(company)].count("Twice") == 2
    assert qbt_get(company, "current_user").status_code == 200  # the original token still works
    missing = company.call("POST", "/requests/999999/replay")
    assert (missing.status_code, missing.json()["error"]["message"]) == (
        404,
        "No request with id 999999 is in the log.",
    )


def test_a_bad_page_is_refused(company: Company) -> None:
    for params, message in (
        ({"limit": 0}, '"limit" must be a whole number from 1 to 100.'),
        ({"cursor": "abc"}, 'The cursor "abc" is not one this log gave.'),
    ):
        refused = company.call("GET", "/requests", params=params)
        assert (refused.status_code, refused.json()["error"]["message"]) == (400, message)
