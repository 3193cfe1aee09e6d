"""All three APIs against one server: conductor-py (strict), freshbooks-sdk and QuickBooks Time over
httpx, on the same company."""

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
from tests.conformance.quickbooks_time.conftest import app, new_account, set_time_zone  # noqa: F401  (fixtures)
