"""A placed quote that changes numbers, negations or names is a misquote; wording, case and markup are not."""

from __future__ import annotations

import pytest

from doccritic.core.quotes import differences

DOOR = "Auto-charge ships enabled by default (opt-out) for all existing accounts."


@pytest.mark.parametrize(("quote", "source", "what"), [
    ("Auto-charge ships disabled by default (opt-in) for all existing accounts.", DOOR, ["negations"]),
    ("We will sign a 3-year prepaid contract", "We will sign a 5-year prepaid contract", ["numbers"]),
    ("We ship to all users on day ten.", "We ship to all users on day one.", ["numbers"]),
    ("Success means a 28% lift", "Success means an 18% lift", ["numbers"]),
    ("Refunds within 3 days", "Refunds within 30 days", ["numbers"]),
    ("We will not ship to EU users", "We will ship to EU users", ["negations"]),
    ("It is non-refundable.", "It is refundable.", ["negations"]),
    ("Retrieval from GlacierBox takes up to 12 hours.", "Retrieval from ColdVault takes up to 12 hours.", ["names"]),
    ("Legal signed off with Acme in May", "Legal signed off with Globex in May", ["names"]),
    ("Delete the hot copies on the day", "delete the hot copies on the day", []),  # a sentence start, not a name
    ("We ship to **all** users on day one", "We ship to all users on day one.", []),
    ("The prepayment cannot be refunded", "The prepayment can not be refunded", []),
    ("Retries go up to 1,000 files", "Retries go up to 1000 files", []),
])
def test_what_a_quote_changes(quote, source, what):
    assert differences(quote, source) == what
