# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class MedicalCopayRegister(models.TransientModel):
    """Collect a copay at the visit: a journal entry charging it to the patient and its payment, reconciled.

    A copay is a prepayment of the patient's share: the claim still bills the payer the gross charge, so
    the copay is credited to the Copays Received account until the adjudication states what it settles. It
    is no sale: an entry (debit patient receivable, credit copays received), not a sales invoice, so it
    stays out of the sales analysis.
    """

    _name = "medical.copay.register"
    _description = "Collect Copay"
    _check_company_auto = True

    encounter_id = fields.Many2one("medical.encounter", required=True, readonly=True)
    company_id = fields.Many2one(related="encounter_id.company_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    patient_id = fields.Many2one(related="encounter_id.patient_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Paid By",
        check_company=True,
        compute="_compute_partner_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Who is invoiced and pays: the patient's guarantor.",
    )
    amount = fields.Monetary(
        compute="_compute_amount", store=True, precompute=True, readonly=False, required=True
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Payment Journal",
        required=True,
        check_company=True,
        domain="[('type', 'in', ('cash', 'bank'))]",
        compute="_compute_journal_id",
        store=True,
        precompute=True,
        readonly=False,
    )
    payment_method_line_id = fields.Many2one(
        "account.payment.method.line",
        string="Payment Method",
        compute="_compute_payment_method_line_id",
        store=True,
        precompute=True,
        readonly=False,
        domain="[('journal_id', '=', journal_id), ('payment_type', '=', 'inbound')]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    memo = fields.Char()

    @api.depends("patient_id")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard.patient_id.guarantor_id or wizard.patient_id

    @api.depends("encounter_id")
    def _compute_amount(self):
        for wizard in self:
            coverages = wizard.encounter_id._get_primary_coverages()
            coverage = coverages.get(wizard.encounter_id.id)
            wizard.amount = coverage.copay_amount if coverage else 0.0

    @api.depends("company_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = self.env["account.journal"].search(
                [
                    *self.env["account.journal"]._check_company_domain(wizard.company_id),
                    ("type", "=", "cash"),
                ],
                limit=1,
            ) or self.env["account.journal"].search(
                [
                    *self.env["account.journal"]._check_company_domain(wizard.company_id),
                    ("type", "=", "bank"),
                ],
                limit=1,
            )

    @api.depends("journal_id")
    def _compute_payment_method_line_id(self):
        for wizard in self:
            wizard.payment_method_line_id = wizard.journal_id.inbound_payment_method_line_ids[:1]

    def action_confirm(self):
        """Post the copay entry and its payment, reconcile them; returns the entry."""
        self.ensure_one()
        if self.currency_id.compare_amounts(self.amount, 0) <= 0:
            raise UserError(_("Enter the copay amount collected."))
        if self.encounter_id.state == "cancel":
            raise UserError(_("The encounter is cancelled."))
        company = self.company_id
        company._medical_check_accounting()
        invoice = self._create_copay_entry()
        payment = self._create_payment(invoice)
        receivable = company.medical_patient_receivable_account_id
        (invoice.line_ids + payment.move_id.line_ids).filtered(
            lambda ln: ln.account_id == receivable and not ln.reconciled
        ).reconcile()
        self.encounter_id.message_post(
            body=_("Copay of %(amount)s collected (%(invoice)s).", amount=self.amount, invoice=invoice.name)
        )
        return invoice.get_formview_action()

    def _create_copay_entry(self):
        company = self.company_id
        encounter = self.encounter_id
        label = _("Copay, visit %(visit)s of %(date)s", visit=encounter.name, date=encounter.date_service)
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "company_id": company.id,
                    "journal_id": company._medical_transfer_journal().id,
                    "partner_id": self.partner_id.id,
                    "date": self.date,
                    "ref": self.memo or encounter.name,
                    "medical_encounter_id": encounter.id,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": company.medical_patient_receivable_account_id.id,
                                "partner_id": self.partner_id.id,
                                "debit": self.amount,
                                "credit": 0.0,
                            }
                        ),
                        Command.create(
                            {
                                "name": label,
                                "account_id": company.medical_copay_account_id.id,
                                "partner_id": self.partner_id.id,
                                "debit": 0.0,
                                "credit": self.amount,
                            }
                        ),
                    ],
                }
            )
        )
        move.action_post()
        return move

    def _create_payment(self, invoice):
        company = self.company_id
        method_line = self.payment_method_line_id or self.journal_id.inbound_payment_method_line_ids[:1]
        if not method_line:
            raise UserError(_("The journal %s has no incoming payment method.", self.journal_id.name))
        payment = (
            self.env["account.payment"]
            .with_company(company)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.partner_id.id,
                    "company_id": company.id,
                    "amount": self.amount,
                    "currency_id": self.currency_id.id,
                    "date": self.date,
                    "journal_id": self.journal_id.id,
                    "payment_method_line_id": method_line.id,
                    "destination_account_id": company.medical_patient_receivable_account_id.id,
                    "memo": invoice.name,
                }
            )
        )
        payment.action_post()
        return payment
