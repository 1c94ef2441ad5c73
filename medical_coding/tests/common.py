# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shared fixtures of the medical_coding tests: a few codes of each system, a practice with a patient,
a provider and a facility, one user per role, and helpers to build encounters."""

from datetime import date

from odoo.tests import TransactionCase, new_test_user

from odoo.addons.medical_coding.edits.npi import complete_npi

DOS = date(2026, 3, 10)


class MedicalCodingCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_create_nolog=True, mail_notrack=False))
        cls.company = cls.env.company
        cls.company.write(
            {
                "medical_billing_npi": complete_npi("123456789"),
                "medical_tax_id": "12-3456789",
                "medical_taxonomy_code": "207Q00000X",
            }
        )
        Code = cls.env["medical.code"]
        cls.code_vals = [
            # (key, system, code, name, extra)
            ("dx_bronchitis", "icd10cm", "J209", "Acute bronchitis, unspecified", {}),
            ("dx_bronchitis_header", "icd10cm", "J20", "Acute bronchitis", {"billable": False}),
            ("dx_diabetes", "icd10cm", "E119", "Type 2 diabetes mellitus without complications", {}),
            ("dx_hypertension", "icd10cm", "I10", "Essential (primary) hypertension", {}),
            ("dx_cough", "icd10cm", "R059", "Cough, unspecified", {"date_start": date(2021, 10, 1)}),
            ("dx_old", "icd10cm", "R05", "Cough (before FY2022)", {"date_end": date(2021, 9, 30)}),
            ("cpt_99213", "cpt", "99213", "CPT 99213", {}),
            ("cpt_99214", "cpt", "99214", "CPT 99214", {}),
            ("cpt_96372", "cpt", "96372", "CPT 96372", {}),
            ("cpt_20610", "cpt", "20610", "CPT 20610", {}),
            ("cpt_36415", "cpt", "36415", "CPT 36415", {}),
            ("cpt_new", "cpt", "99999", "CPT 99999", {"date_start": date(2027, 1, 1)}),
            ("hcpcs_j1100", "hcpcs", "J1100", "Dexamethasone sodium phosphate, 1 mg", {}),
            ("hcpcs_g0008", "hcpcs", "G0008", "Administration of influenza virus vaccine", {}),
            ("mod_25", "modifier", "25", "Significant, separately identifiable E/M service", {}),
            ("mod_59", "modifier", "59", "Distinct procedural service", {}),
            ("mod_xs", "modifier", "XS", "Separate structure", {}),
            ("mod_lt", "modifier", "LT", "Left side", {}),
            ("mod_rt", "modifier", "RT", "Right side", {}),
            ("mod_ga", "modifier", "GA", "Waiver of liability statement on file", {}),
            ("mod_old", "modifier", "Q0", "Retired modifier", {"date_end": date(2020, 12, 31)}),
            ("pos_11", "pos", "11", "Office", {}),
            ("pos_22", "pos", "22", "On Campus-Outpatient Hospital", {}),
        ]
        existing = {
            (c.system, c.code): c
            for c in Code.with_context(active_test=False).search(
                [("code", "in", [v[2] for v in cls.code_vals])]
            )
        }
        cls.codes = {}
        for key, system, code, name, extra in cls.code_vals:
            record = existing.get((system, code))
            values = {"name": name, "billable": True, "date_start": False, "date_end": False, **extra}
            if record:
                record.write(values)
            else:
                record = Code.create({"system": system, "code": code, **values})
            cls.codes[key] = record
        cls.state_ca = cls.env.ref("base.state_us_5")
        cls.patient = cls.env["res.partner"].create(
            {
                "name": "Test Patient One",
                "is_patient": True,
                "birthdate": date(1970, 5, 17),
                "gender": "f",
                "street": "1 Main Street",
                "city": "Sacramento",
                "state_id": cls.state_ca.id,
                "zip": "95814",
                "country_id": cls.env.ref("base.us").id,
            }
        )
        cls.provider = cls.env["res.partner"].create(
            {
                "name": "Dr Test Provider",
                "is_provider": True,
                "npi": "1234567893",
                "taxonomy_code": "207Q00000X",
            }
        )
        cls.facility = cls.env["res.partner"].create(
            {
                "name": "Test Clinic",
                "is_company": True,
                "is_facility": True,
                "npi": complete_npi("198765432"),
                "default_place_of_service_id": cls.codes["pos_11"].id,
                "street": "2 Clinic Road",
                "city": "Sacramento",
                "state_id": cls.state_ca.id,
                "zip": "95814",
            }
        )
        group = "medical_coding.medical_coding_group_"
        company_ctx = {"company_id": cls.company.id, "company_ids": [(6, 0, cls.company.ids)]}
        cls.user_front_desk = new_test_user(
            cls.env, "mc_front_desk", groups=group + "front_desk", **company_ctx
        )
        cls.user_coder = new_test_user(cls.env, "mc_coder", groups=group + "coder", **company_ctx)
        cls.user_biller = new_test_user(cls.env, "mc_biller", groups=group + "biller", **company_ctx)
        cls.user_manager = new_test_user(cls.env, "mc_manager", groups=group + "manager", **company_ctx)

    @classmethod
    def make_encounter(cls, diagnoses=(), lines=(), **values):
        """An encounter of ``cls.patient`` on ``DOS``. ``diagnoses``: code keys in order. ``lines``: tuples
        (code key, [modifier keys], units, pointers) or dicts of extra line values with a "code" key."""
        line_commands = []
        for index, line in enumerate(lines):
            if isinstance(line, dict):
                line = dict(line)
                vals = {"code_id": cls.codes[line.pop("code")].id, "sequence": index + 1}
                for position, key in enumerate(line.pop("modifiers", ()), start=1):
                    vals[f"modifier{position}_id"] = cls.codes[key].id
                vals.update(line)
            else:
                code, modifiers, units, pointers = line
                vals = {"code_id": cls.codes[code].id, "units": units, "diagnosis_pointers": pointers}
                vals["sequence"] = index + 1
                for position, key in enumerate(modifiers, start=1):
                    vals[f"modifier{position}_id"] = cls.codes[key].id
            line_commands.append((0, 0, vals))
        vals = {
            "patient_id": cls.patient.id,
            "date_service": DOS,
            "provider_id": cls.provider.id,
            "facility_id": cls.facility.id,
            "diagnosis_ids": [
                (0, 0, {"code_id": cls.codes[key].id, "sequence": index + 1})
                for index, key in enumerate(diagnoses)
            ],
            "procedure_ids": line_commands,
        }
        vals.update(values)
        return cls.env["medical.encounter"].create(vals)

    @classmethod
    def add_ptp(cls, column1, column2, indicator, date_start=date(2020, 1, 1), date_end=None):
        return cls.env["medical.ncci.edit"].create(
            {
                "column1_code": column1,
                "column2_code": column2,
                "modifier_indicator": indicator,
                "date_start": date_start,
                "date_end": date_end,
            }
        )

    @classmethod
    def add_mue(cls, code, value, indicator, date_start=date(2020, 1, 1)):
        return cls.env["medical.mue"].create(
            {"code": code, "mue_value": value, "adjudication_indicator": indicator, "date_start": date_start}
        )

    def edit_codes(self, encounter):
        return sorted(encounter.finding_ids.mapped("edit_code"))
