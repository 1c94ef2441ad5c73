# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The quality measures extend the encounter, its lines and findings; kept apart from the coding edits.
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..edits import engine
from ..edits import quality as quality_engine
from .medical_encounter import CODING_GROUPS

OUTCOMES = [
    ("met", "Performance Met"),
    ("not_met", "Performance Not Met"),
    ("exception", "Denominator Exception"),
    ("exclusion", "Population Exclusion"),
    ("not_reported", "Not Reported"),
]


class MedicalQualityResult(models.Model):
    """What the last check found for one encounter and one measure it is eligible for: the outcome its
    quality data codes report (or none). Replaced at each check; the rates of ``medical.quality.report``
    are counted from these rows."""

    _name = "medical.quality.result"
    _description = "Quality Measure Result of an Encounter"
    _inherit = ["medical.company.check.mixin"]
    _order = "date_service desc, id desc"
    _check_company_auto = True

    encounter_id = fields.Many2one(
        "medical.encounter", required=True, index=True, ondelete="cascade", check_company=True
    )
    measure_id = fields.Many2one("medical.quality.measure", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    provider_id = fields.Many2one("res.partner", index=True, check_company=True)
    patient_id = fields.Many2one("res.partner", index=True, check_company=True)
    date_service = fields.Date(required=True)
    year = fields.Integer(required=True, index=True)
    outcome = fields.Selection(OUTCOMES, required=True)
    performance_id = fields.Many2one("medical.quality.performance", ondelete="set null")
    option_groups = fields.Char(help="The eligibility option groups that hold, comma-separated.")
    pointer = fields.Char(help="The diagnosis letter a quality data code line of this measure points to.")


class MedicalEncounterProcedure(models.Model):
    _inherit = "medical.encounter.procedure"

    quality_performance_id = fields.Many2one(
        "medical.quality.performance",
        string="Quality Outcome",
        ondelete="set null",
        help="The reported outcome this quality data code line was added for (charge 0.00).",
    )


class MedicalEditFinding(models.Model):
    _inherit = "medical.edit.finding"

    quality_measure_id = fields.Many2one("medical.quality.measure", ondelete="cascade")

    def action_report_quality(self):
        """Open the choice of outcome of the measure this finding prompts for."""
        self.ensure_one()
        if self.edit_code != "QUALITY_MISSING" or not self.quality_measure_id:
            raise UserError(_("This finding does not ask for a quality data code."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "medical.quality.outcome",
            "view_mode": "form",
            "target": "new",
            "name": _("Report a Quality Outcome"),
            "context": {
                "default_encounter_id": self.encounter_id.id,
                "default_measure_id": self.quality_measure_id.id,
            },
        }


class MedicalEncounter(models.Model):
    _inherit = "medical.encounter"

    quality_result_ids = fields.One2many(
        "medical.quality.result", "encounter_id", string="Quality Measures", groups=CODING_GROUPS
    )
    quality_missing_count = fields.Integer(
        compute="_compute_quality_missing_count",
        search="_search_quality_missing_count",
        string="Missing Quality Codes",
        groups=CODING_GROUPS,
    )

    @api.depends("finding_ids.edit_code")
    def _compute_quality_missing_count(self):
        counts = dict(
            self.env["medical.edit.finding"]._read_group(
                [("encounter_id", "in", self.ids), ("edit_code", "=", "QUALITY_MISSING")],
                ["encounter_id"],
                ["__count"],
            )
        )
        for encounter in self:
            encounter.quality_missing_count = counts.get(encounter, 0)

    def _search_quality_missing_count(self, operator, value):
        if operator not in (">", "!=") or value not in (0, False):
            raise UserError(_("Search encounters with missing quality codes as 'greater than 0'."))
        return [("finding_ids.edit_code", "=", "QUALITY_MISSING")]

    # ------------------------------------------------------------------ evaluation

    def _quality_results(self, data):
        """Evaluate the quality measures of the dates of service's years on the encounters of ``data``
        being checked; store their results and return the findings. The measures are read once for the
        whole batch, the patients in one read, the earlier reports in one query."""
        checked = [d for d in data if d.check]
        # the caller (action_check) checked the coder's rights on these encounters
        self.env["medical.quality.result"].sudo().search([("encounter_id", "in", self.ids)]).unlink()
        if not checked:
            return []
        years = {d.date_service.year for d in checked}
        measures = self.env["medical.quality.measure"]._engine_measures(years)
        if not measures:
            return []
        headers = {
            row["id"]: row
            for row in self.read(
                ["company_id", "provider_id", "patient_id", "place_of_service_id"], load=None
            )
        }
        pos_ids = {h["place_of_service_id"] for h in headers.values() if h["place_of_service_id"]}
        pos_codes = {code.id: code.code for code in self.env["medical.code"].sudo().browse(pos_ids)}
        patients = {
            row["id"]: row
            for row in self.env["res.partner"]
            .browse({d.patient for d in checked})
            .sudo()
            .read(["birthdate", "gender"])
        }
        visits = []
        for d in checked:
            header = headers[d.id]
            patient = patients.get(d.patient, {})
            visits.append(
                quality_engine.Visit(
                    id=d.id,
                    date_service=d.date_service,
                    birthdate=patient.get("birthdate") or None,
                    sex={"f": "F", "m": "M"}.get(patient.get("gender")),
                    pos=pos_codes.get(header["place_of_service_id"]),
                    diagnoses=tuple(line.code.code for line in engine.ordered(d.diagnoses)),
                    lines=tuple(
                        quality_engine.Line(line.id, line.code.code, line.modifier_codes, line.pointers)
                        for line in engine.ordered(d.procedures)
                    ),
                    patient=d.patient,
                    provider=header["provider_id"],
                )
            )
        reported = self._quality_reported(
            {d.patient for d in checked}, years, [m.id for m in measures if m.per_patient]
        )
        outcomes, findings = quality_engine.evaluate(visits, measures, reported)
        days = {visit.id: visit.date_service for visit in visits}
        self.env["medical.quality.result"].sudo().create(
            [
                {
                    "encounter_id": o.visit_id,
                    "measure_id": o.measure.id,
                    "company_id": headers[o.visit_id]["company_id"],
                    "provider_id": headers[o.visit_id]["provider_id"],
                    "patient_id": headers[o.visit_id]["patient_id"],
                    "date_service": days[o.visit_id],
                    "year": o.measure.year,
                    "outcome": o.kind,
                    "performance_id": o.reported.id if o.reported else False,
                    "option_groups": ",".join(o.groups),
                    "pointer": o.pointer,
                }
                for o in outcomes
            ]
        )
        return findings

    def _quality_reported_domain_sql(self):
        """SQL condition on the encounter ``e`` whose reported outcome stops a patient-based prompt: here a
        billed encounter (a claim was made); medical_billing narrows it to a submitted claim."""
        return SQL("e.state = 'billed'")

    def _quality_reported(self, patient_ids, years, measure_ids):
        """``{(patient, provider, measure id)}`` whose outcome of the year is on a claim, in one query."""
        if not measure_ids:
            return set()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT r.patient_id, r.provider_id, r.measure_id
                  FROM medical_quality_result r
                  JOIN medical_encounter e ON e.id = r.encounter_id
                 WHERE r.patient_id = ANY(%(patients)s) AND r.year = ANY(%(years)s)
                   AND r.measure_id = ANY(%(measures)s) AND r.outcome != 'not_reported'
                   AND r.encounter_id != ALL(%(ids)s) AND r.company_id = ANY(%(companies)s)
                   AND %(condition)s
                """,
                patients=list(patient_ids),
                years=list(years),
                measures=list(measure_ids),
                ids=self.ids,
                companies=self.company_id.ids,
                condition=self._quality_reported_domain_sql(),
            )
        )
        return set(self.env.cr.fetchall())

    # ------------------------------------------------------------------ the coder's choice

    def action_report_quality_outcome(self, performance):
        """Add the quality data codes of ``performance`` (a performance option of a measure this encounter
        is eligible for) as lines with charge 0.00 pointing to the measure's diagnosis, then check again."""
        self.ensure_one()
        self._check_coding_access()
        self._check_coding_editable()
        performance = performance.exists()
        result = self.quality_result_ids.filtered(lambda r: r.measure_id == performance.measure_id)
        if not performance or not result:
            raise UserError(
                _(
                    "Encounter %(encounter)s is not eligible for this quality measure: check it first.",
                    encounter=self.name,
                )
            )
        groups = (result[0].option_groups or "").split(",")
        if performance.option_group not in groups:
            raise UserError(
                _(
                    "Encounter %(encounter)s: this outcome belongs to another option group of the measure.",
                    encounter=self.name,
                )
            )
        Code = self.env["medical.code"].with_context(active_test=False)
        next_sequence = max(self.procedure_ids.mapped("sequence") or [0]) + 1
        values = []
        for index, qdc in enumerate(performance.qdc_ids):
            if not qdc.code_id:
                raise UserError(
                    _("Quality data code %s is not in the code sets: import the measures again.", qdc.code)
                )
            modifiers = Code.search(
                [("system", "=", "modifier"), ("code", "in", (qdc.modifiers or "").split(","))]
            )
            ordered = [
                modifiers.filtered(lambda m, code=code: m.code == code)[:1]
                for code in (qdc.modifiers or "").split(",")
                if code
            ]
            line = {
                "encounter_id": self.id,
                "sequence": next_sequence + index,
                "code_id": qdc.code_id.id,
                "units": 1.0,
                "charge_amount": 0.0,
                "diagnosis_pointers": result[0].pointer or "A",
                "quality_performance_id": performance.id,
            }
            for position, modifier in enumerate(ordered, start=1):
                line[f"modifier{position}_id"] = modifier.id
            values.append(line)
        self.env["medical.encounter.procedure"].create(values)
        return self.action_check()

    # ------------------------------------------------------------------ demo data

    @api.model
    def _demo_report_quality(self, rows):
        """Demo data: report outcomes ``rows`` [(encounter xml id, measure id, kind)] as a coder would."""
        for xmlid, measure_code, kind in rows:
            encounter = self.env.ref(xmlid)
            option = self.env["medical.quality.performance"].search(
                [
                    ("measure_id.measure_code", "=", measure_code),
                    ("measure_id.year", "=", encounter.date_service.year),
                    ("kind", "=", kind),
                ],
                limit=1,
            )
            if option and encounter.state not in ("billed", "cancel"):
                encounter.action_report_quality_outcome(option)

    @api.model
    def _demo_quality_stray(self, encounter_id, code):
        """Demo data: a quality data code line (0.00) on an encounter the code's measure does not apply to."""
        encounter = self.browse(encounter_id)
        qdc = self.env["medical.code"].search(
            [("code", "=", code), ("system", "in", ("cpt", "hcpcs"))], limit=1
        )
        if qdc and not encounter.procedure_ids.filtered(lambda line: line.code_id == qdc):
            self.env["medical.encounter.procedure"].create(
                {
                    "encounter_id": encounter.id,
                    "sequence": 99,
                    "code_id": qdc.id,
                    "charge_amount": 0.0,
                    "diagnosis_pointers": "A",
                }
            )
