# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.medical_coding.tools.counts import count_by

from .medical_coverage import ELIGIBILITY_RESULTS


class MedicalEncounter(models.Model):
    _inherit = "medical.encounter"

    claim_ids = fields.One2many("medical.claim", "encounter_id", string="Claims")
    claim_count = fields.Integer(compute="_compute_claim_count")
    copay_move_ids = fields.One2many(
        "account.move", "medical_encounter_id", string="Copay Entries", domain=[("move_type", "=", "entry")]
    )
    copay_amount_paid = fields.Monetary(
        string="Copay Collected", compute="_compute_copay_amount_paid", groups="account.group_account_invoice"
    )

    def _compute_claim_count(self):
        counts = count_by(self, "medical.claim", "encounter_id")
        for encounter in self:
            encounter.claim_count = counts.get(encounter, 0)

    @api.depends("copay_move_ids.amount_total", "copay_move_ids.state")
    def _compute_copay_amount_paid(self):
        for encounter in self:
            moves = encounter.copay_move_ids.filtered(lambda m: m.state == "posted")
            encounter.copay_amount_paid = sum(moves.mapped("amount_total_signed"))

    def action_create_claims(self):
        """Create the claims of these checked encounters, one per encounter to its primary coverage.

        Secondary and tertiary claims follow the primary's adjudication. All claims are created in one batch;
        the encounters become billed. Returns the claims' action.
        """
        not_checked = self.filtered(lambda e: e.state != "checked")
        if not_checked:
            raise UserError(
                _(
                    "Only checked encounters (coding edits passed) can be billed: %(names)s.",
                    names=", ".join(not_checked.mapped("name")),
                )
            )
        if not self:
            return True
        self.company_id._medical_check_accounting()
        coverages = self._get_required_primary_coverages()
        auths = self._get_prior_authorizations(coverages)
        procedures = self.procedure_ids
        products = procedures.code_id._get_service_products()
        expected = {}
        for (company, payer), encounters in self._group_by_company_payer(coverages).items():
            items = [
                (proc.id, proc.code_id, proc._modifiers(), encounter.date_service)
                for encounter in encounters
                for proc in encounter.procedure_ids
            ]
            expected.update(self.env["medical.fee.schedule"]._get_rates(company, items, payer=payer))
        Claim = self.env["medical.claim"]
        claims = Claim.create(
            [
                Claim._prepare_from_encounter(
                    encounter,
                    coverages[encounter.id],
                    auths.get(encounter.id, self.env["medical.prior.authorization"]),
                    products,
                    expected,
                )
                for encounter in self
            ]
        )
        self.action_mark_billed()
        action = self.env["ir.actions.act_window"]._for_xml_id("medical_billing.medical_claim_action")
        if len(claims) == 1:
            action.update({"view_mode": "form", "views": [(False, "form")], "res_id": claims.id})
        else:
            action["domain"] = [("id", "in", claims.ids)]
        return action

    def _get_primary_coverages(self):
        """{encounter id: medical.coverage} of the primary coverage billed for each encounter.

        The primary coverage in force on the date of service; else the patient's latest primary coverage,
        which the payer edits will then flag as not in force.
        """
        candidates = self.env["medical.coverage"].search(
            [
                ("patient_id", "in", self.patient_id.ids),
                ("priority", "=", "primary"),
                ("company_id", "in", self.company_id.ids),
            ],
            order="date_start desc, id desc",
        )
        by_patient = {}
        for coverage in candidates:
            by_patient.setdefault((coverage.patient_id.id, coverage.company_id.id), []).append(coverage)
        result = {}
        for encounter in self:
            options = by_patient.get((encounter.patient_id.id, encounter.company_id.id), [])
            in_force = [c for c in options if c.is_in_force(encounter.date_service)]
            chosen = (in_force or options or [None])[0]
            if chosen:
                result[encounter.id] = chosen
        return result

    def _get_required_primary_coverages(self):
        """:meth:`_get_primary_coverages`, refusing encounters whose patient has no primary coverage."""
        coverages = self._get_primary_coverages()
        without = self.filtered(lambda e: e.id not in coverages)
        if without:
            raise UserError(
                _(
                    "No primary coverage for the patient of %(names)s: record the patient's insurance first.",
                    names=", ".join(without.mapped("name")),
                )
            )
        return coverages

    def _get_prior_authorizations(self, coverages):
        """{encounter id: medical.prior.authorization} for encounters whose payer wants one for a code.

        The authorization whose number the encounter quotes, else one of the patient and payer valid on the
        date of service and covering a code of the encounter.
        """
        needing = self.filtered(
            lambda e: e.prior_authorization
            or (e.procedure_ids.code_id & coverages[e.id].payer_id.prior_auth_code_ids)
        )
        if not needing:
            return {}
        auths = self.env["medical.prior.authorization"].search(
            [
                ("patient_id", "in", needing.patient_id.ids),
                ("company_id", "in", needing.company_id.ids),
            ]
        )
        result = {}
        for encounter in needing:
            payer = coverages[encounter.id].payer_id
            mine = auths.filtered(
                lambda a, e=encounter, p=payer: a.patient_id == e.patient_id and a.payer_id == p
            )
            quoted = mine.filtered(lambda a, e=encounter: a.name == (e.prior_authorization or "").strip())
            fitting = mine.filtered(
                lambda a, e=encounter: a.is_valid_on(e.date_service)
                and (a.code_ids & e.procedure_ids.code_id)
            )
            chosen = (quoted or fitting)[:1]
            if chosen:
                result[encounter.id] = chosen
        return result

    def _group_by_company_payer(self, coverages):
        groups = {}
        for encounter in self:
            key = (encounter.company_id, coverages[encounter.id].payer_id)
            groups.setdefault(key, self.browse())
            groups[key] |= encounter
        return groups

    def action_view_claims(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("medical_billing.medical_claim_action")
        action["domain"] = [("encounter_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_collect_copay(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Collect Copay"),
            "res_model": "medical.copay.register",
            "view_mode": "form",
            "target": "new",
            "context": {"default_encounter_id": self.id},
        }

    # ------------------------------------------------------------------ eligibility (270 / 271)

    eligibility_request_ids = fields.One2many("medical.eligibility.request", "encounter_id")

    copay_to_collect = fields.Monetary(
        compute="_compute_copay_to_collect",
        help="The copay of the latest eligibility answer for this visit, else the primary coverage's copay.",
    )
    eligibility_result = fields.Selection(
        ELIGIBILITY_RESULTS, string="Eligibility", compute="_compute_copay_to_collect"
    )

    def _compute_copay_to_collect(self):
        coverages = self._get_primary_coverages() if self.ids else {}
        requests = (
            self.env["medical.eligibility.request"].search(
                [("encounter_id", "in", self.ids), ("state", "in", ("answered", "error"))], order="id desc"
            )
            if self.ids
            else self.env["medical.eligibility.request"]
        )
        latest = {}
        for request in requests:
            latest.setdefault(request.encounter_id.id, request)
        for encounter in self:
            request = latest.get(encounter.id)
            coverage = coverages.get(encounter.id)
            encounter.eligibility_result = request.result if request else False
            if request and request.state == "answered":
                encounter.copay_to_collect = request.copay_amount
            else:
                encounter.copay_to_collect = coverage.copay_amount if coverage else 0.0

    def _eligibility_requests_to_send(self):
        """Draft requests for the primary coverage of these encounters, skipping those already checked."""
        coverages = self._get_primary_coverages()
        Request = self.env["medical.eligibility.request"]
        existing = Request.search([("encounter_id", "in", self.ids), ("state", "in", ("sent", "answered"))])
        done = set(existing.encounter_id.ids)
        vals = [
            Request._prepare_for_coverage(coverages[e.id], e.date_service, e)
            for e in self
            if e.id in coverages and e.id not in done
        ]
        return Request.create(vals)

    def action_request_eligibility(self):
        """Front desk: send a 270 for the primary coverage of these visits."""
        coverages = self._get_required_primary_coverages()
        Request = self.env["medical.eligibility.request"]
        requests = Request.create(
            [Request._prepare_for_coverage(coverages[e.id], e.date_service, e) for e in self]
        )
        requests.action_send()
        return requests._action_open()


class MedicalEncounterProcedure(models.Model):
    _inherit = "medical.encounter.procedure"

    def _get_default_charge(self):
        """The charge master's rate for the code (and modifiers) on the date of service, times the units."""
        self.ensure_one()
        encounter = self.encounter_id
        if not self.code_id or not encounter:
            return super()._get_default_charge()
        rates = self.env["medical.fee.schedule"]._get_rates(
            encounter.company_id or self.env.company,
            [(0, self.code_id, self._modifiers(), encounter.date_service)],
        )
        if 0 not in rates:
            return super()._get_default_charge()
        return rates[0] * (self.units or 0.0)

    @api.model_create_multi
    def create(self, vals_list):
        """Lines created without a charge are priced from the charge master, in one lookup per company."""
        to_price = [vals for vals in vals_list if not vals.get("charge_amount") and vals.get("code_id")]
        # quality data codes (MIPS) are billed at 0.00, never priced
        quality = self.env["medical.code"]._quality_code_ids({vals["code_id"] for vals in to_price})
        to_price = [
            v for v in to_price if v["code_id"] not in quality and not v.get("quality_performance_id")
        ]
        if to_price:
            Encounter = self.env["medical.encounter"]
            Code = self.env["medical.code"]
            by_company = {}
            for index, vals in enumerate(to_price):
                encounter = Encounter.browse(vals.get("encounter_id"))
                modifiers = Code.browse(
                    [vals[f"modifier{i}_id"] for i in range(1, 5) if vals.get(f"modifier{i}_id")]
                )
                item = (index, Code.browse(vals["code_id"]), modifiers, encounter.date_service)
                by_company.setdefault(encounter.company_id or self.env.company, []).append(item)
            for company, items in by_company.items():
                rates = self.env["medical.fee.schedule"]._get_rates(company, items)
                for index, rate in rates.items():
                    vals = to_price[index]
                    vals["charge_amount"] = rate * vals.get("units", 1.0)
        return super().create(vals_list)
