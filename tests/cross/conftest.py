"""Both SDKs against one server: conductor-py (strict) and freshbooks-sdk, on the same company."""

from tests.conformance.freshbooks.conftest import (  # noqa: F401  (fixtures)
    app_credentials,
    business,
    fb,
    freshbooks_env,
    new_business,
    new_person_login,
    qbd_client,
    uow,
)
