# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Script of the command-line tests: submitted claims in a throwaway database, committed, and 835 files paying
them written with the project's 835 writer, as a payer would send them.

    python make_submitted_claims.py ADDONS_PATH DATABASE OUT_FOLDER

Writes ``paid.835`` (pays the first claim: every claim matched) and ``exception.835`` (pays the second one
naming another patient: an exception for the biller), and prints the claim numbers.
"""

import sys
from datetime import timedelta
from pathlib import Path

import odoo
from odoo import Command, fields


def setup_practice(env):
    from odoo.addons.medical_coding.edits.npi import complete_npi

    company = env.company
    company.write(
        {
            "medical_billing_npi": complete_npi("123456789"),
            "medical_tax_id": "12-3456789",
            "medical_taxonomy_code": "207Q00000X",
            "street": "10 Practice Way",
            "city": "Sacramento",
            "state_id": env.ref("base.state_us_5").id,
            "zip": "95814",
            "country_id": env.ref("base.us").id,
        }
    )
    company._medical_check_accounting()
    return company


def ensure_codes(env):
    from odoo.addons.medical_billing.tests.common import CODES

    Code = env["medical.code"].with_context(active_test=False)
    codes = {}
    for key, system, code, name in CODES:
        record = Code.search([("system", "=", system), ("code", "=", code)], limit=1)
        values = {"name": name, "billable": True, "date_start": False, "date_end": False, "active": True}
        if record:
            record.write(values)
        else:
            record = Code.create({"system": system, "code": code, **values})
        codes[key] = record
    return codes


def submitted_claims(env, count):
    company = setup_practice(env)
    codes = ensure_codes(env)
    today = fields.Date.context_today(env["medical.claim"])
    dos = today - timedelta(days=10)
    address = {
        "street": "1 Main Street",
        "city": "Sacramento",
        "state_id": env.ref("base.state_us_5").id,
        "zip": "95814",
        "country_id": env.ref("base.us").id,
    }
    payer = env["res.partner"].create(
        {
            "name": "Acme Health",
            "is_company": True,
            "is_payer": True,
            "payer_code": "ACME1",
            "claim_filing_indicator": "CI",
            "timely_filing_days": 180,
            **address,
        }
    )
    provider = env["res.partner"].create(
        {"name": "Dr Test Provider", "is_provider": True, "npi": "1234567893", "taxonomy_code": "207Q00000X"}
    )
    env["medical.fee.schedule"].create(
        {
            "name": "Charge master",
            "schedule_type": "charge",
            "line_ids": [
                Command.create({"code_id": codes["cpt_99213"].id, "amount": 100.0}),
                Command.create({"code_id": codes["cpt_20610"].id, "amount": 200.0}),
            ],
        }
    )
    claims = env["medical.claim"]
    for number in range(count):
        patient = env["res.partner"].create(
            {
                "name": f"Test Patient {'ABCDEFGH'[number]}",
                "is_patient": True,
                "company_id": company.id,
                "birthdate": "1970-05-17",
                "gender": "f",
                **address,
            }
        )
        env["medical.coverage"].create(
            {
                "eligibility_ids": [
                    Command.create({"result": "active", "date_service": dos - timedelta(days=365)})
                ],
                "patient_id": patient.id,
                "payer_id": payer.id,
                "company_id": company.id,
                "plan_name": "Acme PPO",
                "member_id": f"ACM12345678{number}",
                "group_number": "GRP001",
                "relationship": "18",
                "priority": "primary",
                "date_start": dos - timedelta(days=365),
            }
        )
        encounter = env["medical.encounter"].create(
            {
                "patient_id": patient.id,
                "company_id": company.id,
                "date_service": dos,
                "provider_id": provider.id,
                "place_of_service_id": codes["pos_11"].id,
                "diagnosis_ids": [
                    Command.create({"sequence": 1, "code_id": codes["dx_knee"].id}),
                    Command.create({"sequence": 2, "code_id": codes["dx_bronchitis"].id}),
                ],
                "procedure_ids": [
                    Command.create(
                        {
                            "sequence": 1,
                            "code_id": codes["cpt_99213"].id,
                            "modifier1_id": codes["mod_25"].id,
                            "units": 1,
                            "diagnosis_pointers": "B",
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 2,
                            "code_id": codes["cpt_20610"].id,
                            "modifier1_id": codes["mod_rt"].id,
                            "units": 1,
                            "diagnosis_pointers": "A",
                        }
                    ),
                ],
            }
        )
        encounter.action_check()
        assert encounter.state == "checked", encounter.finding_ids.mapped("message")
        encounter.action_create_claims()
        claim = encounter.claim_ids
        claim.action_validate()
        assert claim.state == "ready", claim.finding_ids.mapped("message")
        claim.action_submit()
        claims |= claim
    return company, claims


def era_claim(claim, patient):
    """A CLP paying ``claim`` in full less a contractual adjustment, each line by its code and date."""
    from odoo.addons.medical_billing.edi.x12_835_writer import EraClaim, EraService

    services = []
    paid = 0.0
    for line in claim.line_ids.sorted("sequence"):
        contractual = round(line.charge_amount * 0.2, 2)
        services.append(
            EraService(
                code=line.code_id.code,
                charge=line.charge_amount,
                paid=line.charge_amount - contractual,
                modifiers=tuple(line._modifiers().mapped("code")),
                date_service=claim.date_service,
                adjustments=[("CO", "45", contractual)],
            )
        )
        paid += line.charge_amount - contractual
    return EraClaim(
        pcn=claim.patient_control_number,
        charge=claim.amount_total,
        paid=round(paid, 2),
        services=services,
        patient=patient,
    )


def main(addons_path, database, out):
    odoo.tools.config.parse_config([f"--addons-path={addons_path}", "-d", database, "--log-level=warn"])
    from odoo.addons.medical_billing.edi.x12_835_writer import era_835, era_835_body
    from odoo.addons.medical_billing.tools.person_name import split_person_name

    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company, claims = submitted_claims(env, 2)
        first, second = claims.sorted("id")
        npi = company.medical_billing_npi
        last, given = split_person_name(first.patient_id.name)[:2]
        paid = era_835(
            [era_835_body([era_claim(first, (last.upper(), given.upper()))], trace="EFT1001", payee_npi=npi)]
        )
        # the payer names another patient: the claim is left to the biller, the rest posts
        stranger = era_claim(second, ("SOMEONE", "ELSE"))
        exception = era_835([era_835_body([stranger], trace="EFT1002", payee_npi=npi)], control=836)
        Path(out, "paid.835").write_text(paid)
        Path(out, "exception.835").write_text(exception)
        cr.commit()  # pylint: disable=invalid-commit
        sys.stdout.write(" ".join(claims.sorted("id").mapped("patient_control_number")) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
