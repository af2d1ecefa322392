"""Errors raised by the library; the CLI prints them as one line each."""

from __future__ import annotations


class PolicetextError(Exception):
    """Base class: something the user can fix, reported without a traceback."""

    def __init__(self, reason: str, source: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}" if self.source else self.reason


class InputError(PolicetextError):
    """A file or stream that cannot be read or decoded (binary, undecodable, missing)."""


class ConfigError(PolicetextError):
    """A bad option value or an unreadable dictionary/stopword file."""
