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
