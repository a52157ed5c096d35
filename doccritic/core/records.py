"""Plain dataclass records that pydantic validates only where data crosses a boundary.

Findings, reviews and debates are stdlib dataclasses, so the window can start without pydantic:
importing it and building model classes cost ~110 ms, a third of the cold start. Where data comes
from or goes to JSON (review files, the store, exports, the API), a pydantic ``TypeAdapter`` built on
first use validates and serializes them with the same rules a ``BaseModel`` would apply: unknown keys
are refused (``__pydantic_config__``), enums and dates are parsed, ``__post_init__`` checks hold.

The method names follow pydantic's on purpose (``model_validate``, ``model_dump``, ``model_copy``...):
they mean the same thing, and call sites read the same either way.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

if TYPE_CHECKING:
    from pydantic import TypeAdapter


class Record:
    """Base of the core's dataclasses: JSON in and out through pydantic, imported on first use."""

    __slots__ = ()
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """A record from JSON-shaped data; raises ``pydantic.ValidationError`` (a ``ValueError``)."""
        return adapter(cls).validate_python(data)

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Self:
        return adapter(cls).validate_json(data)

    @classmethod
    def model_json_schema(cls, *, mode: Literal["validation", "serialization"] = "validation") -> dict[str, Any]:
        return adapter(cls).json_schema(mode=mode)

    def model_dump(
        self, *, mode: Literal["python", "json"] = "python", exclude: set[str] | None = None
    ) -> dict[str, Any]:
        return adapter(type(self)).dump_python(self, mode=mode, exclude=exclude)

    def model_dump_json(self, *, indent: int | None = None, exclude: set[str] | None = None) -> str:
        return adapter(type(self)).dump_json(self, indent=indent, exclude=exclude).decode()

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with ``update`` applied; unlike pydantic's, the result is checked by ``__post_init__``."""
        base = copy.deepcopy(self) if deep else self
        return dataclasses.replace(base, **(update or {}))  # type: ignore[type-var]


@functools.cache
def adapter(cls: type) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(cls)

