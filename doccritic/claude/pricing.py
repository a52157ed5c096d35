"""Token estimates and dollar costs from the price table in resources/ (or the user's copy).

Costs are estimates shown to the user before and after a run; the table is data so it can follow price
changes without a release.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doccritic import paths
from doccritic.core.errors import DoccriticError

PRICES_FILE = "prices.toml"


@dataclass(frozen=True)
class Price:
    input: float  # $ per million tokens
    output: float
    cache_write_5m: float
    cache_write_1h: float
    cache_read: float


@dataclass
class Usage:
    """Token counts of one or more requests; cache fields are 0 on backends without caching."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    @classmethod
    def of(cls, usage: Any) -> Usage:
        """From an SDK ``Usage`` (or any object with those attributes; missing or None fields count 0)."""
        return cls(*(int(getattr(usage, name, 0) or 0) for name in cls.__dataclass_fields__))

    def __add__(self, other: Usage) -> Usage:
        return Usage(*(getattr(self, n) + getattr(other, n) for n in self.__dataclass_fields__))

    @property
    def prompt_tokens(self) -> int:
        """Every input token, whether billed fresh, written to or read from the cache."""
        return self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens

    def as_dict(self) -> dict[str, int]:
        return {n: getattr(self, n) for n in self.__dataclass_fields__}


class PriceTable:
    def __init__(self, data: dict[str, Any], source: Path | None = None) -> None:
        self.source = source
        cache = data.get("cache", {})
        self._mult = (float(cache.get("write_5m", 1.25)), float(cache.get("write_1h", 2.0)),
                      float(cache.get("read", 0.1)))
        # The Message Batches API bills every token at this share of the price above (cache multipliers apply too).
        self.batch = float(data.get("batch", {}).get("price", 0.5))
        self._models = [(str(m["prefix"]), float(m["input"]), float(m["output"])) for m in data.get("model", [])]
        default = data.get("default", {"input": 3.0, "output": 15.0})
        self._default = (float(default["input"]), float(default["output"]))

    def price(self, model: str) -> Price:
        """The first matching ``[[model]]``; else ``[default]`` for Claude models, and nothing for the rest
        (a local model served by Ollama or llama.cpp has no per-token price)."""
        listed = next(((i, o) for prefix, i, o in self._models if model.startswith(prefix)), None)
        inp, out = listed or (self._default if model.startswith("claude") else (0.0, 0.0))
        w5, w1, r = self._mult
        return Price(inp, out, inp * w5, inp * w1, inp * r)

    def cost(self, model: str, usage: Usage) -> float:
        p = self.price(model)
        return (
            usage.input_tokens * p.input
            + usage.output_tokens * p.output
            + usage.cache_creation_input_tokens * p.cache_write_5m
            + usage.cache_read_input_tokens * p.cache_read
        ) / 1_000_000


def load_prices(path: Path | None = None) -> PriceTable:
    """The user's price table if they made one, else the bundled one."""
    if path is None:
        user = paths.config_dir() / PRICES_FILE
        path = user if user.is_file() else paths.resource(PRICES_FILE)
    try:
        return PriceTable(tomllib.loads(path.read_text(encoding="utf-8")), path)
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise DoccriticError(f"The price table {path} cannot be used ({exc}); fix or delete it.") from None


def estimate_tokens(text: str) -> int:
    """A local estimate for backends without token counting (about 4 characters per token in English)."""
    return math.ceil(len(text.encode("utf-8")) / 4)
