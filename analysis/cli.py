"""The ``pct-report`` command: each subcommand is one call into the library.

User mistakes arrive as PctError subclasses and leave as one line on stderr with a
non-zero exit, never a traceback.
"""

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from analysis.errors import OptionError, PctError
from analysis.paths import DEMO_DATA, REPORTS_DIR
from analysis.rules import DEFAULT_RULE
from analysis.schema import COUNTING_RULES, DEFAULT_TOP, SECTORS

if TYPE_CHECKING:
    from analysis.dataset import Dataset

EXIT_USER_ERROR = 2


def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        nargs="+",
        default=None,
        metavar="PATH",
        help=f"input files, folders or globs, in any known source format (default: the demo data, {DEMO_DATA.name}); "
        "see `pct-report sources`",
    )
    parser.add_argument(
        "--source", default=None, metavar="FORMAT", help="force an input format (see `pct-report sources`)"
    )
    parser.add_argument("--columns", type=Path, default=None, help="YAML column mapping for any other export")
    parser.add_argument(
        "--counting",
        choices=COUNTING_RULES,
        default=DEFAULT_RULE,
        help=f"counting rule (default: {DEFAULT_RULE}, as WIPO)",
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _load(args: argparse.Namespace) -> "Dataset":
    """Load the dataset, telling a person at a terminal what is being read while they wait."""
    from analysis.dataset import load_dataset

    data = args.data or [DEMO_DATA]
    if sys.stderr.isatty():
        print(f"reading {', '.join(map(str, data))[:200]}…", file=sys.stderr)
    return load_dataset(data, counting=args.counting, column_map=args.columns, source=args.source)


def cmd_profile(args: argparse.Namespace) -> None:
    from analysis.narrative import change_sentence, headline
    from analysis.narrative_zh import headline_zh
    from analysis.profile import institution_profile
    from analysis.registry import read_registry

    profile = institution_profile(_load(args), args.institution, args.year)
    chinese = headline_zh(profile, read_registry().name_zh(profile.institution))
    if args.json:
        print(
            json.dumps(
                profile.to_dict() | {"headline": headline(profile), "headline_zh": chinese},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(headline(profile))
        if args.lang == "zh" or profile.country == "CN":
            print(chinese)
        print(change_sentence(profile))
        print(f"counting rule: {profile.counting}")
        print()
        print(profile.trend.to_string(index=False))


def cmd_rank(args: argparse.Namespace) -> None:
    from analysis.ranking import ranking_table

    dataset = _load(args)
    table = ranking_table(dataset.ranked, args.year, args.sector, args.country, args.top)
    table["counting"] = dataset.counting
    if args.format == "csv":
        from analysis.tables import csv_cell

        sys.stdout.write(table.map(csv_cell).to_csv(index=False))
    elif args.format == "json":
        print(table.to_json(orient="records", force_ascii=False, indent=2))
    else:
        print(f"counting rule: {dataset.counting}")
        print(table.drop(columns="counting").to_string(index=False) if len(table) else "(no applicants in this scope)")


def cmd_validate(args: argparse.Namespace) -> None:
    from analysis.coverage import year_coverage
    from analysis.narrative import what_counts

    dataset = _load(args)
    applicants = dataset.ranked["applicant"].nunique()
    print(f"{' '.join(map(str, args.data or [DEMO_DATA]))}: valid; {applicants:,} applicant{'s' * (applicants != 1)}")
    for description in dataset.summary.files:
        print(f"  {description.path}: {description.format}")
    for line in what_counts(dataset):
        print(line)
    partial = [c for c in (year_coverage(dataset.summary, year) for year in dataset.years) if not c.complete]
    for coverage in partial:
        print(coverage.sentence())
    # The alias table is reviewed against the whole PCT system: in a partial export most of
    # its names are absent by design, so only data that holds the whole can show it stale.
    unused = dataset.unused_aliases
    if unused and not partial:
        names = ", ".join(repr(alias.raw_name) for alias in unused[:3]) + (", …" if len(unused) > 3 else "")
        print(
            f"note: {len(unused)} alias entr{'ies' if len(unused) != 1 else 'y'} match no name in this data ({names})"
        )


def cmd_applicants(args: argparse.Namespace) -> None:
    from analysis.search import search_applicants

    found = search_applicants(_load(args).ranked, args.search, args.limit)
    print(found.to_string(index=False) if len(found) else f"no applicant matches {args.search!r}")


def cmd_variants(args: argparse.Namespace) -> None:
    from analysis.variants import likely_variants

    totals = _load(args).ranked.groupby("applicant", as_index=False)["published"].sum()
    pairs = likely_variants(totals, args.threshold, args.limit)
    print(pairs.to_string(index=False) if len(pairs) else "no likely variants above the threshold")


def cmd_sources(args: argparse.Namespace) -> None:
    from analysis.sources import FORMATS

    for source_format in FORMATS.values():
        print(f"{source_format.name}: {source_format.title}")
        print(f"    header: {source_format.example_header}")
        if source_format.download:
            print(f"    get it: {source_format.download}")


def _institutions(args: argparse.Namespace) -> list[str]:
    names = list(args.institution or [])
    if args.institutions_file:
        try:
            lines = Path(args.institutions_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise OptionError(f"{args.institutions_file}: cannot read the institutions file ({error})") from None
        names += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return names


BUILD_PARAMETERS = {
    "data": "data_path",
    "source": "source",
    "columns": "column_map",
    "counting": "counting",
    "top": "top_n",
    "country": "country",
    "lang": "lang",
}
"""The flags of ``build`` that every report shares, and the notebook parameters they set."""


def _parameter(value: object) -> object:
    """A flag's value as a notebook parameter: paths as text, one input as a path, not a list."""
    if isinstance(value, list):
        return _parameter(value[0]) if len(value) == 1 else tuple(map(str, value))
    return str(value) if isinstance(value, Path) else value


def cmd_build(args: argparse.Namespace) -> int:
    from analysis.build import build_reports, expand_jobs, parse_years

    years = list(args.year or []) + (parse_years(args.years) if args.years else [])
    institutions = _institutions(args)
    if not years:
        raise OptionError("give --year or --years")
    if not institutions and not args.annual:
        raise OptionError("nothing to build: give --institution, --institutions-file or --annual")
    common = {parameter: _parameter(getattr(args, flag)) for flag, parameter in BUILD_PARAMETERS.items()}
    jobs = expand_jobs(years, institutions, args.annual, **common)
    outcomes = build_reports(
        jobs,
        Path(args.output),
        workers=args.workers,
        progress=not args.quiet,
        replace=args.replace,
        timeout=args.timeout,
    )
    failed = [outcome for outcome in outcomes if not getattr(outcome, "ok", True)]
    for outcome in outcomes:
        if getattr(outcome, "ok", True):
            print(f"{outcome.html}\n{outcome.pdf}")
    if failed:
        for outcome in failed:
            print(f"pct-report: error: {outcome.error}", file=sys.stderr)
        return EXIT_USER_ERROR
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pct-report",
        description="Count and rank published PCT applications the way WIPO does, and render reports.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    profile = commands.add_parser("profile", help="one institution in one year: counts, ranks and the headline")
    profile.add_argument("--year", type=int, required=True)
    profile.add_argument("--institution", required=True)
    profile.add_argument(
        "--json", action="store_true", help="print JSON instead of text (with the headline in English and Chinese)"
    )
    profile.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="zh: also print the headline in Chinese (always for Chinese institutions)",
    )
    _data_options(profile)
    profile.set_defaults(run=cmd_profile)

    rank = commands.add_parser("rank", help="the ranking of a year: all applicants, a sector, or a sector in a country")
    rank.add_argument("--year", type=int, required=True)
    rank.add_argument("--sector", choices=SECTORS)
    rank.add_argument("--country", help="ISO 3166-1 alpha-2 code; needs --sector")
    rank.add_argument("--top", type=_positive, default=DEFAULT_TOP)
    rank.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _data_options(rank)
    rank.set_defaults(run=cmd_rank)

    validate = commands.add_parser("validate", help="check an input file and report every problem")
    _data_options(validate)
    validate.set_defaults(run=cmd_validate)

    applicants = commands.add_parser("applicants", help="find applicants by name")
    applicants.add_argument("--search", required=True)
    applicants.add_argument("--limit", type=_positive, default=20)
    _data_options(applicants)
    applicants.set_defaults(run=cmd_applicants)

    variants = commands.add_parser("variants", help="list likely unmerged spellings of one applicant, for review")
    variants.add_argument("--threshold", type=float, default=90.0, help="similarity from 0 to 100 (default 90)")
    variants.add_argument("--limit", type=_positive, default=50)
    _data_options(variants)
    variants.set_defaults(run=cmd_variants)

    sources = commands.add_parser(
        "sources", help="list the input formats read as downloaded, with an example header each"
    )
    sources.set_defaults(run=cmd_sources)

    from analysis.execute import DEFAULT_TIMEOUT

    build = commands.add_parser("build", help="render reports (HTML, PDF, tables) for years × institutions")
    build.add_argument("--year", type=int, action="append", help="a year (repeatable)")
    build.add_argument("--years", help="years such as 2016-2019 or 2016,2018")
    build.add_argument("--institution", action="append", help="an institution (repeatable)")
    build.add_argument("--institutions-file", type=Path, help="one institution per line; # starts a comment")
    build.add_argument("--annual", action="store_true", help="also build the annual rankings report of each year")
    build.add_argument(
        "--country", help="the country whose universities the annual report ranks (default: the notebook's, CN)"
    )
    build.add_argument(
        "--lang",
        choices=("auto", "en", "zh"),
        default=None,
        help=(
            "the institution report's headline in Chinese too: zh always, en never, "
            "auto (default) for Chinese institutions"
        ),
    )
    build.add_argument("--top", type=_positive, default=DEFAULT_TOP)
    build.add_argument("--workers", type=_positive, default=2, help="parallel workers (default 2)")
    build.add_argument("--output", "--output-dir", default=str(REPORTS_DIR), help="where reports go (default reports/)")
    build.add_argument("--replace", action="store_true", help="replace reports built from other data")
    build.add_argument(
        "--timeout",
        type=_positive,
        default=DEFAULT_TIMEOUT,
        help=f"seconds a report may run (default {DEFAULT_TIMEOUT})",
    )
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    _data_options(build)
    build.set_defaults(run=cmd_build)
    return parser


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: object) -> str:
    """Text with control characters and bidirectional overrides shown as escapes, so that no
    value from the data can move the cursor, recolour or reorder a terminal."""
    return _CONTROL.sub(
        lambda match: f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}",
        str(text),
    )


class _SafeStream:
    """A text stream that writes everything through terminal_safe."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_safe(text))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    stdout = sys.stdout
    sys.stdout = _SafeStream(stdout)
    try:
        return args.run(args) or 0
    except PctError as error:
        print(f"pct-report: error: {terminal_safe(error)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("pct-report: interrupted", file=sys.stderr)
        return 130
    finally:
        sys.stdout = stdout
