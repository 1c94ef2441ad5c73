# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Run the benchmark modules ``tools/bench/bench_*.py`` against an Odoo database.

    python tools/bench/run.py --addons-path=... -d DB [NAME_FILTER ...]

Each module defines ``run(env)`` and reports its figures with :func:`report` (importable as
``from run import report``, the runner's folder being on ``sys.path``); it may set ``ORDER`` (default
50) to run before the others fill the database. ``env`` is a superuser environment on its own cursor;
the module may commit (the database is a throwaway one). A module that fails is reported and the others
still run; the exit code is then 1.
"""

import argparse
import importlib.util
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def report(name, value, unit, baseline):
    """Print one figure: ``BENCH <name> <value> <unit> baseline=<value> ratio=<value>``."""
    ratio = value / baseline if baseline else float("inf")
    line = f"BENCH {name} {value:.4g} {unit} baseline={baseline:.4g} ratio={ratio:.3g}"
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return line


def timed(function, *args, **kwargs):
    """``(seconds, result)`` of one call."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def create_patients(quiet, company, count):
    """``count`` patients of ``company`` with the address and birth data a claim needs."""
    state = quiet.ref("base.state_us_5")
    return quiet["res.partner"].create(
        [
            {
                "name": f"Bench Patient {n}",
                "is_patient": True,
                "birthdate": "1970-01-01",
                "gender": "f",
                "street": "1 Bench Street",
                "city": "Sacramento",
                "state_id": state.id,
                "zip": "95814",
                "company_id": company.id,
            }
            for n in range(count)
        ]
    )


def create_provider(quiet):
    """The rendering provider of the bench claims."""
    return quiet["res.partner"].create({"name": "Bench Provider", "is_provider": True, "npi": "1234567893"})


def post_plain_invoices(env, partner, products, codes, count):
    """``count`` plain customer invoices of ``partner``, a line per product at the price of ``codes``, created
    in one batch and posted: what the benchmarks' baselines compare the medical invoices with."""
    from odoo import Command

    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": 1, "price_unit": price})
                    for product, (_v, price) in zip(products, codes, strict=True)
                ],
            }
            for _n in range(count)
        ]
    )
    moves.action_post()
    return moves


def create_checked_encounters(env, count, codes, *, payer_name, payer_code, prefix, days_ago, member_prefix):
    """The practice set up to bill, ``count`` patients covered by a new payer, and one checked encounter
    each with a line per (code, charge) of ``codes`` and two diagnoses: the encounters and their lines are
    written by SQL (creating and checking them is not what the benchmarks measure). Returns (encounter ids,
    payer, procedure codes)."""
    cr = env.cr
    quiet = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    company = env.company
    company.write(
        {
            "medical_billing_npi": "1234567893",
            "medical_tax_id": "12-3456789",
            "street": "10 Practice Way",
            "city": "Sacramento",
            "state_id": env.ref("base.state_us_5").id,
            "zip": "95814",
        }
    )
    company._medical_check_accounting()
    Code = quiet["medical.code"].with_context(active_test=False)

    def code(system, value, name):
        return Code.search([("system", "=", system), ("code", "=", value)], limit=1) or Code.create(
            {"system": system, "code": value, "name": name}
        )

    procedures = [code("cpt", value, f"CPT {value}") for value, _price in codes]
    diagnoses = [code("icd10cm", "J209", "Acute bronchitis"), code("icd10cm", "I10", "Hypertension")]
    pos = code("pos", "11", "Office")
    payer = quiet["res.partner"].create(
        {
            "name": payer_name,
            "is_company": True,
            "is_payer": True,
            "payer_code": payer_code,
            "claim_filing_indicator": "CI",
        }
    )
    provider = create_provider(quiet)
    patients = create_patients(quiet, company, count)
    quiet["medical.coverage"].create(
        [
            {
                "patient_id": patient.id,
                "payer_id": payer.id,
                "member_id": f"{member_prefix}{patient.id:09d}",
                "relationship": "18",
                "priority": "primary",
                "date_start": "2025-01-01",
                "company_id": company.id,
            }
            for patient in patients
        ]
    )
    uid = env.uid
    cr.execute(
        """
        INSERT INTO medical_encounter (name, company_id, patient_id, date_service, provider_id,
                                       place_of_service_id, state, create_uid, create_date, write_uid,
                                       write_date)
        SELECT %(prefix)s || lpad(n::text, 5, '0'), %(company)s, p, CURRENT_DATE - %(days)s, %(provider)s,
               %(pos)s, 'checked', %(uid)s, now(), %(uid)s, now()
          FROM unnest(%(patients)s::int[]) WITH ORDINALITY AS t(p, n)
        RETURNING id
        """,
        {
            "prefix": prefix,
            "days": days_ago,
            "company": company.id,
            "provider": provider.id,
            "pos": pos.id,
            "uid": uid,
            "patients": patients.ids,
        },
    )
    encounter_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        INSERT INTO medical_encounter_diagnosis (encounter_id, company_id, sequence, code_id,
                                                 create_uid, create_date, write_uid, write_date)
        SELECT e, %(company)s, s, d, %(uid)s, now(), %(uid)s, now()
          FROM unnest(%(encounters)s::int[]) e, unnest(%(dx)s::int[]) WITH ORDINALITY AS t(d, s)
        """,
        {"company": company.id, "uid": uid, "encounters": encounter_ids, "dx": [d.id for d in diagnoses]},
    )
    cr.execute(
        """
        INSERT INTO medical_encounter_procedure (encounter_id, company_id, sequence, code_id, units,
                                                 diagnosis_pointers, charge_amount, create_uid, create_date,
                                                 write_uid, write_date)
        SELECT e, %(company)s, s, c, 1, 'A', price, %(uid)s, now(), %(uid)s, now()
          FROM unnest(%(encounters)s::int[]) e,
               unnest(%(codes)s::int[], %(prices)s::numeric[]) WITH ORDINALITY AS t(c, price, s)
        """,
        {
            "company": company.id,
            "uid": uid,
            "encounters": encounter_ids,
            "codes": [c.id for c in procedures],
            "prices": [price for _v, price in codes],
        },
    )
    for table in ("medical_encounter", "medical_encounter_procedure", "medical_encounter_diagnosis"):
        cr.execute(f"ANALYZE {table}")
    env.invalidate_all()
    return encounter_ids, payer, procedures


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("filters", nargs="*", help="run only the modules whose name holds one of these")
    options = parser.parse_args(argv)

    import odoo
    from odoo.tools import config

    config.parse_config([f"--addons-path={options.addons_path}", "-d", options.database, "--log-level=warn"])
    sys.path.insert(0, str(HERE))
    sys.modules.setdefault("run", sys.modules[__name__])
    registry = odoo.modules.registry.Registry(options.database)
    failed = 0
    modules = []
    for path in sorted(HERE.glob("bench_*.py")):
        if options.filters and not any(f in path.stem for f in options.filters):
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception:
            failed += 1
            sys.stdout.write(f"BENCH-FAILED {path.stem}\n")
            traceback.print_exc()
            continue
        modules.append(module)
    # a module may set ORDER (default 50) when it needs to run before the others fill the database
    for module in sorted(modules, key=lambda m: (getattr(m, "ORDER", 50), m.__name__)):
        try:
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                module.run(env)
        except Exception:
            failed += 1
            sys.stdout.write(f"BENCH-FAILED {module.__name__}\n")
            traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
