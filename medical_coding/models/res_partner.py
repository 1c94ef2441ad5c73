# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..edits.npi import npi_error
from ..tools.counts import count_by

TAXONOMY_RE = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")
PHI_GROUPS = "medical_coding.medical_coding_group_front_desk"


def check_taxonomy(env, value):
    """Error sentence for a NUCC provider taxonomy code (10 characters ending in X, e.g. 207Q00000X)."""
    if value and not TAXONOMY_RE.match(value):
        return env._(
            "%(code)s is not a provider taxonomy code: 10 characters ending in X, like 207Q00000X.",
            code=value,
        )
    return None


class ResPartner(models.Model):
    """Patients, providers (rendering / referring / billing) and facilities are partners.

    A patient belongs to one practice (``company_id``): the base partner rule then hides it from the
    other practices, and its medical record number is unique within that practice.
    """

    _inherit = "res.partner"

    # Patient
    is_patient = fields.Boolean(string="Patient", index=True)
    birthdate = fields.Date(string="Birth Date", groups=PHI_GROUPS)
    gender = fields.Selection(
        [("f", "Female"), ("m", "Male"), ("u", "Unknown")],
        string="Administrative Sex",
        groups=PHI_GROUPS,
    )
    medical_record_number = fields.Char(copy=False, index="btree_not_null", groups=PHI_GROUPS)
    guarantor_id = fields.Many2one(
        "res.partner",
        compute="_compute_guarantor_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        help="Who pays the patient's share: the patient unless someone else is responsible.",
    )
    encounter_ids = fields.One2many("medical.encounter", "patient_id", string="Encounters")
    encounter_count = fields.Integer(compute="_compute_encounter_count")
    # Provider and facility
    is_provider = fields.Boolean(string="Provider", index=True)
    is_facility = fields.Boolean(string="Facility", index=True)
    npi = fields.Char(string="NPI", index="btree_not_null", help="National Provider Identifier, 10 digits.")
    taxonomy_code = fields.Char(help="NUCC provider taxonomy code, e.g. 207Q00000X (family medicine).")
    default_place_of_service_id = fields.Many2one(
        "medical.code",
        string="Default Place of Service",
        domain=[("system", "=", "pos")],
        ondelete="restrict",
    )

    _sql_constraints = [
        (
            "medical_record_number_company_uniq",
            "unique(company_id, medical_record_number)",
            "This medical record number is already used by another patient of the practice.",
        ),
    ]

    @api.depends("is_patient")
    def _compute_guarantor_id(self):
        for partner in self:
            if partner.is_patient and not partner.guarantor_id:
                origin = partner._origin
                if origin:
                    partner.guarantor_id = origin
                elif isinstance(partner.id, int):
                    partner.guarantor_id = partner

    def _compute_encounter_count(self):
        counts = count_by(self, "medical.encounter", "patient_id")
        for partner in self:
            partner.encounter_count = counts.get(partner._origin, 0)

    @api.constrains("npi")
    def _check_npi(self):
        for partner in self:
            if partner.npi and (error := npi_error(partner.npi)):
                raise ValidationError(_("%(partner)s: %(error)s", partner=partner.display_name, error=error))

    @api.constrains("taxonomy_code")
    def _check_taxonomy_code(self):
        for partner in self:
            if error := check_taxonomy(self.env, partner.taxonomy_code):
                raise ValidationError(error)

    @api.constrains("is_patient", "company_id")
    def _check_patient_company(self):
        if any(partner.is_patient and not partner.company_id for partner in self):
            raise ValidationError(_("A patient belongs to one practice: set the company of the patient."))

    @api.constrains("guarantor_id", "company_id")
    def _check_guarantor_company(self):
        self._check_partner_links_company(["guarantor_id"])

    def _check_partner_links_company(self, fnames):
        """Contacts check no company link by themselves: a linked contact of another practice is refused.

        The message names the field only, never the contacts (they may be patients)."""
        for partner in self.sudo():
            for fname in fnames:
                linked = partner[fname]
                if not linked:
                    continue
                domain = linked._check_company_domain(partner.company_id)
                if linked != linked.with_context(active_test=False).filtered_domain(domain):
                    raise ValidationError(
                        _(
                            "%(field)s belongs to another practice.",
                            field=partner._fields[fname]._description_string(self.env),
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("npi"):
                vals["npi"] = vals["npi"].strip()
            if vals.get("is_patient"):
                vals.setdefault("company_id", self.env.company.id)
                if not vals.get("medical_record_number"):
                    vals["medical_record_number"] = (
                        self.env["ir.sequence"].sudo().next_by_code("medical.patient.mrn")
                    )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("npi"):
            vals["npi"] = vals["npi"].strip()
        if vals.get("is_patient"):
            without_company = self.filtered(lambda p: not p.company_id and "company_id" not in vals)
            if without_company:
                without_company.write({"company_id": self.env.company.id})
        return super().write(vals)

    def _medical_missing_claim_data(self):
        """What this patient lacks for a claim, as a list of labels (no personal value in them)."""
        self.ensure_one()
        return list(self._medical_missing_claim_data_map()[self.id])

    def _medical_missing_claim_data_map(self):
        """``{partner id: (missing labels)}`` for all of ``self`` in one read."""
        labels = {
            "street": _("street"),
            "city": _("city"),
            "state_id": _("state"),
            "zip": _("ZIP code"),
            "birthdate": _("birth date"),
            "gender": _("administrative sex"),
        }
        rows = self.sudo().read(list(labels), load=None)
        return {row["id"]: tuple(label for fname, label in labels.items() if not row[fname]) for row in rows}

    def action_view_encounters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("medical_coding.medical_encounter_action")
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {"default_patient_id": self.id}
        return action
