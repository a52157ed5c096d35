"""The commands a running engine session takes: typed, so a misspelt one fails where it is sent, not on the loop.

The GUI's buttons and the CLI send these; the bridge (``ui/critic_runner.py``) routes them to the session on
the engine's loop thread, where the session's ``apply`` is the one place a command changes its state.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from doccritic.core.errors import DoccriticError


class CommandError(DoccriticError, ValueError):
    """A command the session does not take, or with the wrong arguments: a programming error, named plainly."""


class _Command(StrEnum):
    @classmethod
    def parse(cls, value: object, args: tuple[object, ...] = ()) -> Self:
        """``value`` as one of these commands, checked against ``args``; anything else raises
        :class:`CommandError` naming what would do."""
        if isinstance(value, cls):
            command = value
        else:
            try:
                if isinstance(value, _Command) or not isinstance(value, str):  # another session's command,
                    raise ValueError(value)  # however it is spelt, or not a command at all
                command = cls(value)
            except ValueError:
                shown = f"{type(value).__name__}.{value.name}" if isinstance(value, _Command) else repr(value)
                choices = ", ".join(c.value for c in cls)
                raise CommandError(f"Unknown {cls.__name__} {shown}: expected one of {choices}.") from None
        low, high = command.arity
        if not low <= len(args) <= high:
            want = str(low) if low == high else f"{low} to {high}"
            raise CommandError(f"{cls.__name__} {command.value!r} takes {want} argument(s), not {len(args)}.")
        return command

    @property
    def arity(self) -> tuple[int, int]:
        """The fewest and most arguments the command takes."""
        return (0, 0)


class DebateCommand(_Command):
    """Steering a debate while it runs, or continuing it once it is idle."""

    PAUSE = "pause"  # finish the turn being written, then wait
    RESUME = "resume"
    STOP = "stop"  # now: the turn being written is kept, marked stopped
    INTERJECT = "interject"  # (text,): the moderator speaks; both personas see it from the next turn
    ANOTHER_ROUND = "another_round"
    REGENERATE_LAST = "regenerate_last"
    RETRY = "retry"  # write an interrupted (or stopped) last turn again
    CONTINUE_LAST = "continue_last"  # finish an interrupted last turn from where it stopped
    REQUEST_SUMMARY = "request_summary"  # the referee sums up now

    @property
    def runs_turns(self) -> bool:
        """Whether the debate has more to do after this command (an idle debate starts another pass)."""
        return self in _RUNS_TURNS

    @property
    def arity(self) -> tuple[int, int]:
        return (1, 1) if self is DebateCommand.INTERJECT else (0, 0)


_RUNS_TURNS = frozenset({DebateCommand.RESUME, DebateCommand.ANOTHER_ROUND, DebateCommand.REGENERATE_LAST,
                         DebateCommand.RETRY, DebateCommand.CONTINUE_LAST, DebateCommand.REQUEST_SUMMARY})


class PanelCommand(_Command):
    """Steering a critic panel run."""

    CANCEL = "cancel"  # (persona id,) stops one critic, () all of them; findings so far are kept

    @property
    def arity(self) -> tuple[int, int]:
        return (0, 1)
