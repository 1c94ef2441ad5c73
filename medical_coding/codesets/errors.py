# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one error every file reader (code sets, NCCI PTP, MUE) raises."""


class CodeFileError(ValueError):
    """A code-set or edit file that cannot be imported.

    ``line`` is the 1-based line of the file where the problem is (0 or None when it concerns the whole
    file), ``message`` says what is wrong in words an administrator understands.
    """

    def __init__(self, line, message):
        self.line = line
        self.message = message
        super().__init__(f"Line {line}: {message}" if line else message)
