"""Errors the user can act on. The CLI maps them to exit status 2 and an ``error:`` line."""


class GaitInputError(Exception):
    """Bad input or a refused clip; the message says what is wrong and what to do."""
