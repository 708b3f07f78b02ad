"""The one exception type for mistakes a user can fix: bad data, bad parameters, an unknown
pipeline, a missing device. Its message is one line that names the file/row/key and the fix;
the command line prints that line last, without a wall of traceback (see ``__main__``/cli)."""

from __future__ import annotations


class UserInputError(Exception):
    """A problem in what the user gave the project (data, parameters, names), with its fix."""
