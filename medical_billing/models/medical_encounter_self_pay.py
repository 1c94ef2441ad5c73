# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The self-pay services (not billed to the payer) invoiced to the patient, kept apart from the claims.
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.invoice_pricing import invoice_line_command

#: fields of an encounter line that cannot change once it is invoiced to the patient
SELF_PAY_LOCKED_FIELDS = frozenset(
    {
        "necessity_resolution",
        "self_pay_consent_date",
        "charge_amount",
        "units",
        "code_id",
        "encounter_id",
    }
)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    medical_encounter_procedure_id = fields.Many2one(
        "medical.encounter.procedure",
        string="Encounter Line",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        copy=False,
        check_company=True,
        help="The encounter line this journal item bills to the patient (a service the patient agreed to "
        "pay instead of the payer).",
    )


class MedicalEncounter(models.Model):
    _inherit = "medical.encounter"

    self_pay_invoice_ids = fields.One2many(
        "account.move",
        "medical_encounter_id",
        string="Self-Pay Invoices",
        domain=[("move_type", "in", ("out_invoice", "out_refund"))],
        groups="account.group_account_invoice",
    )
    self_pay_invoice_count = fields.Integer(
        compute="_compute_self_pay_invoice_count", groups="account.group_account_invoice"
    )

    @api.depends("self_pay_invoice_ids")
    def _compute_self_pay_invoice_count(self):
        for encounter in self:
            encounter.self_pay_invoice_count = len(encounter.self_pay_invoice_ids)

    def action_create_claims(self):
        """The claims to the payers, then the patient's invoice of the self-pay services. An encounter whose
        services are all self-pay gets no claim (nor needs a coverage): only the patient's invoice."""
        self_pay_only = self.filtered(
            lambda e: e.state == "checked"
            and e.procedure_ids
            and all(p.necessity_resolution == "self_pay" for p in e.procedure_ids)
        )
        to_claim = self - self_pay_only
        action = super(MedicalEncounter, to_claim).action_create_claims() if to_claim else True
        if self_pay_only:
            self_pay_only.company_id._medical_check_accounting()
            self_pay_only.action_mark_billed()
        invoices = self._bill_self_pay()
        if not to_claim and invoices:
            return self._self_pay_invoice_action(invoices)
        return action

    def _bill_self_pay(self):
        """Invoice to the patient (or guarantor) the self-pay lines of ``self`` not invoiced yet: one
        customer invoice per encounter on the patient journal, one line per service at its charge (the
        charge master's price, as on the claim), debit patient receivable, credit the service's income.
        Lines already on a live invoice are skipped: billing again does not bill twice. Returns the
        posted invoices."""
        Move = self.env["account.move"]
        procedures = self.procedure_ids.filtered(lambda p: p.necessity_resolution == "self_pay")
        to_bill = procedures - procedures._self_pay_invoice_lines().medical_encounter_procedure_id
        if not to_bill:
            return Move
        to_bill.encounter_id.company_id._medical_check_accounting()
        products = to_bill.code_id._get_service_products()
        vals_list = []
        encounters = self.browse()
        for encounter in self:
            lines = to_bill.filtered(lambda p, e=encounter: p.encounter_id == e).sorted(
                lambda p: (p.sequence, p.id)
            )
            if not lines:
                continue
            encounters |= encounter
            vals_list.append(encounter._prepare_self_pay_invoice_vals(lines, products))
        moves = Move.with_context(default_move_type="out_invoice").create(vals_list)
        moves.action_post()
        encounters._message_log_batch(
            {
                encounter.id: self.env._(
                    "Self-pay services invoiced to the patient (%(invoice)s).", invoice=move.name
                )
                for encounter, move in zip(encounters, moves, strict=True)
            }
        )
        return moves

    def _prepare_self_pay_invoice_vals(self, lines, products):
        self.ensure_one()
        company = self.company_id
        partner = self.patient_id.guarantor_id or self.patient_id
        return {
            "move_type": "out_invoice",
            "company_id": company.id,
            "journal_id": company.medical_patient_journal_id.id,
            "partner_id": partner.id,
            "invoice_date": self.date_service,
            "ref": self.name,
            "invoice_origin": self.name,
            "medical_encounter_id": self.id,
            "medical_receivable_account_id": company.medical_patient_receivable_account_id.id,
            "invoice_line_ids": [
                invoice_line_command(
                    line, products[line.code_id], line._self_pay_label(), "medical_encounter_procedure_id"
                )
                for line in lines
            ],
        }

    def _self_pay_invoice_action(self, invoices):
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        if len(invoices) == 1:
            action.update({"view_mode": "form", "views": [(False, "form")], "res_id": invoices.id})
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"create": False}
        return action

    def action_view_self_pay_invoices(self):
        self.ensure_one()
        invoices = self.self_pay_invoice_ids
        if not invoices:
            raise UserError(_("Encounter %(encounter)s has no self-pay invoice.", encounter=self.name))
        return self._self_pay_invoice_action(invoices)


class MedicalEncounterProcedure(models.Model):
    _inherit = "medical.encounter.procedure"

    def _self_pay_invoice_lines(self):
        """The journal items of the live invoices (not cancelled, not fully reversed) billing ``self`` to
        the patient. An integrity check: read whatever the user's accounting rights."""
        if not self.ids:
            return self.env["account.move.line"]
        return (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("medical_encounter_procedure_id", "in", self.ids),
                    ("move_id.move_type", "=", "out_invoice"),
                    ("parent_state", "!=", "cancel"),
                    ("move_id.payment_state", "!=", "reversed"),
                ]
            )
        )

    def _check_self_pay_not_invoiced(self):
        invoiced = self._self_pay_invoice_lines()
        if invoiced:
            item = invoiced[0]
            line = item.medical_encounter_procedure_id
            raise UserError(
                _(
                    "Encounter %(encounter)s: the self-pay service %(code)s is invoiced to the patient "
                    "(%(invoice)s); reverse the invoice with a credit note before changing or removing it.",
                    encounter=line.encounter_id.name,
                    code=line.code_id.code,
                    invoice=item.move_id.name,
                )
            )

    def write(self, vals):
        if SELF_PAY_LOCKED_FIELDS.intersection(vals):
            self._check_self_pay_not_invoiced()
        return super().write(vals)

    def unlink(self):
        self._check_self_pay_not_invoiced()
        return super().unlink()

    def _self_pay_label(self):
        self.ensure_one()
        encounter = self.encounter_id
        code = "-".join([self.code_id.code or "", *self._modifiers().mapped("code")])
        return f"{encounter.name} {code} x{self.units:g} DOS {encounter.date_service} (self-pay)"
