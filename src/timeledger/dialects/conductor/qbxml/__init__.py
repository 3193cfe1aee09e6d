"""qbXML written as JSON, which Conductor's passthrough carries (``POST /end-users/{id}/passthrough/
quickbooks_desktop``): reading its requests, rendering QuickBooks' ``...Ret`` objects, and
QuickBooks' status codes for every refusal. One module per part: ``statuses`` (QuickBooks' status
codes and the two kinds of refusal), ``message`` (the body, its elements, values and references),
``time_tracking`` and ``lists`` (the transactions and list objects), and ``handlers`` (one per
request, answered from the ledger). Import from the module you need; this one holds nothing.

The JSON form, and where each convention comes from:

- An element is a key spelled as in qbXML (``TimeTrackingQueryRq``, ``TxnDate``, ``EntityRef``); an
  attribute is its name after ``@`` (``@requestID`` in, ``@statusCode`` out). Conductor documents no
  attribute spelling: ``@`` is xmltodict's, the usual XML-to-JSON convention, chosen for want of
  evidence. A repeated element is a list; in a request, one that may repeat may also be one value.
- A query's ``...Ret`` is always a list (of one, or empty when nothing matched); an add's or mod's is
  one object. Leaf values are strings, except qbXML's BOOLTYPE (JSON booleans), INTTYPE (numbers)
  and ``ExchangeRate`` (a number). So Conductor's own legacy client typed the JSON of
  ``/end-users/{id}/request/quickbooks_desktop``, passthrough's predecessor (conductor-node 11,
  ``qbdTypes.ts``: ``CustomerQueryRs.CustomerRet: CustomerRet[]``, ``TimeTrackingAddRs.TimeTrackingRet?:
  TimeTrackingRet``, ``IsActive?: boolean``, ``Sublevel: number``).
- Every ``...Rs`` carries ``@statusCode``, ``@statusSeverity`` and ``@statusMessage`` (strings, as XML
  attributes are), and the request's ``@requestID`` when it had one.

Refusals come in two kinds, as QuickBooks makes them. A message that breaks qbXML's schema (an
element qbXML does not have there, a missing required one, an enum value it does not list) is
refused whole by the request processor, before any of its requests runs: Conductor's 502 with the
HRESULT ``0x80040400`` as ``integrationCode`` (``statuses.parse_error``). Everything else is a
status on that request's own ``...Rs``: a value QuickBooks cannot convert (3000 ID, 3010 boolean,
3020 date, 3035 duration, 3070 too long), a reference or object it cannot find (3140, 3120), the
ledger's refusals (``statuses.refusal_status``), a request timeledger does not answer (1030,
"Unsupported message"). Element order, which qbXML's schema fixes, is not checked: a JSON object's
keys carry none.
"""
