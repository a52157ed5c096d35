"""How long and how often a critic or turn may try: plain data, shared by the settings and the retry loop."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # automatic tries while nothing has arrived yet
    max_wait: float = 60.0  # longest server-requested wait we sit through
    total_seconds: float = 900.0  # the whole critic or turn, waits included
    notice_after: float = 15.0  # silence inside an open stream before "still waiting" is said
