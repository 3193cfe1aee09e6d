"""Input that once crashed the server, each refused in FreshBooks' own error shape and nothing
stored: ids that are not ASCII digits, page numbers no offset can hold, instants no datetime can
hold, decimals that are not numbers, and OAuth bodies that are not forms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.servers import Server

ENTRIES = "/timetracking/business/{business}/time_entries"
TOO_LATE, TOO_EARLY = "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"


@pytest.fixture(scope="module")
def fb(server: Server, demo: dict[str, Any]) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {demo['freshbooks']['access_token']}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        yield client


@pytest.fixture(scope="module")
def entries(demo: dict[str, Any]) -> str:
    return ENTRIES.format(business=demo["freshbooks"]["business_id"])


def field_error(response: httpx.Response, field: str) -> str:
    """A project-family 422 naming ``field``; the message given for it."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert isinstance(body["errno"], int) and field in body["error"], body
    return str(body["error"][field])


def not_found(response: httpx.Response) -> None:
    assert response.status_code == 404, response.text
    assert response.json() == {"error": "Requested resource could not be found."}


@pytest.mark.parametrize("ident", ["--5", "²", "%C2%B2", "\u0661", "1" * 25, "-1"])
def test_a_path_id_that_is_not_ascii_digits_names_nothing(
    fb: httpx.Client, entries: str, ident: str, unchanged: None
) -> None:
    not_found(fb.get(f"{entries}/{ident}"))
    not_found(fb.put(f"{entries}/{ident}", json={"time_entry": {"note": "x"}}))
    not_found(fb.delete(f"{entries}/{ident}"))


@pytest.mark.parametrize("value", ["--5", "²", "\u0661", "9" * 30, 2**70, 1.5, True, {"id": 1}])
def test_an_id_in_a_body_that_is_not_an_integer_is_a_field_error(
    fb: httpx.Client, entries: str, value: Any, unchanged: None
) -> None:
    body = {"time_entry": {"started_at": "2024-01-02T09:00:00Z", "duration": 60, "client_id": value}}
    field_error(fb.post(entries, json=body), "client_id")


@pytest.mark.parametrize("page", ["100000000000000000000", "2147483648", "-1", "²", "1.5"])
def test_a_page_number_no_offset_can_hold_is_refused(fb: httpx.Client, entries: str, page: str) -> None:
    answer = fb.get(entries, params={"page": page})
    assert answer.status_code == 422 and answer.json()["errno"] == 1014, answer.text


@pytest.mark.parametrize("value", [TOO_LATE, TOO_EARLY])
@pytest.mark.parametrize("name", ["started_from", "started_to", "updated_since"])
def test_a_filter_instant_no_datetime_can_hold_is_a_field_error(
    fb: httpx.Client, entries: str, name: str, value: str
) -> None:
    field_error(fb.get(entries, params={name: value}), name)


@pytest.mark.parametrize("value", [TOO_LATE, TOO_EARLY, 10**15, -(10**15)])
def test_a_start_no_datetime_can_hold_is_a_field_error(
    fb: httpx.Client, entries: str, value: Any, unchanged: None
) -> None:
    body = {"time_entry": {"started_at": value, "duration": 60}}
    field_error(fb.post(entries, json=body), "started_at")


def test_a_client_updated_before_the_first_day_is_a_field_error(
    fb: httpx.Client, demo: dict[str, Any]
) -> None:
    clients = f"/accounting/account/{demo['freshbooks']['account_id']}/users/clients"
    for value in ("0001-01-01", "9999-12-31", "2024-1-1", "²"):
        answer = fb.get(clients, params={"search[updated_max]": value})
        assert answer.status_code == 422, answer.text
        (error,) = answer.json()["response"]["errors"]
        assert error["field"] == "updated_max" and isinstance(error["errno"], int)


@pytest.mark.parametrize("price", ["NaN", "1E+999999999", "Infinity", "-", "1e3", "12.5.0", [], True])
def test_a_project_price_that_is_not_a_plain_decimal_is_a_field_error(
    fb: httpx.Client, demo: dict[str, Any], price: Any, unchanged: None
) -> None:
    client_id = fb.get(f"/accounting/account/{demo['freshbooks']['account_id']}/users/clients").json()
    client = client_id["response"]["result"]["clients"][0]["id"]
    body = {"project": {"title": "Priced", "client_id": client, "fixed_price": price}}
    field_error(
        fb.post(f"/projects/business/{demo['freshbooks']['business_id']}/project", json=body), "fixed_price"
    )


def _multipart(*parts: bytes, boundary: bytes = b"b0undary") -> tuple[bytes, dict[str, str]]:
    body = (
        b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + boundary + b"--\r\n"
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary.decode()}"}


def _field(name: str, value: bytes) -> bytes:
    return f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value


MALFORMED_BODIES = {
    "broken multipart": (
        b"--b0undary\r\nnot a header\r\n\r\n",
        {"Content-Type": "multipart/form-data; boundary=b0undary"},
    ),
    "no boundary": (b"grant_type=x", {"Content-Type": "multipart/form-data"}),
    "too many fields": _multipart(*(_field(f"f{i}", b"v") for i in range(101))),
    "a file part": _multipart(
        b'Content-Disposition: form-data; name="client_secret"; filename="s.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nsecret"
    ),
    "too many form fields": ("&".join(f"f{i}=v" for i in range(101)).encode(), {}),
    "a JSON array": (b"[1, 2]", {"Content-Type": "application/json"}),
    "not JSON": (b"{nope", {"Content-Type": "application/json"}),
    "not UTF-8": (b"grant_type=\xff\xfe", {"Content-Type": "application/x-www-form-urlencoded"}),
}


@pytest.mark.parametrize("path", ["/auth/oauth/token", "/auth/oauth/revoke"])
@pytest.mark.parametrize("case", list(MALFORMED_BODIES))
def test_an_oauth_body_that_is_not_a_form_is_an_invalid_request(
    server: Server, path: str, case: str, unchanged: None
) -> None:
    body, headers = MALFORMED_BODIES[case]
    answer = httpx.post(server.base_url + path, content=body, headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_request" and answer.json()["error_description"]


@pytest.mark.parametrize("path", ["/auth/oauth/token", "/auth/oauth/revoke"])
def test_an_oauth_part_over_the_body_limit_is_a_413(server: Server, path: str, unchanged: None) -> None:
    body, headers = _multipart(_field("client_secret", b"x" * 1_100_000))
    answer = httpx.post(server.base_url + path, content=body, headers=headers)
    assert answer.status_code == 413, answer.text
    assert answer.json()["error"] == "invalid_request"


def test_text_holding_the_nul_character_is_a_field_error(
    fb: httpx.Client, entries: str, demo: dict[str, Any], unchanged: None
) -> None:
    body = {"time_entry": {"started_at": "2024-01-02T09:00:00Z", "duration": 60, "note": "n\u0000"}}
    assert "NUL" in field_error(fb.post(entries, json=body), "note")
    clients = f"/accounting/account/{demo['freshbooks']['account_id']}/users/clients"
    answer = fb.get(clients, params={"search[email]": "\u0000"})
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["response"]["errors"]
    assert error["field"] == "search[email]" and "NUL" in error["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("bus_phone", "9" * 400), ("fname", "f" * 101), ("lname", "l" * 101), ("organization", "o" * 256)],
)
def test_client_text_longer_than_it_can_be_kept_is_a_field_error(
    fb: httpx.Client, demo: dict[str, Any], field: str, value: str, unchanged: None
) -> None:
    clients = f"/accounting/account/{demo['freshbooks']['account_id']}/users/clients"
    created = fb.post(clients, json={"client": {"organization": "Short", field: value}})
    assert created.status_code == 422, created.text
    (error,) = created.json()["response"]["errors"]
    assert error["field"] == field and "longer than" in error["message"]
