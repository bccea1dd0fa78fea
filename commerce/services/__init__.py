"""Every write to orders, payments, refunds, proofs, invoices and receipts.

Each state change is one function: it checks the transition table, writes the change, adds an
audit entry (Wagtail's log) and sends the signal. Nothing else sets a ``state`` field.
"""
