# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Building remittances (``medical.remittance``) from a read 835, and matching them to our claims.

Everything is checked before anything is written: balancing, the payee (one of the user's practices), the
payer, a payment imported before. Then each transaction becomes a draft remittance whose claims are matched
(CLP01 to our claim number, then the payer claim number; SVC to the claim line by REF*6R, else by code,
modifiers, date and charge). What does not match becomes an exception for the biller.
"""

import re

import psycopg2.errors

from odoo import Command, _, api, models

from odoo.addons.medical_coding.models.workflow import workflow_action

from .. import edi
from ..edi.remit_rules import CLAIM_STATUSES
from ..tools.person_name import split_person_name
from .medical_remittance import PAYMENT_METHODS

PAYMENT_METHOD_CODES = {code for code, _label in PAYMENT_METHODS}
# Claim states in which a payer may pay, deny or reverse a claim.
PAYABLE_STATES = ("submitted", "accepted", "rejected", "paid", "partial", "denied", "closed")


def _money(value):
    return float(value) if value is not None else 0.0


def _digits(value):
    return re.sub(r"[^0-9A-Za-z]", "", value or "").upper()


class MedicalRemittance(models.Model):
    # One file per concern of the remittance (see medical_remittance.py), merged by Odoo into one model.
    _inherit = "medical.remittance"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ checks before writing

    @api.model
    def _835_plan(self, parsed, refuse):
        """[(transaction, company, payer)] of a read 835, or ``refuse(reason)`` raised for the first problem.

        Nothing is written here: a refused file leaves no trace but its history record.
        """
        plans = []
        seen = set()
        for transaction in parsed.transactions:
            errors = edi.balance_errors(transaction)
            if errors:
                raise refuse(_("%(error)s (the remittance does not balance).", error=errors[0]))
            where = _(
                "segment %(pos)s (ST %(number)s)", pos=transaction.position, number=transaction.control_number
            )
            if not transaction.trace_number or not transaction.trace_payer_id:
                raise refuse(_("%(where)s: the payment has no trace number (TRN02, TRN03).", where=where))
            company = self._835_company(transaction)
            if not company:
                raise refuse(
                    _(
                        "%(where)s: the payee %(qualifier)s %(id)s is none of the practices you may post for "
                        "(their billing NPI or tax id).",
                        where=where,
                        qualifier=transaction.payee_id_qualifier,
                        id=transaction.payee_identifier,
                    )
                )
            key = (company.id, transaction.trace_payer_id, transaction.trace_number)
            earlier = self.sudo().search(
                [
                    ("company_id", "=", company.id),
                    ("trace_payer_id", "=", transaction.trace_payer_id),
                    ("trace_number", "=", transaction.trace_number),
                ],
                limit=1,
            )
            if earlier or key in seen:
                raise refuse(
                    _(
                        "%(where)s: payment %(trace)s from %(payer)s was already imported%(when)s.",
                        where=where,
                        trace=transaction.trace_number,
                        payer=transaction.trace_payer_id,
                        when=_(" (remittance #%s)", earlier.id) if earlier else "",
                    )
                )
            seen.add(key)
            payer = self._835_payer(transaction, company)
            if not payer:
                raise refuse(
                    _(
                        "%(where)s: the payer %(name)s (id %(id)s) is not one of your payers, and none of "
                        "the claims it pays is ours: set its payer id, or check the file.",
                        where=where,
                        name=transaction.payer_name,
                        id=self._835_payer_ids(transaction)[:1] or "-",
                    )
                )
            plans.append((transaction, company, payer))
        return plans

    @api.model
    def _835_company(self, transaction):
        """The practice the payee (N1*PE) names, among the companies the user works in."""
        wanted = _digits(transaction.payee_identifier)
        tax_ids = {_digits(value) for qualifier, value in transaction.payee_references if qualifier == "TJ"}
        companies = self.env.companies.sorted(lambda c: c != self.env.company)
        for company in companies:
            npis = {_digits(company.medical_billing_npi), _digits(company.partner_id.npi)} - {""}
            tin = _digits(company.medical_tax_id)
            if transaction.payee_id_qualifier == "XX" and wanted in npis:
                return company
            if transaction.payee_id_qualifier == "FI" and tin and wanted == tin:
                return company
            if tin and tin in tax_ids:
                return company
        return self.env["res.company"]

    @api.model
    def _835_payer_ids(self, transaction):
        ids = [value for qualifier, value in transaction.payer_references if qualifier == "2U"]
        ids += [transaction.payer_identifier, transaction.trace_payer_id]
        return [value.strip() for value in ids if value and value.strip()]

    @api.model
    def _835_payer(self, transaction, company):
        """The payer partner: by payer id, else by name, else the one payer of the claims it pays."""
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        base = [("is_payer", "=", True), ("company_id", "in", [False, company.id])]
        ids = self._835_payer_ids(transaction)
        if ids:
            payer = Partner.search([*base, ("payer_code", "in", ids)], limit=1)
            if payer:
                return payer
        if transaction.payer_name:
            payer = Partner.search([*base, ("name", "=ilike", transaction.payer_name.strip())], limit=1)
            if payer:
                return payer
        pcns = [claim.patient_control_number for claim in transaction.claims]
        claims = self.env["medical.claim"].search(
            [("company_id", "=", company.id), ("patient_control_number", "in", pcns)]
        )
        return claims.payer_id if len(claims.payer_id) == 1 else Partner.browse()

    # ------------------------------------------------------------------ building

    @api.model
    def _create_from_835(self, parsed, refuse, attachment=None):
        """Draft remittances of a read 835 (one per transaction), their claims matched; or refuse it."""
        plans = self._835_plan(parsed, refuse)
        vals_list = []
        for transaction, company, payer in plans:
            vals = self._835_values(transaction, company, payer)
            if attachment:
                vals["attachment_id"] = attachment.id
            vals_list.append(vals)
        remittances = self._create_remittances(vals_list, refuse)
        remittances.claim_ids._match_claims()
        return remittances

    @api.model
    def _create_remittances(self, vals_list, refuse):
        """Create the remittances; another user importing the same payment at the same moment makes the
        database refuse the second (unique trace number): that becomes a refusal, not a second posting."""
        try:
            with self.env.cr.savepoint():
                remittances = self.create(vals_list)
                self.env.flush_all()
        except (psycopg2.errors.UniqueViolation, psycopg2.errors.SerializationFailure):
            traces = ", ".join(vals["trace_number"] for vals in vals_list)
            raise refuse(
                _("payment %(traces)s was imported by another user at the same moment.", traces=traces)
            ) from None
        return remittances

    @api.model
    def _835_values(self, transaction, company, payer):
        amount = _money(transaction.amount)
        return {
            "company_id": company.id,
            "payer_id": payer.id,
            "payer_name": transaction.payer_name,
            "payer_identifier": (self._835_payer_ids(transaction) or [""])[0],
            "payee_id_qualifier": transaction.payee_id_qualifier,
            "payee_identifier": transaction.payee_identifier,
            "trace_number": transaction.trace_number,
            "trace_payer_id": transaction.trace_payer_id,
            "transaction_control_number": transaction.control_number,
            "amount": -amount if transaction.credit_debit == "D" else amount,
            "payment_method": transaction.method if transaction.method in PAYMENT_METHOD_CODES else False,
            "date_payment": transaction.date_payment,
            "date_production": transaction.date_production,
            "claim_ids": [
                Command.create(self._835_claim_values(index, claim))
                for index, claim in enumerate(transaction.claims, start=1)
            ],
            "provider_adjustment_ids": [
                Command.create(
                    {
                        "position": plb.position,
                        "provider_identifier": plb.provider_identifier,
                        "date_fiscal": plb.date_fiscal,
                        "reason_code": plb.reason,
                        "reference": plb.reference,
                        "amount": _money(plb.amount),
                    }
                )
                for plb in transaction.provider_adjustments
            ],
        }

    @api.model
    def _835_claim_values(self, index, claim):
        patient = claim.patient
        dates = dict(claim.dates)
        return {
            "sequence": index,
            "position": claim.position,
            "header_number": claim.header_number,
            "patient_control_number": claim.patient_control_number,
            "status_code": claim.status if claim.status in CLAIM_STATUSES else False,
            "charge_amount": _money(claim.charge),
            "paid_amount": _money(claim.paid),
            "patient_amount": _money(claim.patient_responsibility),
            "filing_indicator": claim.filing_indicator,
            "payer_claim_control_number": claim.payer_claim_control_number,
            "facility_code": claim.facility_code,
            "frequency_code": claim.frequency,
            "drg_code": claim.drg,
            "patient_name": " ".join(
                part for part in (patient.last_name, patient.first_name, patient.middle_name) if part
            )
            if patient
            else False,
            "member_id": patient.identifier if patient else False,
            "rendering_npi": claim.rendering.identifier if claim.rendering else False,
            "crossover_carrier": claim.crossover_carrier.last_name if claim.crossover_carrier else False,
            "remark_codes": ",".join(claim.remarks) or False,
            "date_statement_start": dates.get("232"),
            "date_statement_end": dates.get("233"),
            "adjustment_ids": [
                Command.create(_adjustment_values(adj, claim.remarks)) for adj in claim.adjustments
            ],
            "line_ids": [
                Command.create(
                    {
                        "sequence": number,
                        "position": svc.position,
                        "qualifier": svc.qualifier,
                        "procedure_code": svc.code,
                        "modifiers": ",".join(svc.modifiers) or False,
                        "original_code": svc.original_code or False,
                        "revenue_code": svc.revenue_code or False,
                        "units": float(svc.units or 1),
                        "charge_amount": _money(svc.charge),
                        "paid_amount": _money(svc.paid),
                        "allowed_amount": _money(svc.allowed),
                        "date_service": svc.date_start or dates.get("232"),
                        "date_service_end": svc.date_end or svc.date_start or dates.get("233"),
                        "line_control_number": svc.line_control_number or False,
                        "remark_codes": ",".join(svc.remarks) or False,
                        "svc_adjustments": [_adjustment_values(adj, svc.remarks) for adj in svc.adjustments],
                    }
                )
                for number, svc in enumerate(claim.services, start=1)
            ],
        }


def _adjustment_values(adj, remarks=()):
    """An adjustment (CAS triplet) with the remark codes (RARC) of its line (LQ*HE) or claim (MIA / MOA)."""
    return {
        "group_code": adj.group,
        "reason_code": adj.reason,
        "amount": _money(adj.amount),
        "quantity": _money(adj.quantity),
        "remark_codes": ",".join(remarks) or False,
    }


class MedicalRemittanceLine(models.Model):
    _inherit = "medical.remittance.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        """``svc_adjustments`` (a list of adjustment values) become adjustments of the line and its claim."""
        pending = [vals.pop("svc_adjustments", []) for vals in vals_list]
        lines = super().create(vals_list)
        values = [
            {**adj, "line_id": line.id, "remittance_claim_id": line.remittance_claim_id.id}
            for line, adjustments in zip(lines, pending, strict=True)
            for adj in adjustments
        ]
        if values:
            self.env["medical.remittance.adjustment"].create(values)
        return lines


class MedicalRemittanceClaim(models.Model):
    _inherit = "medical.remittance.claim"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ matching

    @workflow_action
    def _match_claims(self):
        """Match each remittance claim to our claim and its lines, or make it an exception (with the reason).

        Batched: one search for the claims of all, by claim number, then by payer claim number.
        """
        if not self:
            return
        Claim = self.env["medical.claim"]
        companies = self.company_id
        by_pcn = {}
        by_payer_number = {}
        for claim in Claim.search(
            [
                ("company_id", "in", companies.ids),
                ("patient_control_number", "in", list(set(self.mapped("patient_control_number")))),
            ]
        ):
            by_pcn[(claim.company_id.id, claim.patient_control_number)] = claim
        numbers = [n for n in set(self.mapped("payer_claim_control_number")) if n]
        if numbers:
            for claim in Claim.search(
                [("company_id", "in", companies.ids), ("payer_claim_control_number", "in", numbers)],
                order="id desc",
            ):
                by_payer_number.setdefault((claim.company_id.id, claim.payer_claim_control_number), claim)
        taken = set()
        for rclaim in self.sorted(lambda r: (r.remittance_id.id, r.sequence)):
            company = rclaim.company_id.id
            claim = by_pcn.get((company, rclaim.patient_control_number)) or by_payer_number.get(
                (company, rclaim.payer_claim_control_number), Claim
            )
            reason = rclaim._match_problem(claim, taken)
            if reason:
                rclaim.write({"match_state": "exception", "exception_reason": reason, "claim_id": claim.id})
                continue
            lines_reason = rclaim._match_lines(claim)
            if lines_reason:
                rclaim.write(
                    {"match_state": "exception", "exception_reason": lines_reason, "claim_id": claim.id}
                )
                continue
            if not rclaim.is_reversal:
                taken.add((rclaim.remittance_id.id, claim.id))
            rclaim.write({"match_state": "matched", "exception_reason": False, "claim_id": claim.id})

    def _match_problem(self, claim, taken):
        """Why ``claim`` cannot take this remittance claim (no patient data in the text), or None."""
        self.ensure_one()
        if not claim:
            return _("No claim of the practice has number %s.", self.patient_control_number)
        if claim.state not in PAYABLE_STATES:
            return _(
                "Claim %(claim)s is %(state)s: it was not sent to the payer, or it was replaced or voided.",
                claim=claim.patient_control_number,
                state=dict(claim._fields["state"]._description_selection(self.env))[claim.state],
            )
        if (self.remittance_id.id, claim.id) in taken:
            return _(
                "Claim %s is already paid by another claim of this remittance: pick the claim this one pays.",
                claim.patient_control_number,
            )
        if claim.payer_id != self.payer_id:
            return _("Claim %s was billed to another payer.", claim.patient_control_number)
        if self.patient_name and claim.patient_id.name:
            last = split_person_name(claim.patient_id.name)[0].upper()
            if last and self.patient_name.split(" ")[0].upper() != last:
                return _(
                    "The patient of the remittance is not the patient of claim %s.",
                    claim.patient_control_number,
                )
        billed = claim.secondary_claim_ids.filtered(
            lambda c: c.state not in ("draft", "cancel", "replaced", "voided") and c.frequency != "8"
        )
        if billed:
            return _(
                "Claim %(claim)s was already billed to the next payer on claim %(next)s: apply this by hand.",
                claim=claim.patient_control_number,
                next=billed[0].patient_control_number,
            )
        if self.is_reversal and not self._reversed_payment(claim):
            return _(
                "Claim %s has no posted payment for this reversal to take back.", claim.patient_control_number
            )
        return None

    def _reversed_payment(self, claim):
        """The latest posted, not yet reversed, payment of ``claim`` by this payer (for a reversal)."""
        return self.search(
            [
                ("claim_id", "=", claim.id),
                ("match_state", "=", "matched"),
                ("remittance_id.state", "=", "posted"),
                ("is_reversal", "=", False),
                ("reversed_by_id", "=", False),
                ("id", "!=", self.id),
            ],
            order="date_payment desc, id desc",
            limit=1,
        )

    def _match_lines(self, claim, keep=None):
        """Match the service lines to the claim's lines (``keep``: lines already matched by hand); the reason
        when one does not match, else None."""
        self.ensure_one()
        keep = keep or self.line_ids.browse()
        free = claim.line_ids.sorted(lambda ln: (ln.sequence, ln.id)) - keep.claim_line_id
        matches = []
        for rline in self.line_ids.sorted("sequence") - keep:
            line = rline._find_claim_line(free, claim)
            if not line:
                return _(
                    "Service line %(number)s (segment %(pos)s) matches no line of claim %(claim)s.",
                    number=rline.sequence,
                    pos=rline.position,
                    claim=claim.patient_control_number,
                )
            free -= line
            matches.append((rline, line))
        for rline, line in matches:
            if rline.claim_line_id != line:
                rline.claim_line_id = line
        return None


class MedicalRemittanceLineMatch(models.Model):
    _inherit = "medical.remittance.line"  # pylint: disable=consider-merging-classes-inherited

    def _find_claim_line(self, candidates, claim):
        """The claim line this service line pays: by REF*6R, else by code, modifiers, date and charge."""
        self.ensure_one()
        if self.line_control_number:
            line = candidates.filtered(lambda ln: ln.line_control_number == self.line_control_number)[:1]
            if line:
                return line
        code = (self.original_code or self.procedure_code or "").upper()
        modifiers = set(filter(None, (self.modifiers or "").split(",")))
        start = claim.date_service
        end = claim.date_service_end or start
        currency = claim.currency_id
        for line in candidates:
            if (line.code_id.code or "").upper() != code:
                continue
            if set(line._modifiers().mapped("code")) != modifiers:
                continue
            if self.date_service and not (start <= self.date_service <= end):
                continue
            # a reversal (CLP02 22) reports the charge negative
            if currency.compare_amounts(line.charge_amount, abs(self.charge_amount)):
                continue
            return line
        return candidates.browse()
