"""The project's exceptions: one base class, one subclass per kind of user mistake.

Every message names the file, row, column or value at fault, so that the command line can
print it as one line and exit non-zero.
"""

from collections.abc import Iterable


class PctError(Exception):
    """Base class of every error a user can cause and fix."""


class InputFileError(PctError):
    """The input file is missing, empty, of an unsupported type or unreadable."""


class SchemaError(PctError):
    """The input lacks a required column, or the column mapping names a missing one."""


class ValidationError(PctError):
    """Values in the input are invalid; the message lists every problem found."""

    def __init__(self, path: str, problems: Iterable[str], total: int) -> None:
        self.path = path
        self.problems = list(problems)
        self.total = total
        if total == 1:
            super().__init__(f"{path} {self.problems[0]}")
            return
        shown = "\n".join(f"  - {problem}" for problem in self.problems)
        more = total - len(self.problems)
        tail = f"\n  … and {more:,} more" if more > 0 else ""
        super().__init__(f"{path}: {total:,} problems in the data\n{shown}{tail}")


class MappingError(PctError):
    """A column-mapping, alias or sector-override file is malformed."""


class UnknownYearError(PctError):
    """The requested year is not in the data."""


class UnknownInstitutionError(PctError):
    """The requested institution is not in the data; the message suggests close names."""

    def __init__(self, message: str, suggestions: Iterable[str] = ()) -> None:
        self.suggestions = list(suggestions)
        if self.suggestions:
            message += "; did you mean: " + ", ".join(f'"{s}"' for s in self.suggestions) + "?"
        super().__init__(message)


class OptionError(PctError):
    """A command-line or notebook parameter has an invalid value."""


class DemoCalibrationError(PctError):
    """The published table cannot be planted, or the demo data does not reproduce it."""


class ReportError(PctError):
    """A report failed to build; the earlier good report, if any, is kept."""
