"""Every write to orders, payments, refunds, proofs, invoices and receipts.

Each state change is one function: it checks the transition table, writes the change, adds an
audit entry (Wagtail's log) and sends the signal. Nothing else sets a ``state`` field.

Functions that other services call inside their own transaction use
``transaction.atomic(savepoint=False)``: they never catch their own errors, so a failure rolls back
the caller's whole transaction, and the hot path of a webhook saves a dozen savepoint round trips.
"""
