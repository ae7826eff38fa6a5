"""Read a user's column mapping: how an export that no built-in format knows maps onto ours.

The mapping is a small YAML file. It is parsed without alias expansion (an anchor/alias
"billion laughs" is refused, not expanded), bounded in size, and every key is checked: a key
given twice, two fields mapped to one header, or an unknown key is refused in one line.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.errors import MappingError
from analysis.paths import StrPath
from analysis.schema import ALL_CANONICAL_COLUMNS

if TYPE_CHECKING:  # PyYAML is imported when a mapping is read
    import yaml

MAX_MAPPING_BYTES = 64 * 1024
"""A mapping is a dozen lines; anything larger is not a mapping."""

KEYS = ("columns", "date_format", "split_applicants", "header_row", "encoding", "recode", "country_names", "keep_rows")


@dataclass(frozen=True)
class ColumnMap:
    """How a user's file maps onto the canonical columns.

    ``columns`` maps canonical name to the user's header; ``date_format`` is a strftime
    pattern such as ``%d.%m.%Y``; ``split_applicants`` is the separator (any string) of a
    cell that holds several applicants, the first being the first-named; ``header_row``
    the 1-based line or row of the header (banner lines above it are skipped);
    ``encoding`` the text encoding (else detected); ``recode`` maps, per canonical column,
    values as written to ours ({"applicant_sector": {"Hochschule": "education"}});
    ``country_names`` True reads country names ("Germany") as ISO codes (pycountry);
    ``keep_rows`` keeps only rows whose given header holds one of the listed values
    ({"Jurisdiction": ["WO"]}); the others are counted as left out.
    """

    columns: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None
    split_applicants: str | None = None
    header_row: int | None = None
    encoding: str | None = None
    recode: dict[str, dict[str, str]] = field(default_factory=dict)
    country_names: bool = False
    keep_rows: dict[str, list[str]] = field(default_factory=dict)


def _loader() -> type["yaml.SafeLoader"]:
    """A safe YAML loader that refuses duplicate keys (PyYAML silently keeps the last)."""
    import yaml

    class StrictLoader(yaml.SafeLoader):
        # YAML 1.1 reads a header written No, Yes, On or Off as a boolean: only true and
        # false are booleans here (as in YAML 1.2), so `publication_number: No` names "No".
        yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise MappingError(f"line {key_node.start_mark.line + 1}: the key {key!r} is given twice")
                seen.add(key)
            return super().construct_mapping(node, deep)

    StrictLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    return StrictLoader


def _refuse_aliases(text: str, path: Path) -> None:
    import yaml

    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
            raise MappingError(
                f"{path} line {token.start_mark.line + 1}: YAML anchors and aliases are not allowed in a mapping"
            )


def read_column_map(path: StrPath) -> ColumnMap:
    """Read and check a column mapping; raise MappingError naming the file and the problem."""
    import yaml

    from analysis.sources.files import check_regular_file

    path = Path(path)
    check_regular_file(path, "column mapping", MAX_MAPPING_BYTES, error=MappingError)
    try:
        text = path.read_text(encoding="utf-8")
        _refuse_aliases(text, path)
        document = yaml.load(text, Loader=_loader()) or {}
    except MappingError as error:
        message = str(error)
        raise MappingError(message if message.startswith(str(path)) else f"{path} {message}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise MappingError(f"{path}: not a readable YAML mapping ({' '.join(str(error).split())})") from None
    if not isinstance(document, dict) or set(document) - set(KEYS):
        unknown = sorted(map(str, set(document) - set(KEYS))) if isinstance(document, dict) else document
        raise MappingError(f"{path}: unknown keys {unknown}; expected some of {', '.join(KEYS)}")
    return _column_map(path, document)


def _column_map(path: Path, document: dict[str, Any]) -> ColumnMap:
    columns = document.get("columns") or {}
    if not isinstance(columns, dict) or set(columns) - set(ALL_CANONICAL_COLUMNS):
        raise MappingError(
            f"{path}: 'columns' must map canonical names ({', '.join(ALL_CANONICAL_COLUMNS)}) to your headers"
        )
    empty = [name for name, header in columns.items() if not isinstance(header, (str, int)) or not str(header).strip()]
    if empty:
        raise MappingError(f"{path}: columns: {empty[0]} must name one header of your file, not {columns[empty[0]]!r}")
    # Headers are found case-insensitively and trimmed, so "Name" and "name " are one header.
    headers = [str(header).strip().casefold() for header in columns.values()]
    shared = sorted({str(h) for h in columns.values() if headers.count(str(h).strip().casefold()) > 1})
    if shared:
        raise MappingError(f"{path}: two fields are mapped to the header {shared[0]!r}; map each header once")
    header_row = document.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1):
        raise MappingError(f"{path}: header_row must be a whole number from 1, not {header_row!r}")
    split = document.get("split_applicants")
    if split is not None and (not isinstance(split, str) or split == ""):
        raise MappingError(f"{path}: split_applicants must be a non-empty separator string, not {split!r}")
    if split is not None and "applicant_sequence" in columns:
        raise MappingError(
            f"{path}: split_applicants numbers the applicants of a cell itself; "
            "it cannot be combined with an applicant_sequence column"
        )
    date_format = document.get("date_format")
    if date_format is not None:
        _check_date_format(path, date_format)
    encoding = document.get("encoding")
    if encoding is not None:
        from analysis.errors import InputFileError
        from analysis.sources.encodings import check_encoding

        try:
            check_encoding(encoding, str(path))
        except InputFileError as error:
            raise MappingError(str(error)) from None
    recode = document.get("recode") or {}
    if not isinstance(recode, dict) or any(
        column not in ALL_CANONICAL_COLUMNS or not isinstance(values, dict) for column, values in recode.items()
    ):
        raise MappingError(f"{path}: 'recode' maps a canonical column to {{value as written: our value}}")
    keep = document.get("keep_rows") or {}
    if not isinstance(keep, dict) or any(not isinstance(values, list) or not values for values in keep.values()):
        raise MappingError(f"{path}: 'keep_rows' maps a header to the list of values to keep")
    country_names = document.get("country_names", False)
    if not isinstance(country_names, bool):
        raise MappingError(f"{path}: country_names is true or false, not {country_names!r}")
    return ColumnMap(
        columns={str(k): str(v) for k, v in columns.items()},
        date_format=date_format,
        split_applicants=split,
        header_row=header_row,
        encoding=encoding,
        recode={str(c): {str(k): str(v) for k, v in values.items()} for c, values in recode.items()},
        country_names=country_names,
        keep_rows={str(k): [str(v) for v in values] for k, values in keep.items()},
    )


def _check_date_format(path: Path, date_format: object) -> None:
    """Refuse a pattern that parses no date, rather than failing later inside DuckDB."""
    import duckdb

    if not isinstance(date_format, str) or "%" not in date_format:
        raise MappingError(f"{path}: date_format {date_format!r} is not a strftime pattern such as '%d.%m.%Y'")
    from analysis.load import sql_string

    try:
        duckdb.sql(f"SELECT try_strptime('2018-01-01', {sql_string(date_format)})").fetchall()
    except duckdb.Error:
        raise MappingError(f"{path}: date_format {date_format!r} is not a pattern DuckDB understands") from None
