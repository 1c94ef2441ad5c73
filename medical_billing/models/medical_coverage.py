# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.medical_coding.tools.counts import count_by

# X12 individual relationship codes (SBR02 / PAT01) as keys.
RELATIONSHIPS = [("18", "Self"), ("01", "Spouse"), ("19", "Child"), ("G8", "Other Relationship")]
PRIORITIES = [("primary", "Primary"), ("secondary", "Secondary"), ("tertiary", "Tertiary")]
ELIGIBILITY_RESULTS = [
    ("active", "Active Coverage"),
    ("inactive", "Inactive Coverage"),
    ("not_found", "Subscriber Not Found"),
    ("error", "Could Not Check"),
]
PRIORITY_RANK = {"primary": 1, "secondary": 2, "tertiary": 3}


class MedicalCoverage(models.Model):
    """A patient's insurance: which payer, plan and member id, who the subscriber is, in which order."""

    _name = "medical.coverage"
    _description = "Insurance Coverage"
    _inherit = ["mail.thread", "mail.activity.mixin", "medical.company.check.mixin"]
    _order = "patient_id, priority_rank, date_start desc, id"
    _check_company_auto = True

    patient_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        tracking=True,
        domain="[('is_patient', '=', True)]",
    )
    payer_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_payer', '=', True)]",
    )
    plan_name = fields.Char(tracking=True)
    member_id = fields.Char(
        string="Member ID", tracking=True, help="The subscriber's id on the insurance card."
    )
    group_number = fields.Char(tracking=True)
    relationship = fields.Selection(
        RELATIONSHIPS,
        string="Patient's Relationship to Subscriber",
        required=True,
        default="18",
        tracking=True,
    )
    subscriber_id = fields.Many2one(
        "res.partner",
        compute="_compute_subscriber_id",
        store=True,
        readonly=False,
        tracking=True,
        check_company=True,
        help="The insured person holding the policy: the patient when the relationship is Self.",
    )
    priority = fields.Selection(PRIORITIES, required=True, default="primary", tracking=True)
    priority_rank = fields.Integer(compute="_compute_priority_rank", store=True)
    date_start = fields.Date(string="Effective From", tracking=True)
    date_end = fields.Date(string="Effective Until", tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    copay_amount = fields.Monetary(string="Copay", tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    eligibility_ids = fields.One2many(
        "medical.coverage.eligibility", "coverage_id", string="Eligibility Checks"
    )
    eligibility_date = fields.Datetime(
        string="Last Eligibility Check", compute="_compute_eligibility", store=True
    )
    eligibility_result = fields.Selection(
        ELIGIBILITY_RESULTS,
        string="Last Eligibility Result",
        compute="_compute_eligibility",
        store=True,
    )
    notes = fields.Text()

    @api.depends("relationship", "patient_id")
    def _compute_subscriber_id(self):
        for coverage in self:
            if coverage.relationship == "18":
                coverage.subscriber_id = coverage.patient_id
            elif coverage.subscriber_id == coverage.patient_id:
                coverage.subscriber_id = False

    @api.depends("priority")
    def _compute_priority_rank(self):
        for coverage in self:
            coverage.priority_rank = PRIORITY_RANK.get(coverage.priority, 9)

    @api.depends("eligibility_ids.date", "eligibility_ids.result")
    def _compute_eligibility(self):
        for coverage in self:
            last = coverage.eligibility_ids.sorted(lambda e: (e.date, e.id), reverse=True)[:1]
            coverage.eligibility_date = last.date
            coverage.eligibility_result = last.result

    @api.depends("payer_id", "plan_name", "member_id", "priority")
    def _compute_display_name(self):
        priorities = dict(PRIORITIES)
        for coverage in self:
            parts = [coverage.payer_id.name or "", coverage.plan_name or ""]
            label = " ".join(p for p in parts if p)
            if coverage.member_id:
                label = f"{label} [{coverage.member_id}]"
            coverage.display_name = f"{label} ({priorities.get(coverage.priority, '')})"

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for coverage in self:
            if coverage.date_start and coverage.date_end and coverage.date_end < coverage.date_start:
                raise ValidationError(_("A coverage cannot end before it starts."))

    @api.constrains("relationship", "subscriber_id", "patient_id")
    def _check_subscriber(self):
        for coverage in self:
            if (
                coverage.relationship == "18"
                and coverage.subscriber_id
                and (coverage.subscriber_id != coverage.patient_id)
            ):
                raise ValidationError(
                    _("When the patient is the subscriber (Self), the subscriber must be the patient.")
                )

    @api.constrains("patient_id", "priority", "date_start", "date_end", "active", "company_id")
    def _check_priority_overlap(self):
        for coverage in self.filtered("active"):
            domain = [
                ("id", "!=", coverage.id),
                ("patient_id", "=", coverage.patient_id.id),
                ("priority", "=", coverage.priority),
                ("company_id", "=", coverage.company_id.id),
            ]
            if coverage.date_start:
                domain += ["|", ("date_end", "=", False), ("date_end", ">=", coverage.date_start)]
            if coverage.date_end:
                domain += ["|", ("date_start", "=", False), ("date_start", "<=", coverage.date_end)]
            if self.search_count(domain, limit=1):
                raise ValidationError(
                    _(
                        "The patient already has a %(priority)s coverage in force over these dates: end it "
                        "before adding another one.",
                        priority=dict(PRIORITIES)[coverage.priority].lower(),
                    )
                )

    def is_in_force(self, date):
        """True when the coverage is active and ``date`` (a date of service) is within its dates."""
        self.ensure_one()
        return bool(
            self.active
            and date
            and (not self.date_start or self.date_start <= date)
            and (not self.date_end or date <= self.date_end)
        )

    def action_record_eligibility(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "medical.coverage.eligibility",
            "view_mode": "form",
            "target": "new",
            "context": {"default_coverage_id": self.id},
        }

    # ------------------------------------------------------------------ eligibility requests (270/271)

    eligibility_request_ids = fields.One2many("medical.eligibility.request", "coverage_id")
    eligibility_request_count = fields.Integer(compute="_compute_eligibility_request_count")

    def _compute_eligibility_request_count(self):
        counts = count_by(self, "medical.eligibility.request", "coverage_id")
        for coverage in self:
            coverage.eligibility_request_count = counts.get(coverage, 0)

    def action_request_eligibility(self):
        """Front desk: send a 270 for today's visit (or the date in the context) for these coverages."""
        day = self.env.context.get("eligibility_date") or fields.Date.context_today(self)
        Request = self.env["medical.eligibility.request"]
        requests = Request.create([Request._prepare_for_coverage(c, day) for c in self])
        requests.action_send()
        return requests._action_open()

    def action_view_eligibility_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "medical_billing.medical_eligibility_request_action"
        )
        action["domain"] = [("coverage_id", "=", self.id)]
        action["context"] = {"default_coverage_id": self.id, "default_company_id": self.company_id.id}
        return action

    def _latest_eligibility_on(self, pairs):
        """``{(coverage id, day): medical.coverage.eligibility}`` of the latest check answering for a day on
        or before ``day``, for ``pairs`` of (coverage id, day); one search. A check recorded before checks had
        a date of service answers for the day it was made."""
        checks = (
            self.env["medical.coverage.eligibility"]
            .sudo()
            .search([("coverage_id", "in", list({c for c, _d in pairs}))], order="date desc, id desc")
        )
        by_coverage = {}
        for check in checks:
            day = check.date_service or fields.Date.to_date(check.date)
            by_coverage.setdefault(check.coverage_id.id, []).append((day, check))
        for entries in by_coverage.values():
            entries.sort(key=lambda entry: entry[0], reverse=True)  # stable: latest check first on a day
        result = {}
        for coverage_id, day in pairs:
            if not day:
                continue
            found = next((c for d, c in by_coverage.get(coverage_id, []) if d <= day), None)
            if found:
                result[coverage_id, day] = found
        return result


class MedicalCoverageEligibility(models.Model):
    """One recorded eligibility check (phone, portal or 270/271) of a coverage."""

    _name = "medical.coverage.eligibility"
    _description = "Eligibility Check"
    _order = "date desc, id desc"
    _check_company_auto = True

    coverage_id = fields.Many2one("medical.coverage", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="coverage_id.company_id", store=True, index=True)
    patient_id = fields.Many2one(related="coverage_id.patient_id", store=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    result = fields.Selection(ELIGIBILITY_RESULTS, required=True)
    user_id = fields.Many2one(
        "res.users", string="Checked By", required=True, default=lambda self: self.env.user
    )
    reference = fields.Char(help="Call reference or 271 trace number.")
    notes = fields.Text()
    date_service = fields.Date(
        string="For Date of Service",
        default=fields.Date.context_today,
        help="The day the check answers for (the date of service asked about).",
    )
    request_id = fields.Many2one(
        "medical.eligibility.request", readonly=True, ondelete="set null", check_company=True
    )
