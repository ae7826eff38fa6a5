"""How one value reads: as JSON for the CSV and XLSX copies, and as a figure for the eye.

Tables, key-figure cards and chart labels format their numbers here, so that a count
reads the same everywhere in a report.
"""

import numbers

import pandas as pd

from analysis.narrative import format_count

JsonValue = bool | int | float | str | None


def is_missing(value: object) -> bool:
    """Tell whether ``value`` is None or a missing number (NaN, NA, NaT); text never is."""
    return value is None or (not isinstance(value, str) and pd.isna(value))


def json_value(value: object) -> JsonValue:
    """Return ``value`` as JSON: None for missing, booleans, ints as ints, floats, or text."""
    if is_missing(value):
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return int(value) if float(value).is_integer() else float(value)
    return str(value)


def is_number(value: object) -> bool:
    """Tell whether ``value`` is a number that a table aligns right (booleans are not)."""
    value = json_value(value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number(value: object, signed: bool = False) -> str:
    """Format a count, rank or share: thousands separators, one decimal for fractions."""
    value = json_value(value)
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    text = format_count(abs(value))
    if value < 0:
        return f"−{text}"
    return f"+{text}" if signed and value > 0 else text
