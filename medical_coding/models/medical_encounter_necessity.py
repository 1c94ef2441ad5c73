# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The necessity edits extend the encounter and its lines; kept apart from the coding edits they join.
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..edits import dme, necessity

NECESSITY_RESOLUTIONS = [
    ("abn", "ABN signed, option 1 (bill the payer with GA)"),
    ("abn_voluntary", "Voluntary ABN, excluded service (bill with GX)"),
    ("no_abn", "No ABN (bill with GZ, a denial is written off)"),
    ("self_pay", "Not billed to the payer (self-pay)"),
]


def modifier_codes_sql(alias):
    """SQL of the modifier codes of the procedure line aliased ``alias`` (an array without the empty ones)
    and the four joins on ``medical_code`` (m1 to m4) it reads: ``(array, joins)``."""
    joins = SQL(" ").join(
        SQL(
            "LEFT JOIN medical_code %s ON %s = %s",
            SQL.identifier(f"m{n}"),
            SQL.identifier(f"m{n}", "id"),
            SQL.identifier(alias, f"modifier{n}_id"),
        )
        for n in range(1, 5)
    )
    return SQL("ARRAY_REMOVE(ARRAY[m1.code, m2.code, m3.code, m4.code], NULL)"), joins


class MedicalEncounterProcedure(models.Model):
    """How a line that a coverage policy does not cover is resolved, when the coding is right."""

    _inherit = "medical.encounter.procedure"

    necessity_resolution = fields.Selection(
        NECESSITY_RESOLUTIONS,
        string="Expected Denial",
        help="A line a coverage policy does not cover (diagnosis, age, sex, frequency), the coding being "
        "right: either the patient signed an ABN (the line goes to the payer with modifier GA) or the "
        "patient agreed to pay it (the line is not billed to the payer).",
    )
    self_pay_consent_date = fields.Date(
        help="The day the patient agreed to pay the service themselves instead of billing the payer."
    )

    @api.constrains("necessity_resolution", "self_pay_consent_date")
    def _check_self_pay_consent(self):
        for line in self:
            if line.necessity_resolution == "self_pay" and not line.self_pay_consent_date:
                raise ValidationError(
                    _(
                        "Encounter %(encounter)s: a line billed to the patient instead of the payer needs "
                        "the date of the patient's consent.",
                        encounter=line.encounter_id.name,
                    )
                )


class MedicalEncounter(models.Model):
    _inherit = "medical.encounter"

    def _necessity_results(self, data):
        """The necessity findings (coverage policies) of the encounters of ``data`` being checked, and the
        rental or purchase modifiers of their equipment lines."""
        checked = [d for d in data if d.check]
        if not checked:
            return []
        return dme.check_lines(data) + self._policy_results(data, checked)

    def _policy_results(self, data, checked):
        day_first = min(d.date_service for d in checked)
        day_last = max(d.date_service for d in checked)
        policies = self.env["medical.coverage.policy"]._necessity_policies(
            day_first, day_last, self.company_id
        )
        if not policies:
            return []
        codes = {line.code.code for d in data for line in d.procedures}
        limited = necessity.frequency_codes(policies, codes)
        patient_ids = {d.patient for d in checked}
        history = self._necessity_history(patient_ids, limited, day_last) if limited else []
        line_ids = [line.id for d in checked for line in d.procedures]
        self.env.cr.execute(
            """
            SELECT id, necessity_resolution FROM medical_encounter_procedure
             WHERE id = ANY(%s) AND necessity_resolution IS NOT NULL
            """,
            [line_ids],
        )
        resolutions = dict(self.env.cr.fetchall())
        headers = {row["id"]: row for row in self.read(["company_id", "prior_authorization"], load=None)}
        patients = {
            row["id"]: necessity.Patient(birthdate=row["birthdate"] or None, sex=row["gender"] or None)
            for row in self.env["res.partner"].browse(patient_ids).sudo().read(["birthdate", "gender"])
        }
        return necessity.check(
            data,
            policies,
            patients=patients,
            payers=self._necessity_payers(),
            history=history,
            resolutions=resolutions,
            prior_auth={i for i, row in headers.items() if row["prior_authorization"]},
            companies={i: row["company_id"] for i, row in headers.items()},
        )

    def _necessity_payers(self):
        """``{encounter id: necessity.Payer}`` of the payer a claim of ``self`` would go to. Without
        billing, the payer is unknown and every policy applies; medical_billing gives the primary payer."""
        return {}

    def _necessity_history_params(self, alias, patient_ids, codes, day_last):
        """The parameters the history queries share: the modifier codes of the line aliased ``alias``
        (``modifiers``, ``modifier_joins``) and the patients, codes, practices, last day and encounters."""
        modifiers, modifier_joins = modifier_codes_sql(alias)
        return {
            "modifiers": modifiers,
            "modifier_joins": modifier_joins,
            "patients": list(patient_ids),
            "codes": list(codes),
            "companies": self.company_id.ids,
            "day": day_last,
            "ids": self.ids,
        }

    def _necessity_history(self, patient_ids, codes, day_last):
        """The patients' earlier services of ``codes`` that count in frequency limits: lines of billed
        encounters (a claim was made) of the practices of ``self``, not the self-pay ones, as
        :class:`necessity.Service` values."""
        self.env.cr.execute(
            SQL(
                """
                SELECT e.id, e.patient_id, e.date_service, c.code, p.units, %(modifiers)s
                  FROM medical_encounter_procedure p
                  JOIN medical_encounter e ON e.id = p.encounter_id
                  JOIN medical_code c ON c.id = p.code_id
                  %(modifier_joins)s
                 WHERE e.patient_id = ANY(%(patients)s) AND c.code = ANY(%(codes)s)
                   AND e.company_id = ANY(%(companies)s) AND e.state = 'billed'
                   AND e.date_service <= %(day)s AND e.id != ALL(%(ids)s)
                   AND p.necessity_resolution IS DISTINCT FROM 'self_pay'
                """,
                **self._necessity_history_params("p", patient_ids, codes, day_last),
            )
        )
        return [
            necessity.Service(patient_id, code, day, units or 0.0, encounter_id, tuple(modifiers))
            for encounter_id, patient_id, day, code, units, modifiers in self.env.cr.fetchall()
        ]
