"""Errors that reach the user as one clear line (exit code 2 from the CLI)."""


class LanternError(Exception):
    """A problem caused by user input; its message is shown as it is, no traceback."""


class WorldFileError(LanternError):
    """A world file that cannot be loaded: the message names file, entity and field."""
