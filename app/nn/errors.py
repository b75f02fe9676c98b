"""The one error type for input the maths cannot use: the API answers it with 422 and its sentence.

Any other exception is a bug: the API answers 500 and logs it, showing no internals.
"""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input (a request's numbers, a setting, a size) that a formula or a limit refuses.

    The message is one sentence for the student: what is wrong and what is allowed."""
