# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Give every Python file of the repository the license header of its addon's manifest (AGPL-3).

    python3 tools/license_headers.py [--check] [FOLDER ...]

Without folders: the addons, tests/ and tools/. ``--check`` changes nothing and exits 1 when a file lacks
the header (listing it). The header goes first, after a ``#!`` line when there is one.
"""

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEADER = (
    "# Copyright 2026 Medical Billing Suite contributors\n"
    "# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).\n"
)
FOLDERS = ("medical_coding", "medical_billing", "tests", "tools")


def missing(path):
    head = path.read_text(encoding="utf-8").splitlines()[:5]
    return not any(line.startswith("# License ") for line in head)


def add_header(path):
    text = path.read_text(encoding="utf-8")
    if text.startswith("#!"):
        first, _newline, rest = text.partition("\n")
        path.write_text(f"{first}\n{HEADER}{rest}", encoding="utf-8")
    else:
        path.write_text(HEADER + text, encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only list the files without the header")
    parser.add_argument("folders", nargs="*", default=FOLDERS)
    options = parser.parse_args(argv)
    lacking = [
        path for folder in options.folders for path in sorted((REPO / folder).rglob("*.py")) if missing(path)
    ]
    for path in lacking:
        if options.check:
            print(f"no license header: {path.relative_to(REPO)}")
        else:
            add_header(path)
    return 1 if options.check and lacking else 0


if __name__ == "__main__":
    sys.exit(main())
