"""Plain dataclass records that pydantic validates only where data crosses a boundary.

Findings, reviews and debates are stdlib dataclasses, so the window can start without pydantic:
importing it and building model classes cost ~110 ms, a third of the cold start. Where data comes
from or goes to JSON (review files, the store, exports, the API), a pydantic ``TypeAdapter`` built on
first use validates and serializes them with the same rules a ``BaseModel`` would apply: unknown keys
are refused (``__pydantic_config__``), enums and dates are parsed, ``__post_init__`` checks hold.

Reading is the exception, because reopening a document reads its stored review on the way to the first
paint: ``model_validate`` first tries a plain decoder that accepts only data of exactly the declared
shape (what doccritic itself wrote), and hands anything else to pydantic, which coerces what it can
and explains what it cannot. Either way the result is the same record.

The method names follow pydantic's on purpose (``model_validate``, ``model_dump``, ``model_copy``...):
they mean the same thing, and call sites read the same either way.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import functools
import json
import types
import typing
from collections.abc import Callable
from datetime import datetime
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
        try:
            return _decoder_of(cls)(data)
        except (TypeError, ValueError, KeyError):
            return adapter(cls).validate_python(data)

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Self:
        try:
            raw = json.loads(data)
        except ValueError:
            return adapter(cls).validate_json(data)  # pydantic's message names the position
        return cls.model_validate(raw)

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


Decoder = Callable[[Any], Any]


def _exact(kind: type) -> Decoder:
    def decode(value: Any) -> Any:
        if type(value) is kind:
            return value
        if kind is float and type(value) is int:
            return float(value)
        raise TypeError(f"expected {kind.__name__}")

    return decode


def _any(value: Any) -> Any:
    return value


def _datetime(value: Any) -> datetime:
    if type(value) is not str:
        raise TypeError("expected an ISO 8601 string")
    return datetime.fromisoformat(value)


@functools.cache
def _decoder(tp: Any) -> Decoder:
    """A strict decoder for a type hint: exact JSON shapes only, anything else raises (and pydantic takes over)."""
    if isinstance(tp, type) and issubclass(tp, Record):
        return _record_decoder(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    if tp is datetime:
        return _datetime
    if tp in (str, int, float, bool):
        return _exact(tp)
    if tp is Any:
        return _any
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Literal:
        allowed = frozenset(args)

        def literal(value: Any) -> Any:
            if value not in allowed or type(value) is bool:
                raise ValueError(f"expected one of {sorted(map(str, allowed))}")
            return value

        return literal
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        inner = _decoder(args[0] if args[1] is type(None) else args[1])
        return lambda value: None if value is None else inner(value)
    if origin is list:
        item = _decoder(args[0])

        def decode_list(value: Any) -> list[Any]:
            if type(value) is not list:
                raise TypeError("expected a list")
            return [item(v) for v in value]

        return decode_list
    if origin is tuple and args and args[-1] is not Ellipsis:
        items = [_decoder(a) for a in args]

        def decode_tuple(value: Any) -> tuple[Any, ...]:
            if type(value) is not list or len(value) != len(items):
                raise TypeError(f"expected a list of {len(items)}")
            return tuple(d(v) for d, v in zip(items, value, strict=True))

        return decode_tuple
    if origin is dict:
        key, val = _decoder(args[0]), _decoder(args[1])

        def decode_dict(value: Any) -> dict[Any, Any]:
            if type(value) is not dict:
                raise TypeError("expected an object")
            return {key(k): val(v) for k, v in value.items()}

        return decode_dict
    raise TypeError(f"no plain decoder for {tp!r}")  # pydantic handles it


def _record_decoder(cls: type[Record]) -> Decoder:
    hints = typing.get_type_hints(cls)
    fields = {f.name: _decoder(hints[f.name]) for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]

    def decode(value: Any) -> Record:
        if type(value) is not dict:
            raise TypeError("expected an object")
        return cls(**{name: fields[name](v) for name, v in value.items()})  # KeyError: an unknown field

    return decode


def adapter(cls: type) -> TypeAdapter[Any]:
    """The pydantic adapter for a record class, built once."""
    return _adapter(cls)  # through a plain ``type``: mypy reads a classmethod's ``cls`` as unhashable


def _decoder_of(cls: type) -> Decoder:
    return _decoder(cls)


@functools.cache
def _adapter(cls: type) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(cls)

