# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The denial (``medical.denial``): a claim, or one of its lines, the payer refused to pay. Remittances
create them; the payer balance stays open until the denial is worked (corrected, appealed, transferred,
written off).

Workflow: ``new`` → ``in_progress`` → ``resubmitted`` / ``appealed`` / ``transferred`` / ``written_off`` →
``won`` / ``lost`` / ``closed``; the state changes only through the actions (``@workflow_action``), each
one in the chatter. The queue is ordered by ``priority``: the amount at stake per day left before the
payer's appeal limit, recomputed every day for the open denials.
"""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.medical_coding.models.workflow import (
    check_workflow_create,
    check_workflow_write,
    workflow_action,
)

from .medical_adjustment_reason import DENIAL_CATEGORIES
from .medical_claim_line import ADJUSTMENT_GROUPS

DENIAL_STATES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("resubmitted", "Resubmitted"),
    ("appealed", "Appealed"),
    ("transferred", "Transferred to Patient"),
    ("written_off", "Written Off"),
    ("won", "Won"),
    ("lost", "Lost"),
    ("closed", "Closed"),
]
OPEN_STATES = ("new", "in_progress")
WAITING_STATES = ("resubmitted", "appealed")
DONE_STATES = ("transferred", "written_off", "won", "lost", "closed")
ROOT_CAUSES = [
    ("front_desk", "Front Desk"),
    ("coding", "Coding"),
    ("billing", "Billing"),
    ("payer", "Payer Error"),
]
DEFAULT_APPEAL_DAYS = 120  # Medicare redetermination
# What the payer said: set when the denial is created, never edited.
SOURCE_FIELDS = (
    "company_id",
    "claim_id",
    "claim_line_id",
    "remittance_claim_id",
    "payer_id",
    "group_code",
    "reason_code",
    "remark_codes",
    "amount",
    "date_denied",
)
WORKFLOW_FIELDS = (
    "state",
    "date_closed",
    "close_reason",
    "move_id",
    "writeoff_requested_by_id",
    "writeoff_approved_by_id",
    "replacement_claim_id",
    "appeal_level",
    "date_appealed",
    "appeal_letter_ids",
)

# Computed from the denial and its payer's appeal limit (recomputed by the ORM, never by a write).
DERIVED_FIELDS = ("date_appeal_deadline", "priority")
PROTECTED_FIELDS = WORKFLOW_FIELDS + DERIVED_FIELDS


class MedicalDenial(models.Model):
    _name = "medical.denial"
    _description = "Denial"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "medical.company.check.mixin",
        "medical.remark.explained.mixin",
    ]
    _order = "priority desc, date_appeal_deadline, id"
    _check_company_auto = True
    _rec_name = "claim_number"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    claim_id = fields.Many2one("medical.claim", required=True, index=True, readonly=True, check_company=True)
    claim_line_id = fields.Many2one(
        "medical.claim.line",
        readonly=True,
        check_company=True,
        help="Empty when the whole claim was denied.",
    )
    remittance_claim_id = fields.Many2one(
        "medical.remittance.claim",
        string="Remittance",
        readonly=True,
        index="btree_not_null",
        check_company=True,
        help="The remittance claim (835 CLP) that reported the denial; empty for a denial entered by hand "
        "(a 277CA rejection, a phone call).",
    )
    payer_id = fields.Many2one("res.partner", readonly=True, check_company=True)
    # What the front desk (no access to the claims, their diagnoses) sees of the claim.
    claim_number = fields.Char(related="claim_id.patient_control_number", string="Claim Number")
    patient_id = fields.Many2one(related="claim_id.patient_id", string="Patient")
    date_service = fields.Date(related="claim_id.date_service", string="Date of Service")
    # For the analysis by provider and procedure code.
    provider_id = fields.Many2one(related="claim_id.rendering_provider_id", string="Provider", store=True)
    code_id = fields.Many2one(related="claim_line_id.code_id", string="Procedure Code", store=True)
    remittance_line_ids = fields.One2many(related="remittance_claim_id.line_ids", string="Remittance Lines")
    group_code = fields.Selection(ADJUSTMENT_GROUPS, string="Group", readonly=True)
    reason_code = fields.Char(string="Reason (CARC)", readonly=True)
    reason_id = fields.Many2one(
        "medical.adjustment.reason",
        compute="_compute_reason_id",
        store=True,
        index="btree_not_null",
        help="The reason code (CARC) in the shipped list, with its description and its category.",
    )
    reason_description = fields.Text(related="reason_id.name", string="Reason Description")
    remark_codes = fields.Char(string="Remarks (RARC)", readonly=True)
    remark_code_ids = fields.Many2many(
        "medical.remark.code",
        "medical_denial_remark_code_rel",
        "denial_id",
        "remark_code_id",
        string="Remarks Explained",
        help="The remark codes (RARC) of the denial found in the remark code list, with their descriptions.",
    )
    amount = fields.Monetary(string="Amount at Stake", readonly=True)
    category = fields.Selection(
        DENIAL_CATEGORIES,
        compute="_compute_category",
        store=True,
        readonly=False,
        tracking=True,
        index=True,
        help="From the reason code by the category mapping of the reason codes; may be changed by hand.",
    )
    root_cause = fields.Selection(ROOT_CAUSES, tracking=True, help="Whose step caused the denial.")
    user_id = fields.Many2one(
        "res.users",
        string="Assigned To",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    date_denied = fields.Date(readonly=True, default=fields.Date.context_today)
    date_appeal_deadline = fields.Date(
        string="Appeal Deadline",
        compute="_compute_date_appeal_deadline",
        store=True,
        help="The date denied plus the payer's appeal limit (default 120 days, Medicare redetermination).",
    )
    days_left = fields.Integer(compute="_compute_days_left")
    age = fields.Integer(string="Age (days)", compute="_compute_days_left")
    priority = fields.Float(
        compute="_compute_priority",
        store=True,
        digits=(16, 2),
        help="Amount at stake per day left before the appeal deadline (at least one day); zero once the "
        "denial is worked. Recomputed every day.",
    )
    state = fields.Selection(DENIAL_STATES, default="new", required=True, readonly=True, tracking=True)
    date_closed = fields.Date(readonly=True, copy=False)
    close_reason = fields.Text(readonly=True, copy=False, tracking=True)
    close_note = fields.Text(
        string="Reason to Close", copy=False, help="Why the denial is closed: say it, then click Close."
    )

    @api.model_create_multi
    def create(self, vals_list):
        return super(MedicalDenial, check_workflow_create(self, vals_list, PROTECTED_FIELDS)).create(
            vals_list
        )

    def write(self, vals):
        check_workflow_write(self, vals, PROTECTED_FIELDS + SOURCE_FIELDS)
        return super().write(vals)

    def _check_biller(self):
        """The actions touching the claim or the books are the billers' (the front desk fixes the
        registration, then a biller resubmits)."""
        if not (self.env.su or self.env.user.has_group("medical_coding.medical_coding_group_biller")):
            raise AccessError(_("Only a biller may do this with a denial."))

    @api.onchange("claim_id")
    def _onchange_claim_id(self):
        """A denial entered by hand (a 277CA rejection, a phone call): the claim's payer and open balance."""
        if self.claim_id and not self.remittance_claim_id:
            self.payer_id = self.claim_id.payer_id
            self.amount = self.claim_id.amount_residual

    # ------------------------------------------------------------------ computes

    @api.depends("reason_code")
    def _compute_reason_id(self):
        codes = {(d.reason_code or "").strip().upper() for d in self} - {""}
        reasons = self.env["medical.adjustment.reason"].with_context(active_test=False).sudo()
        by_code = {r.code: r.id for r in reasons.search_fetch([("code", "in", list(codes))], ["code"])}
        for denial in self:
            denial.reason_id = by_code.get((denial.reason_code or "").strip().upper(), False)

    @api.depends("reason_id")
    def _compute_category(self):
        for denial in self:
            denial.category = denial.reason_id.sudo().category or "other"

    @api.depends("date_denied", "payer_id.denial_appeal_days")
    def _compute_date_appeal_deadline(self):
        for denial in self:
            days = denial.payer_id.denial_appeal_days or DEFAULT_APPEAL_DAYS
            denial.date_appeal_deadline = denial.date_denied and denial.date_denied + timedelta(days=days)

    @api.depends("date_denied", "date_appeal_deadline")
    def _compute_days_left(self):
        today = fields.Date.context_today(self)
        for denial in self:
            denial.days_left = (
                (denial.date_appeal_deadline - today).days if denial.date_appeal_deadline else 0
            )
            denial.age = (today - denial.date_denied).days if denial.date_denied else 0

    @api.depends("amount", "date_appeal_deadline", "state")
    def _compute_priority(self):
        today = fields.Date.context_today(self)
        for denial in self:
            if denial.state in DONE_STATES or not denial.date_appeal_deadline:
                denial.priority = 0.0
                continue
            days_left = max((denial.date_appeal_deadline - today).days, 1)
            denial.priority = round(denial.amount / days_left, 2)

    @api.model
    def _cron_update_priority(self):
        """Every day: one day less for every open denial, so its priority grows."""
        denials = self.search([("state", "not in", DONE_STATES)])
        self.env.add_to_compute(self._fields["priority"], denials)
        denials._recompute_recordset(["priority"])

    # ------------------------------------------------------------------ workflow

    def _check_state(self, allowed, action):
        wrong = self.filtered(lambda d: d.state not in allowed)
        if wrong:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(action)s: the denial of %(claim)s is %(state)s.",
                    action=action,
                    claim=wrong[0].claim_id.display_name,
                    state=states[wrong[0].state],
                )
            )

    @workflow_action
    def action_start(self):
        """Take the denial: in progress, assigned to the current user when nobody was."""
        self._check_state(("new",), _("Only a new denial can be started"))
        for denial in self:
            values = {"state": "in_progress"}
            if not denial.user_id:
                values["user_id"] = self.env.uid
            denial.write(values)
            if denial.date_appeal_deadline:
                denial.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=denial.date_appeal_deadline,
                    summary=_("Work the denial before the appeal deadline"),
                    user_id=denial.user_id.id,
                )
        return True

    def _deadline_activities(self):
        summary = _("Work the denial before the appeal deadline")
        return self.activity_ids.filtered(lambda a: a.summary == summary)

    def _move_deadline_activities(self):
        """The appeal deadlines moved (a payer's appeal limit changed): their activities move with them."""
        for denial in self.filtered("date_appeal_deadline"):
            activities = denial.sudo()._deadline_activities()
            if activities:
                activities.write({"date_deadline": denial.date_appeal_deadline})

    @workflow_action
    def action_resubmit(self):
        """Resubmit the claim as it is (a payer error): the claim goes back to ready, to be sent in the next
        837P batch, and the denial waits for the payer's answer."""
        self._check_biller()
        self._check_state(OPEN_STATES, _("Only a denial being worked can be resubmitted"))
        claims = self.claim_id.filtered(lambda c: c.state in ("denied", "partial"))
        claims.action_resubmit_as_is()
        self.write({"state": "resubmitted"})
        for denial in self:
            denial.message_post(
                body=_("Resubmitted as is: claim %s is ready to be sent again.", denial.claim_id.display_name)
            )
        return True

    @workflow_action
    def _mark_appealed(self):
        self._check_state((*OPEN_STATES, "appealed"), _("Only a denial being worked can be appealed"))
        self.write({"state": "appealed"})

    @workflow_action
    def action_won(self):
        """The payer paid after the resubmission or the appeal."""
        self._check_biller()
        self._check_state(WAITING_STATES, _("Only a resubmitted or appealed denial can be won"))
        self.write({"state": "won", "date_closed": fields.Date.context_today(self)})
        return True

    @workflow_action
    def action_lost(self):
        """The payer upheld its denial."""
        self._check_biller()
        self._check_state(WAITING_STATES, _("Only a resubmitted or appealed denial can be lost"))
        self.write({"state": "lost", "date_closed": fields.Date.context_today(self)})
        return True

    @workflow_action
    def action_close(self, reason=None):
        """Close the denial with a reason (no ledger effect); from the form, the reason typed in it."""
        self._check_biller()
        reason = reason or (self[:1].close_note if len(self) == 1 else None)
        if not (reason or "").strip():
            raise UserError(_("Say why the denial is closed."))
        self._check_state(
            (*OPEN_STATES, *WAITING_STATES, "transferred", "written_off", "lost"),
            _("This denial is already closed"),
        )
        self.write(
            {
                "state": "closed",
                "close_reason": reason.strip(),
                "date_closed": fields.Date.context_today(self),
            }
        )
        return True


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        result = super().write(vals)
        if "denial_appeal_days" in vals:
            denials = (
                self.env["medical.denial"]
                .sudo()
                .search([("payer_id", "in", self.ids), ("state", "not in", DONE_STATES)])
            )
            denials._move_deadline_activities()
        return result
