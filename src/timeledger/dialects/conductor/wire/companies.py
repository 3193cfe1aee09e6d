"""The company file's information (``GET /quickbooks-desktop/company``), from the company record.

QuickBooks keeps a page of facts about a company file; timeledger's company record keeps a name,
an email, a home currency and a time zone. Each key below says where its value comes from; every
other key is ``null`` (or ``[]``), since nothing of it is kept. Conductor's company object has no
key for the home currency: callers find it among the currencies, as in QuickBooks.
"""

from __future__ import annotations

from typing import Any

from timeledger.dialects.conductor.wire.validation import render, validate_query
from timeledger.ledger.tenancy import Company


def parse_company_query(params: list[tuple[str, str]]) -> None:
    """The company takes no parameters: one sent is refused as unknown, as on a list."""
    validate_query("company.retrieve", params)


def render_company(company: Company) -> dict[str, Any]:
    return render(
        "qbd_company",
        {
            # The company record's name (the end user's ``companyName``): the name QuickBooks puts
            # on forms. No legal name is kept, so ``legalCompanyName`` stays null rather than guessed.
            "companyName": company.name,
            # The end user's email, the address the company is reached at.
            "email": company.email,
            # Books made by `timeledger demo` are real books to the ledger, not one of Intuit's
            # sample files (whose dates QuickBooks shifts and whose use it restricts).
            "isSampleCompanyFile": False,
            # The ledger keeps calendar years (no rule or balance starts a year anywhere else), which
            # is also QuickBooks' default for a new company file: January for both.
            "fiscalYearStartMonth": "january",
            "incomeTaxYearStartMonth": "january",
            # timeledger makes no accountant's copies, so none exists.
            "accountantCopy": {"accountantCopyExists": False, "dividingDate": None},
        },
    )
