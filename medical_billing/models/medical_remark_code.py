# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Remittance advice remark codes (RARC) and their descriptions.

The suite ships the remarks a physician practice meets most (``data/medical_remark_code_data.xml``); the
full CMS / X12 list is loaded by the import (kind ``rarc-codes``), which updates the descriptions and
dates of the codes it lists and adds the others.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..edi import rarc_codes


def parse_rarc_tsv(data):
    """Rows of a RARC list file (see :func:`..edi.rarc_codes.parse_rarc_tsv`); a file that cannot be read
    raises a UserError naming the line."""
    try:
        return rarc_codes.parse_rarc_tsv(data)
    except rarc_codes.RarcListError as error:
        raise UserError(str(error)) from None


class MedicalRemarkCode(models.Model):
    _name = "medical.remark.code"
    _inherit = ["medical.code.list.mixin"]
    _description = "Remittance Advice Remark Code (RARC)"
    _order = "code"

    code = fields.Char(required=True, index=True, size=6)

    _sql_constraints = [("code_uniq", "unique(code)", "A remark code appears once.")]

    @api.model
    def _by_code(self, codes):
        """``{code: record}`` of the known codes among ``codes`` (archived ones too), in one search."""
        codes = [code for code in codes if code]
        if not codes:
            return {}
        records = self.with_context(active_test=False).search_fetch(
            [("code", "in", codes)], ["code", "description"]
        )
        return {record.code: record for record in records}

    @api.model
    def _code_list_created(self, rows):
        """The records (denials, remittance claims, lines, adjustments) naming a code new to the list gain
        its description."""
        self._recompute_remarks_explained({row["code"] for row in rows})

    @api.model
    def _recompute_remarks_explained(self, codes):
        """The records of every model explaining its remark codes (every practice's: the list is shared)
        that name one of ``codes`` link them now: one search per model."""
        for model_name in self._remark_explaining_models():
            Model = self.env[model_name].sudo().with_context(active_test=False)
            records = Model.search_fetch([("remark_codes", "!=", False)], ["remark_codes"]).filtered(
                lambda r: set(rarc_codes.split_remark_codes(r.remark_codes)) & codes
            )
            if records:
                self.env.add_to_compute(Model._fields["remark_code_ids"], records)
                records._recompute_recordset(["remark_code_ids"])

    @api.model
    def _remark_explaining_models(self):
        children = self.env.registry["medical.remark.explained.mixin"]._inherit_children
        return [name for name in children if not self.env.registry[name]._abstract]


class MedicalRemarkExplainedMixin(models.AbstractModel):
    """A record carrying the payer's remark codes (``remark_codes``, as received) links the codes of the list
    (``remark_code_ids``) for their descriptions."""

    _name = "medical.remark.explained.mixin"
    _description = "Remark Codes Explained"

    remark_codes = fields.Char(string="Remarks (RARC)")
    remark_code_ids = fields.Many2many(
        "medical.remark.code",
        string="Remarks Explained",
        compute="_compute_remark_code_ids",
        store=True,
        help="The remark codes (RARC) found in the remark code list, with their descriptions.",
    )

    @api.depends("remark_codes")
    def _compute_remark_code_ids(self):
        codes_of = {record: rarc_codes.split_remark_codes(record.remark_codes) for record in self}
        wanted = {code for codes in codes_of.values() for code in codes}
        known = self.env["medical.remark.code"].sudo()._by_code(wanted)
        for record, codes in codes_of.items():
            record.remark_code_ids = [Command.set([known[c].id for c in codes if c in known])]

    def _remark_explanations(self):
        """``[(code, description or False)]`` of the record's remark codes, in the payer's order."""
        self.ensure_one()
        codes = rarc_codes.split_remark_codes(self.remark_codes)
        known = self.env["medical.remark.code"].sudo()._by_code(codes)
        return [(code, known[code].description if code in known else False) for code in codes]
