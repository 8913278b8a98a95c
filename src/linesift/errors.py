"""The one error type a user's mistake turns into: printed as one line, never a traceback."""


class InputError(Exception):
    """Bad input: a file, a line in it, and what is wrong. ``str()`` is ``FILE:LINE: message``."""

    def __init__(self, source, message, line=None, exit_code=1):
        self.source = str(source)
        self.line = line
        self.message = message
        # 1 for bad data, 2 for a usage mistake (wrong option, missing file), as click does.
        self.exit_code = exit_code
        super().__init__(str(self))

    def __reduce__(self):
        # Rebuilt from its fields when it crosses from a worker process to the main one.
        return (InputError, (self.source, self.message, self.line, self.exit_code))

    def __str__(self):
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"
