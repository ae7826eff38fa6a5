"""Generate the demo data: ``python -m scripts.demo [--output PATH] [--seed N]`` (``make data``)."""

import argparse
import sys
from pathlib import Path

from analysis.paths import DEMO_DATA
from scripts.demo.generate import DEMO_SEED, generate_demo


def main(argv=None):
    """Write the demo Parquet and its sidecar, printing progress to stderr and the path to stdout."""
    parser = argparse.ArgumentParser(prog="python -m scripts.demo", description=__doc__)
    parser.add_argument(
        "--output", type=Path, default=DEMO_DATA, help=f"where to write the Parquet (default: {DEMO_DATA})"
    )
    parser.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed (default: the project's)")
    args = parser.parse_args(argv)
    print(generate_demo(args.output, args.seed, progress=lambda line: print(line, file=sys.stderr)))


if __name__ == "__main__":
    main()
