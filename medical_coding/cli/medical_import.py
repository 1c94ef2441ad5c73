# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``odoo-bin medical_import``: import a code set (or any kind of ``medical.importer``) from the shell.

    odoo-bin --addons-path=... medical_import -d DB --kind icd10cm [--file PATH] [--effective YYYY-MM-DD]
    odoo-bin --addons-path=... medical_import -d DB --kind quality --file FILE.json --year 2025

Exit status: 0 imported, 1 refused (nothing was changed), 2 imported but exceptions are left to resolve
(835 remittance claims that match none of ours; printed, after committing) or a bad command line.

Odoo's own options (``-c CONFIG``, ``-d DB``, ``--addons-path``, ``--db_host`` …) are accepted as by the
server. The kinds are the database's: ``medical.importer._import_kinds()``, which other addons extend
(ncci-ptp, mue, 999, 277ca…), so they are listed once the database is known. The import runs through
``medical.importer.import_file`` exactly as the wizard does, and is committed only when it succeeded
(``--dry-run`` rolls it back after reporting what it would change).
"""

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

from odoo.cli import Command
from odoo.exceptions import UserError
from odoo.tools import config

from .common import superuser_env

_logger = logging.getLogger(__name__)

# Exit statuses: 0 imported, 1 refused (nothing changed), 2 imported with exceptions left to resolve (835
# claims matched to none of ours); argparse also exits 2 on a bad command line, before anything is read.
EXIT_REFUSED = 1
EXIT_EXCEPTIONS = 2


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from exc


def _year(value):
    if not (value.isdigit() and len(value) == 4):
        raise argparse.ArgumentTypeError(f"{value!r} is not a year like 2025")
    return int(value)


def effective_of(options):
    """The import's effective date: ``--effective``, or January 1 of ``--year`` (a performance year)."""
    if options.year and options.effective:
        raise ValueError("give either --year or --effective, not both")
    if options.year:
        return date(options.year, 1, 1)
    return options.effective


def build_parser(kinds=None):
    """The command's own options; ``kinds`` (``[(kind, label)]``) become the choices of ``--kind``."""
    prog = f"{Path(sys.argv[0]).name} medical_import"
    epilog = "Odoo options such as -c CONFIG, -d DB, --addons-path, --db_host are accepted too."
    if kinds:
        epilog = "kinds:\n" + "\n".join(f"  {kind:<12} {label}" for kind, label in kinds) + "\n\n" + epilog
    else:
        epilog = "Give -d DB with --help to list the kinds that database knows.\n\n" + epilog
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Import a code set or edit table into an Odoo database (all or nothing).",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
        allow_abbrev=False,
    )
    parser.add_argument("-h", "--help", action="store_true", help="show this help and exit")
    parser.add_argument(
        "--kind",
        choices=[kind for kind, _label in kinds] if kinds else None,
        metavar="KIND",
        help="what the file is: " + ("|".join(kind for kind, _label in kinds) if kinds else "see below"),
    )
    parser.add_argument("--file", type=Path, help="the file to import (default: the kind's built-in release)")
    parser.add_argument("--effective", type=_date, help="effective date of the release, YYYY-MM-DD")
    parser.add_argument(
        "--year",
        type=_year,
        help="performance year of a quality measures file (kind quality): imported as effective January 1",
    )
    parser.add_argument("--dry-run", action="store_true", help="report the counts, then roll back")
    parser.add_argument(
        "--company",
        type=int,
        metavar="ID",
        help="the practice (company id) importing the file: acknowledgements are matched against its claims "
        "and kept in its history (default: the main company)",
    )
    return parser


def split_args(args):
    """Split the command line into (our options namespace, Odoo's options); kinds are checked later."""
    return build_parser().parse_known_args(args)


def run_import(env, kind, data=None, filename=None, effective=None):
    """Run one import in ``env`` (the caller commits or rolls back); return the counts."""
    return env["medical.importer"].import_file(kind, data, filename, effective)


def format_counts(kind, counts):
    keys = ("total", "created", "updated", "ended", "unchanged")
    parts = [f"{key} {counts[key]}" for key in keys if key in counts]
    parts += [
        f"{key} {value}"
        for key, value in counts.items()
        if key not in keys
        and key != "log_id"
        and isinstance(value, (int, str))
        and not isinstance(value, bool)
    ]
    return f"{kind}: " + ", ".join(parts)


class MedicalImport(Command):
    """Import a code set or edit table file (medical.importer kinds)"""

    name = "medical_import"

    def run(self, cmdargs):
        options, odoo_args = split_args(cmdargs)
        config.parser.prog = f"{Path(sys.argv[0]).name} {self.name}"
        config.parse_config(odoo_args, setup_logging=True)
        dbnames = [name for name in (config["db_name"] or "").split(",") if name]
        if len(dbnames) != 1:
            if options.help:
                build_parser().print_help()
                return 0
            build_parser().error("give the database with -d DB (exactly one)")
        with superuser_env(dbnames[0], "medical.importer", "medical_coding", build_parser().error) as env:
            cr = env.cr
            kinds = env["medical.importer"]._import_kinds()
            parser = build_parser(kinds)
            if options.help:
                parser.print_help()
                return 0
            options, _odoo_args = parser.parse_known_args(cmdargs)
            if not options.kind:
                parser.error("--kind is required")
            try:
                effective = effective_of(options)
            except ValueError as exc:
                parser.error(str(exc))
            env = env(context=env["res.users"].context_get())
            if options.company:
                company = env["res.company"].browse(options.company).exists()
                if not company:
                    parser.error(f"no company with id {options.company}")
                env = env["res.company"].with_company(company).env
            try:
                if options.file:
                    # the only place a server path is read: never reachable over RPC
                    counts = env["medical.importer"]._import_path(options.kind, options.file, effective)
                else:
                    counts = run_import(env, options.kind, None, None, effective)
            except OSError as exc:
                cr.rollback()
                parser.error(f"cannot read {options.file}: {exc.strerror or exc}")
            except UserError as exc:
                cr.rollback()
                sys.stderr.write(f"medical_import: {exc.args[0]}\n")
                sys.exit(EXIT_REFUSED)
            if options.dry_run:
                cr.rollback()
                sys.stdout.write(f"dry run, rolled back: {format_counts(options.kind, counts)}\n")
            else:
                # a command owns its transaction
                cr.commit()  # pylint: disable=invalid-commit
                sys.stdout.write(
                    f"imported {format_counts(options.kind, counts)} (history #{counts['log_id']})\n"
                )
        exceptions = counts.get("exceptions") or 0
        if exceptions and not options.dry_run:
            # imported and committed, but work is left: the exceptions to resolve by hand (835 remittances)
            sys.stdout.write(f"{exceptions} exception(s) left to resolve in the database.\n")
            sys.exit(EXIT_EXCEPTIONS)
        return 0
