# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``odoo-bin medical_837``: write the pending 837P claim files, for a transfer job to pick up.

    odoo-bin --addons-path=... medical_837 -d DB --out DIR [--company ID ...] [--no-mark-sent]

Collects the ready claims into batches (per company and receiver, as the "Collect Ready Claims" action
does), generates every draft batch of the companies, writes each file into DIR and marks the batch sent.
Each batch is all or nothing: a batch whose claims cannot be written is reported and left in draft, the
others go on; the exit code is then 1. Odoo's own options (``-c CONFIG``, ``-d DB``, ``--addons-path`` ...)
are accepted as by the server.
"""

import argparse
import os
import sys
from pathlib import Path

from odoo.cli import Command
from odoo.exceptions import UserError
from odoo.tools import config

from odoo.addons.medical_coding.cli.common import superuser_env


def build_parser():
    parser = argparse.ArgumentParser(
        prog=f"{Path(sys.argv[0]).name} medical_837",
        description="Generate the pending 837P claim batches and write their files into a folder.",
        epilog="Odoo options such as -c CONFIG, -d DB, --addons-path, --db_host are accepted too.",
        allow_abbrev=False,
    )
    parser.add_argument("--out", type=Path, required=True, help="folder the .837 files are written into")
    parser.add_argument(
        "--company", type=int, action="append", metavar="ID", help="only this company (repeatable)"
    )
    parser.add_argument(
        "--no-mark-sent", action="store_true", help="leave the batches generated (not marked sent)"
    )
    return parser


def file_name(batch):
    """The file name of a batch in the output folder: its attachment's name (batch name + ISA13)."""
    return Path(batch.attachment_id.name or f"{batch.id}.837").name


def write_private(path, data):
    """Write ``data`` to ``path`` readable and writable by the owner only (mode 0600), whatever the umask:
    a claim file names patients, their member ids, birth dates and diagnoses."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)  # an existing file keeps its mode through O_CREAT: set it
        handle.write(data)


def generate_pending(env, out, company_ids=None, mark_sent=True):
    """Generate the pending batches of the companies into ``out``; return (written paths, failures).

    Every batch runs in a savepoint: a failing one is rolled back alone. The caller commits.
    """
    Batch = env["medical.claim.batch"]
    companies = env["res.company"].browse(company_ids) if company_ids else env["res.company"].search([])
    Batch._create_pending_batches(companies)
    batches = Batch.search([("state", "=", "draft"), ("company_id", "in", companies.ids)], order="id")
    written, failures = [], []
    for batch in batches:
        try:
            with env.cr.savepoint():
                batch.action_generate()
                path = out / file_name(batch)
                write_private(path, batch.attachment_id.raw)
                if mark_sent:
                    batch.action_mark_sent()
        except UserError as error:
            failures.append((batch.name, error.args[0]))
            sys.stderr.write(f"medical_837: batch {batch.name} not generated: {error.args[0]}\n")
            continue
        written.append(path)
        isa13 = f"{batch.interchange_control_number:09d}"
        sys.stdout.write(f"{path}  {batch.name}  {batch.claim_count} claim(s)  ISA13 {isa13}\n")
    return written, failures


class Medical837(Command):
    """Generate the pending 837P claim batches into a folder"""

    name = "medical_837"

    def run(self, cmdargs):
        options, odoo_args = build_parser().parse_known_args(cmdargs)
        config.parser.prog = f"{Path(sys.argv[0]).name} {self.name}"
        config.parse_config(odoo_args, setup_logging=True)
        dbnames = [name for name in (config["db_name"] or "").split(",") if name]
        if len(dbnames) != 1:
            build_parser().error("give the database with -d DB (exactly one)")
        out = options.out
        if not out.is_dir():
            build_parser().error(f"{out} is not a folder")
        with superuser_env(dbnames[0], "medical.claim.batch", "medical_billing", build_parser().error) as env:
            cr = env.cr
            env = env(context=env["res.users"].context_get())
            if options.company:
                unknown = set(options.company) - set(env["res.company"].browse(options.company).exists().ids)
                if unknown:
                    build_parser().error(f"no company with id {', '.join(map(str, sorted(unknown)))}")
            written, failures = generate_pending(
                env, out, options.company, mark_sent=not options.no_mark_sent
            )
            # A command owns its transaction: the files written and the batches marked sent go together.
            cr.commit()  # pylint: disable=invalid-commit
        sys.stdout.write(f"medical_837: {len(written)} file(s) written, {len(failures)} batch(es) failed\n")
        if failures:
            sys.exit(1)
        return 0
