"""Read the reviewed mapping tables of ``data/mappings/``: small UTF-8 CSVs with a note column."""

import csv
from collections.abc import Iterator

from analysis.errors import MappingError
from analysis.paths import StrPath


def read_mapping(path: StrPath, what: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line, row) for each row of a mapping CSV, values stripped, header being line 1.

    ``what`` names the table in messages ("alias table"); a missing or non-UTF-8 file
    raises MappingError naming it.
    """
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise MappingError(f"{path}: {what} not found") from None
    except UnicodeDecodeError as error:
        raise MappingError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    for line, row in enumerate(rows, start=2):
        yield line, {key: (value or "").strip() for key, value in row.items() if key is not None}
