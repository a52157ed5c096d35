"""A document's fingerprint is the SHA-256 of its text in UTF-8, however it is computed."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from doccritic.core.document import text_sha256


@given(st.text(st.one_of(st.characters(), st.sampled_from(["\ud83d", "\ude00", "🙂", "é"]))), st.integers(1, 7))
def test_the_fingerprint_hashed_in_pieces_is_the_whole_text_hashed(text: str, chunk: int) -> None:
    assert text_sha256(text, chunk) == hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
