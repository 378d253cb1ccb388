"""The one kind of failure a step expects: bad data or settings, told in a line, not a traceback."""


class StepError(Exception):
    """An expected failure (bad data or settings): shown as one line, without a traceback."""
