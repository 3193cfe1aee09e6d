"""The QuickBooks Time connector's Python API against a running timeledger: the nine actions, paging,
token refresh and the new-records trigger; and its back-off on 429 and 503, which our server never
sends, against a scripted transport."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.connectors.conftest import api, jobcode_named, new_demo, new_tracker, unique
from tests.servers import Server
from timeledger.connectors.quickbooks_time import (
    ApiError,
    AuthenticationError,
    Credentials,
    CredentialsFile,
    InputError,
    ItemError,
    JobcodeAssignmentsQuery,
    JobcodesQuery,
    NewRecordsTrigger,
    NewTimesheet,
    NewUser,
    QuickBooksTimeClient,
    TimesheetChanges,
    TimesheetsQuery,
    TriggerState,
    UserChanges,
    UsersQuery,
)


class RecordingTransport(httpx.HTTPTransport):
    """The real transport to the real server, noting each request on its way."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return super().handle_request(request)


@pytest.fixture
def recorded(account: dict[str, Any]) -> Iterator[tuple[QuickBooksTimeClient, RecordingTransport]]:
    transport = RecordingTransport()
    credentials = Credentials.from_mapping(account, "the demo")
    with QuickBooksTimeClient(credentials, transport=transport) as made:
        yield made, transport


def _sent(request: httpx.Request) -> Any:
    return json.loads(request.content)


# --- users ------------------------------------------------------------------------------------------


def test_get_users_returns_the_results_keyed_by_id(client: QuickBooksTimeClient) -> None:
    users = client.get_users()
    assert set(users) == {"users"}
    by_username = {u["username"]: u for u in users["users"].values()}
    assert {"ada", "grace", "alan"} <= set(by_username)
    assert all(key == str(user["id"]) for key, user in users["users"].items())


def test_create_user_returns_the_new_user_at_position_1(client: QuickBooksTimeClient) -> None:
    username = unique("new")
    made = client.create_user(NewUser(username, "Nia", "Newcomer", {"email": f"{username}@example.com"}))
    user = made["users"]["1"]
    assert user["_status_code"] == 200 and user["username"] == username
    assert (user["first_name"], user["last_name"], user["email"]) == (
        "Nia",
        "Newcomer",
        f"{username}@example.com",
    )
    assert user["permissions"]["time_tracking"] is False  # QuickBooks Time's default for new users
    assert str(user["id"]) in client.get_users(UsersQuery(additional={"usernames": username}))["users"]


def test_a_taken_username_is_refused_by_its_items_417(client: QuickBooksTimeClient) -> None:
    with pytest.raises(ItemError) as refused:
        client.create_user(NewUser("ada", "Another", "Ada"))
    assert refused.value.refused["1"]["_status_code"] == 417
    assert "username is already in use" in str(refused.value)


def test_create_user_without_a_last_name_is_refused_before_anything_is_sent(
    recorded: tuple[QuickBooksTimeClient, RecordingTransport],
) -> None:
    client, transport = recorded
    with pytest.raises(InputError, match="last_name is required"):
        client.create_user(NewUser(unique("x"), "First", " "))
    assert transport.requests == []


def test_update_user_by_id_sends_the_id_and_the_changes_only(
    recorded: tuple[QuickBooksTimeClient, RecordingTransport],
) -> None:
    client, transport = recorded
    user_id = new_tracker(client)
    updated = client.update_user(
        UserChanges(id=str(user_id), additional={"last_name": "Renamed", "email": ""})
    )
    assert _sent(transport.requests[-1]) == {"data": [{"id": user_id, "last_name": "Renamed"}]}
    assert updated["users"]["1"]["last_name"] == "Renamed" and updated["users"]["1"]["id"] == user_id


def test_update_user_by_username(client: QuickBooksTimeClient) -> None:
    username = unique("byname")
    client.create_user(NewUser(username, "By", "Name"))
    updated = client.update_user(UserChanges(username=username, additional={"first_name": "Changed"}))
    assert updated["users"]["1"]["first_name"] == "Changed"


def test_update_user_naming_nobody_is_refused(client: QuickBooksTimeClient) -> None:
    # The users PUT status table has only 200 and 417 (reference §3): a user not found is a 417.
    with pytest.raises(ItemError) as refused:
        client.update_user(UserChanges(username=unique("nobody"), additional={"last_name": "X"}))
    item = refused.value.refused["1"]
    assert item["_status_code"] == 417 and "No user has the username" in item["_status_extra"]


def test_update_user_without_an_id_or_a_username_is_refused(client: QuickBooksTimeClient) -> None:
    with pytest.raises(InputError, match="needs an id or a username"):
        client.update_user(UserChanges(additional={"last_name": "X"}))
    with pytest.raises(InputError, match="id must be an integer"):
        client.update_user(UserChanges(id="ada"))


# --- jobcodes and assignments ------------------------------------------------------------------------


def test_get_jobcodes_returns_the_customers_and_their_jobs(client: QuickBooksTimeClient) -> None:
    jobcodes = client.get_jobcodes()["jobcodes"]
    by_name = {j["name"]: j for j in jobcodes.values()}
    assert {"Acme Corp", "Globex", "Website Redesign", "Mobile App", "Annual Audit"} <= set(by_name)
    assert by_name["Website Redesign"]["parent_id"] == by_name["Acme Corp"]["id"]


def test_get_jobcodes_passes_additional_parameters_in_the_query(client: QuickBooksTimeClient) -> None:
    top = client.get_jobcodes(JobcodesQuery(active="yes", additional={"parent_ids": "0"}))["jobcodes"]
    assert {j["parent_id"] for j in top.values()} == {0}
    assert {"Acme Corp", "Globex"} <= {j["name"] for j in top.values()}


def test_get_jobcode_assignments_of_a_user(client: QuickBooksTimeClient, account: dict[str, Any]) -> None:
    user_id = new_tracker(client)
    jobcode_id = jobcode_named(client, "Mobile App")
    api(
        account,
        "POST",
        "jobcode_assignments",
        json={"data": [{"user_id": user_id, "jobcode_id": jobcode_id}]},
    )
    found = client.get_jobcode_assignments(JobcodeAssignmentsQuery(user_ids=[user_id]))
    assert [(a["user_id"], a["jobcode_id"]) for a in found["jobcode_assignments"].values()] == [
        (user_id, jobcode_id)
    ]
    assert client.get_jobcode_assignments(JobcodeAssignmentsQuery(active="no", user_ids=[user_id])) == {
        "jobcode_assignments": {}
    }


# --- timesheets ---------------------------------------------------------------------------------------


def test_create_timesheet_then_get_it_by_user_and_date(client: QuickBooksTimeClient) -> None:
    user_id = new_tracker(client)
    jobcode_id = jobcode_named(client, "Website Redesign")
    made = client.create_timesheet(
        NewTimesheet(user_id, jobcode_id, "2024-03-04T09:00:00-07:00", "2024-03-04T10:30:00-07:00")
    )
    timesheet = made["timesheets"]["1"]
    assert timesheet["_status_code"] == 200
    assert (timesheet["type"], timesheet["duration"], timesheet["on_the_clock"]) == ("regular", 5400, False)
    found = client.get_timesheets(
        TimesheetsQuery(user_ids=[user_id], start_date="2024-03-04", end_date="2024-03-04")
    )
    assert list(found["timesheets"]) == [str(timesheet["id"])]
    assert found["timesheets"][str(timesheet["id"])]["jobcode_id"] == jobcode_id


def test_create_timesheet_takes_aware_datetimes(client: QuickBooksTimeClient) -> None:
    user_id = new_tracker(client)
    start = datetime(2024, 3, 5, 16, 0, tzinfo=UTC)
    made = client.create_timesheet(
        NewTimesheet(user_id, jobcode_named(client, "Globex"), start, start + timedelta(hours=2))
    )
    assert made["timesheets"]["1"]["start"] == "2024-03-05T09:00:00-07:00"  # the user's time zone
    with pytest.raises(InputError, match="start needs its offset"):
        client.create_timesheet(
            NewTimesheet(user_id, 1, datetime(2024, 3, 5, 9), "2024-03-05T10:00:00-07:00")
        )


def test_an_overlapping_timesheet_is_refused_by_its_items_406(client: QuickBooksTimeClient) -> None:
    user_id = new_tracker(client)
    jobcode_id = jobcode_named(client, "Globex")
    client.create_timesheet(
        NewTimesheet(user_id, jobcode_id, "2024-03-06T09:00:00-07:00", "2024-03-06T11:00:00-07:00")
    )
    with pytest.raises(ItemError) as refused:
        client.create_timesheet(
            NewTimesheet(user_id, jobcode_id, "2024-03-06T10:00:00-07:00", "2024-03-06T12:00:00-07:00")
        )
    assert refused.value.refused["1"]["_status_code"] == 406
    assert "Conflict exists with another timesheet" in str(refused.value)


def test_a_timesheet_for_someone_who_may_not_track_time_is_refused_with_ts_1006(
    client: QuickBooksTimeClient,
) -> None:
    made = client.create_user(NewUser(unique("notime"), "No", "Time"))
    with pytest.raises(ItemError, match="TS-1006"):
        client.create_timesheet(
            NewTimesheet(
                made["users"]["1"]["id"],
                jobcode_named(client, "Globex"),
                "2024-03-07T09:00:00-07:00",
                "2024-03-07T10:00:00-07:00",
            )
        )


def test_update_timesheet_sends_only_what_is_given_so_it_stays_off_the_clock(
    recorded: tuple[QuickBooksTimeClient, RecordingTransport],
) -> None:
    client, transport = recorded
    user_id = new_tracker(client)
    made = client.create_timesheet(
        NewTimesheet(
            user_id, jobcode_named(client, "Globex"), "2024-03-08T09:00:00-07:00", "2024-03-08T10:00:00-07:00"
        )
    )
    timesheet_id = made["timesheets"]["1"]["id"]
    audit = jobcode_named(client, "Annual Audit")
    # An end of "" would put the timesheet back on the clock: it is not sent.
    updated = client.update_timesheet(TimesheetChanges(timesheet_id, jobcode_id=audit, start=None, end=""))
    assert _sent(transport.requests[-1]) == {"data": [{"id": timesheet_id, "jobcode_id": audit}]}
    shown = updated["timesheets"]["1"]
    assert (shown["jobcode_id"], shown["end"], shown["on_the_clock"]) == (
        audit,
        "2024-03-08T10:00:00-07:00",
        False,
    )
    moved = client.update_timesheet(TimesheetChanges(timesheet_id, end="2024-03-08T11:15:00-07:00"))
    assert moved["timesheets"]["1"]["duration"] == 8100


def test_update_timesheet_passes_additional_fields_in_the_item(client: QuickBooksTimeClient) -> None:
    user_id = new_tracker(client)
    made = client.create_timesheet(
        NewTimesheet(
            user_id,
            jobcode_named(client, "Globex"),
            "2024-03-11T09:00:00-07:00",
            "2024-03-11T10:00:00-07:00",
            {"notes": "first"},
        )
    )
    assert made["timesheets"]["1"]["notes"] == "first"
    updated = client.update_timesheet(
        TimesheetChanges(made["timesheets"]["1"]["id"], additional={"notes": "second"})
    )
    assert updated["timesheets"]["1"]["notes"] == "second"


def test_delete_timesheet_deletes_each_id(client: QuickBooksTimeClient) -> None:
    user_id = new_tracker(client)
    jobcode_id = jobcode_named(client, "Globex")
    ids = [
        client.create_timesheet(
            NewTimesheet(
                user_id, jobcode_id, f"2024-03-12T{h:02}:00:00-06:00", f"2024-03-12T{h:02}:30:00-06:00"
            )
        )["timesheets"]["1"]["id"]
        for h in (9, 10)
    ]
    deleted = client.delete_timesheet(ids)
    assert {k: v["_status_code"] for k, v in deleted["timesheets"].items()} == {str(i): 200 for i in ids}
    query = TimesheetsQuery(user_ids=[user_id], start_date="2024-03-12")
    assert client.get_timesheets(query) == {"timesheets": {}}


def test_deleting_an_unknown_timesheet_is_refused_as_not_found_by_its_id(
    client: QuickBooksTimeClient,
) -> None:
    made = client.create_timesheet(
        NewTimesheet(
            new_tracker(client),
            jobcode_named(client, "Globex"),
            "2024-03-13T09:00:00-06:00",
            "2024-03-13T10:00:00-06:00",
        )
    )
    known = str(made["timesheets"]["1"]["id"])
    with pytest.raises(ItemError) as refused:
        client.delete_timesheet([known, 987654321])
    assert list(refused.value.refused) == ["987654321"]
    assert refused.value.refused["987654321"]["_status_code"] == 404
    assert "timesheets id 987654321: 404" in str(refused.value)
    # The rest of the batch went through, and the error says so.
    assert refused.value.results["timesheets"][known]["_status_code"] == 200
    with pytest.raises(InputError, match="ids is required"):
        client.delete_timesheet([])


def test_get_timesheets_without_a_date_or_ids_is_the_servers_417(client: QuickBooksTimeClient) -> None:
    with pytest.raises(ApiError) as refused:
        client.get_timesheets(TimesheetsQuery(active="yes", per_page=10))
    assert refused.value.status == 417
    assert "One of ids, start_date, modified_before or modified_since is required" in refused.value.message


def test_empty_optional_inputs_are_not_sent(
    recorded: tuple[QuickBooksTimeClient, RecordingTransport],
) -> None:
    client, transport = recorded
    client.get_timesheets(
        TimesheetsQuery(
            user_ids=[], jobcode_ids=(), start_date="2024-03-04", end_date="", additional={"ids": ""}
        )
    )
    assert dict(transport.requests[-1].url.params) == {"start_date": "2024-03-04"}


# --- paging -------------------------------------------------------------------------------------------


def test_get_timesheets_follows_more_through_every_page(
    recorded: tuple[QuickBooksTimeClient, RecordingTransport],
) -> None:
    client, transport = recorded
    user_id = new_tracker(client)
    jobcode_id = jobcode_named(client, "Mobile App")
    made = {
        str(
            client.create_timesheet(
                NewTimesheet(
                    user_id, jobcode_id, f"2024-04-0{day}T09:00:00-06:00", f"2024-04-0{day}T10:00:00-06:00"
                )
            )["timesheets"]["1"]["id"]
        )
        for day in range(1, 6)
    }
    query = TimesheetsQuery(per_page=2, user_ids=[user_id], start_date="2024-04-01")
    before = len(transport.requests)
    assert set(client.get_timesheets(query)["timesheets"]) == made
    assert [r.url.params.get("page") for r in transport.requests[before:]] == [None, "2", "3"]
    assert len(client.get_timesheets(query, max_pages=2)["timesheets"]) == 4
    assert (
        len(
            client.get_timesheets(
                TimesheetsQuery(per_page=2, page=3, user_ids=[user_id], start_date="2024-04-01")
            )["timesheets"]
        )
        == 1
    )


def test_get_users_with_a_small_page_returns_every_user(client: QuickBooksTimeClient) -> None:
    for _ in range(3):
        client.create_user(NewUser(unique("pager"), "Page", "Turner"))
    everyone = client.get_users()["users"]
    assert len(everyone) > 4
    assert client.get_users(UsersQuery(per_page=2))["users"] == everyone
    assert len(client.get_users(UsersQuery(per_page=2), max_pages=1)["users"]) == 2


# --- token refresh --------------------------------------------------------------------------------


def test_a_refused_access_token_is_refreshed_and_the_rotated_tokens_written_back(
    server: Server, tmp_path: Path
) -> None:
    whole = new_demo(server)
    old_refresh = whole["quickbooks_time"]["refresh_token"]
    whole["quickbooks_time"]["access_token"] = "bogus-access-token"
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(whole, indent=2))
    store = CredentialsFile(path)
    with QuickBooksTimeClient(store.load(), store=store) as client:
        assert "ada" in {u["username"] for u in client.get_users()["users"].values()}
    kept = json.loads(path.read_text())
    rotated = kept["quickbooks_time"]
    assert rotated["access_token"] not in ("bogus-access-token", whole["quickbooks_time"]["access_token"])
    assert rotated["refresh_token"] != old_refresh
    # Every other key of the file is as it was, the rest of the demo JSON included.
    assert {k: v for k, v in rotated.items() if not k.endswith("_token")} == {
        k: v for k, v in whole["quickbooks_time"].items() if not k.endswith("_token")
    }
    assert {k: v for k, v in kept.items() if k != "quickbooks_time"} == {
        k: v for k, v in whole.items() if k != "quickbooks_time"
    }
    with QuickBooksTimeClient(CredentialsFile(path).load()) as again:  # no refresh: the new token works
        assert again.get_users(UsersQuery(per_page=1), max_pages=1)["users"]
    # Last, since replaying a spent refresh token revokes the chain it began.
    replayed = httpx.post(
        f"{rotated['base_url']}/grant",
        data={
            "grant_type": "refresh_token",
            "client_id": rotated["client_id"],
            "client_secret": rotated["client_secret"],
            "refresh_token": old_refresh,
        },
    )
    assert replayed.status_code == 400 and replayed.json()["error"] == "invalid_grant"


def test_a_refresh_the_server_refuses_is_an_authentication_error(server: Server) -> None:
    block = new_demo(server)["quickbooks_time"]
    credentials = Credentials.from_mapping(
        {**block, "access_token": "bogus", "refresh_token": "bogus"}, "test"
    )
    with QuickBooksTimeClient(credentials) as client, pytest.raises(AuthenticationError) as refused:
        client.get_users()
    assert refused.value.status == 400 and "invalid_grant" in refused.value.message
    assert "refreshing it failed" in str(refused.value)


def test_a_refused_access_token_without_refresh_credentials_is_the_servers_401(demo: dict[str, Any]) -> None:
    credentials = Credentials(access_token="bogus", base_url=demo["quickbooks_time"]["base_url"])
    with QuickBooksTimeClient(credentials) as client, pytest.raises(AuthenticationError) as refused:
        client.get_jobcodes()
    assert refused.value.status == 401 and "Unauthorized" in refused.value.message


# --- the new-records trigger --------------------------------------------------------------------------


def _reported(trigger: NewRecordsTrigger) -> set[tuple[str, str, int]]:
    return {(r.type, r.change, r.record["id"]) for r in trigger.poll()}


def _clock_in(block: dict[str, Any], user_id: int, jobcode_id: int, start: datetime) -> int:
    """A running timesheet (no end): not a connector action, whose Create Timesheet needs an end."""
    item = {
        "user_id": user_id,
        "jobcode_id": jobcode_id,
        "type": "regular",
        "start": start.isoformat(),
        "end": "",
    }
    made = api(block, "POST", "timesheets", json={"data": [item]})["results"]["timesheets"]["1"]
    assert made["on_the_clock"] is True, made
    return int(made["id"])


def test_the_trigger_reports_what_is_new_or_changed_since_its_previous_poll(server: Server) -> None:
    block = new_demo(server)["quickbooks_time"]
    with QuickBooksTimeClient(Credentials.from_mapping(block, "test")) as client:
        trigger = NewRecordsTrigger(client)
        users = {int(k) for k in client.get_users(UsersQuery(active="both"))["users"]}
        jobcodes = {int(k) for k in client.get_jobcodes(JobcodesQuery(active="both"))["jobcodes"]}
        # Everything is new to a trigger that has seen nothing; the demo's timesheets are last week's.
        assert _reported(trigger) == {("user", "new", u) for u in users} | {
            ("jobcode", "new", j) for j in jobcodes
        }
        assert _reported(trigger) == set()

        user_id = new_tracker(client)
        globex = jobcode_named(client, "Globex")
        now = datetime.now(UTC).replace(microsecond=0)
        done = client.create_timesheet(
            NewTimesheet(user_id, globex, now - timedelta(hours=2), now - timedelta(hours=1))
        )
        running = _clock_in(block, user_id, globex, now - timedelta(minutes=30))
        # A job with no children: renaming a parent moves its children's last_modified too.
        mobile_app = jobcode_named(client, "Mobile App")
        api(block, "PUT", "jobcodes", json={"data": [{"id": mobile_app, "name": unique("Mobile App ")}]})
        # The running timesheet is not reported: it shows up once clocked out.
        assert _reported(trigger) == {
            ("user", "new", user_id),
            ("timesheet", "new", done["timesheets"]["1"]["id"]),
            ("jobcode", "changed", mobile_app),
        }

        client.update_timesheet(TimesheetChanges(running, end=now))
        client.update_user(UserChanges(id=user_id, additional={"last_name": "Changed"}))
        assert _reported(trigger) == {("timesheet", "new", running), ("user", "changed", user_id)}
        assert _reported(trigger) == set()


def _read(transport: RecordingTransport) -> list[str]:
    return [r.url.path.rsplit("/", 1)[-1] for r in transport.requests]


def test_the_trigger_reads_only_what_last_modified_timestamps_says_has_changed(server: Server) -> None:
    block = new_demo(server)["quickbooks_time"]
    transport = RecordingTransport()
    with QuickBooksTimeClient(Credentials.from_mapping(block, "test"), transport=transport) as client:
        # The polls seem a minute later than they are, so the timestamps the first read are seconds
        # older than it (they are whole seconds: a change in the same second would not move them).
        later = datetime.now(UTC) + timedelta(minutes=1)
        trigger = NewRecordsTrigger(client, now=lambda: later)
        assert trigger.poll()
        transport.requests.clear()
        assert trigger.poll() == []
        assert _read(transport) == ["last_modified_timestamps"]

        trigger.state.timestamps["users"] = "2000-01-01T00:00:00+00:00"
        transport.requests.clear()
        assert trigger.poll() == []  # read again, and nothing in it is new
        assert _read(transport) == ["last_modified_timestamps", "users"]


def test_a_change_in_the_second_of_the_previous_poll_is_still_reported(server: Server) -> None:
    block = new_demo(server)["quickbooks_time"]
    with QuickBooksTimeClient(Credentials.from_mapping(block, "test")) as client:
        trigger = NewRecordsTrigger(client)
        trigger.poll()
        # Made at once: its second may well be the one last_modified_timestamps showed the poll.
        user_id = new_tracker(client)
        assert _reported(trigger) == {("user", "new", user_id)}


def test_the_triggers_state_survives_a_round_trip_through_json(server: Server) -> None:
    block = new_demo(server)["quickbooks_time"]
    with QuickBooksTimeClient(Credentials.from_mapping(block, "test")) as client:
        trigger = NewRecordsTrigger(client)
        trigger.poll()
        kept = json.loads(json.dumps(trigger.state.to_json()))
        restarted = NewRecordsTrigger(client, TriggerState.from_json(kept))
        assert restarted.poll() == []
        user_id = new_tracker(client)
        assert _reported(restarted) == {("user", "new", user_id)}
    with pytest.raises(ValueError, match="last_poll needs its offset"):
        TriggerState.from_json({"last_poll": "2024-01-01T00:00:00", "timestamps": {}, "seen": {}})


# --- back-off ------------------------------------------------------------------------------------------
# Our server never answers 429 or 503, so these tests script the answers with httpx.MockTransport.
# They test the client's retry logic only; every other test here talks to the real server.


def _scripted(*answers: httpx.Response) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(answers)

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return httpx.MockTransport(answer), seen


OK = httpx.Response(200, json={"results": {"users": {"1": {"id": 1}}}, "more": False})


def _client(transport: httpx.MockTransport, sleeps: list[float], **options: Any) -> QuickBooksTimeClient:
    return QuickBooksTimeClient(
        Credentials("token"),
        base_url="http://qbt.invalid/api/v1",
        transport=transport,
        sleep=sleeps.append,
        **options,
    )


def test_a_429_is_retried_after_the_seconds_retry_after_gives() -> None:
    transport, seen = _scripted(httpx.Response(429, headers={"Retry-After": "7"}), OK)
    sleeps: list[float] = []
    assert _client(transport, sleeps).get_users() == {"users": {"1": {"id": 1}}}
    assert sleeps == [7.0] and len(seen) == 2


def test_a_503_is_retried_after_the_http_date_retry_after_gives() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    transport, seen = _scripted(httpx.Response(503, headers={"Retry-After": when}), OK)
    sleeps: list[float] = []
    _client(transport, sleeps).get_users()
    assert len(sleeps) == 1 and 20 < sleeps[0] <= 30 and len(seen) == 2


def test_without_retry_after_the_wait_doubles_up_to_the_cap() -> None:
    transport, seen = _scripted(httpx.Response(503), httpx.Response(429), httpx.Response(503), OK)
    sleeps: list[float] = []
    _client(transport, sleeps, base_delay=0.01, max_delay=0.03).get_users()
    assert sleeps == [0.01, 0.02, 0.03] and len(seen) == 4


def test_after_the_last_retry_the_429_is_the_error() -> None:
    transport, seen = _scripted(
        httpx.Response(429, json={"error": {"code": 429, "message": "Too Many Requests"}})
    )
    sleeps: list[float] = []
    with pytest.raises(ApiError) as refused:
        _client(transport, sleeps, retries=2, base_delay=0.01).get_users()
    assert refused.value.status == 429 and refused.value.message == "Too Many Requests"
    assert len(seen) == 3 and sleeps == [0.01, 0.02]


def test_a_retry_after_longer_than_the_cap_is_given_up_on_at_once() -> None:
    transport, seen = _scripted(httpx.Response(429, headers={"Retry-After": "300"}))
    sleeps: list[float] = []
    with pytest.raises(ApiError, match=r"Retry-After: 300") as refused:
        _client(transport, sleeps, max_delay=60).get_users()
    assert refused.value.status == 429 and sleeps == [] and len(seen) == 1


def test_a_write_is_retried_with_the_same_body() -> None:
    created = httpx.Response(200, json={"results": {"users": {"1": {"_status_code": 200, "id": 5}}}})
    transport, seen = _scripted(httpx.Response(503, headers={"Retry-After": "0"}), created)
    sleeps: list[float] = []
    _client(transport, sleeps).create_user(NewUser("u", "F", "L"))
    assert [_sent(r) for r in seen] == [
        {"data": [{"username": "u", "first_name": "F", "last_name": "L"}]}
    ] * 2
