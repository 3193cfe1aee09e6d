"""Registering an app and giving a person a password from the command line."""

from __future__ import annotations

import json
from typing import Any

from tests.conformance.freshbooks.conftest import code_from, consent, sdk_client
from tests.servers import Server, run_cli


def test_an_app_registered_on_the_command_line_completes_the_flow(
    server: Server, demo: dict[str, Any], freshbooks_env: None
) -> None:
    created = run_cli(
        "oauth-clients",
        "create",
        "--organization",
        demo["conductor"]["publishable_key"],
        "--name",
        "Command line app",
        "--redirect-uri",
        "https://app.example/callback",
        "--scope",
        "user:profile:read",
        database_url=server.database_url,
    )
    assert created.returncode == 0, created.stderr
    app = {**json.loads(created.stdout), "redirect_uri": "https://app.example/callback"}
    login = run_cli(
        "people",
        "set-password",
        "--organization",
        demo["conductor"]["publishable_key"],
        "--end-user",
        demo["conductor"]["end_user_id"],
        "--person-email",
        "grace@example.com",
        "--password",
        "a long password",
        database_url=server.database_url,
    )
    assert login.returncode == 0, login.stderr
    fb = sdk_client(app)
    fb.get_access_token(code_from(consent(fb.get_auth_request_url(), "grace@example.com", "a long password")))
    assert fb.current_user().first_name == "Grace"
