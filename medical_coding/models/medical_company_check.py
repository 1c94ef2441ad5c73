# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models
from odoo.exceptions import UserError

#: models whose display name is a reference (never a person's name): it may appear in a message
REFERENCE_NAMED = {"medical.encounter", "medical.claim", "medical.claim.batch"}


def _outside(linked, company):
    """True when one of the ``linked`` records may not be linked from a record of ``company`` (Odoo's test
    in its company check)."""
    if not linked:
        return False
    domain = linked._check_company_domain(company)
    return bool(domain) and linked != linked.with_context(active_test=False).filtered_domain(domain)


class MedicalCompanyCheckMixin(models.AbstractModel):
    """Company walls of the medical records.

    Odoo's company check refuses a link to a record of another company, but its message quotes that
    record's name (another practice's patient) and ours, and every UserError is logged. Here the message
    names the record by reference and the fields by label only.
    """

    _name = "medical.company.check.mixin"
    _description = "Practice Walls of Medical Records"

    def _check_company(self, fnames=None):
        try:
            if self._medical_links_consistent(fnames):
                return None
            return super()._check_company(fnames)
        except UserError:
            foreign = self._medical_foreign_links(fnames)
            if not foreign:
                raise
            raise UserError(self._medical_foreign_links_message(foreign)) from None

    def _medical_checked_fields(self, fnames=None, company_dependent=False):
        """The company-checked links among ``fnames`` (all of them when None or when the company changes),
        as Odoo's check picks them: the regular ones, or the ``company_dependent`` ones."""
        if fnames is None or {"company_id", "company_ids"} & set(fnames):
            fnames = self._fields
        return [
            name
            for name in fnames
            if self._fields[name].relational
            and self._fields[name].check_company
            and bool(self._fields[name].company_dependent) == company_dependent
        ]

    def _medical_links_consistent(self, fnames=None):
        """True when every company-checked link of ``self`` is within its record's company, checked per
        company and field rather than per record and field as Odoo does: the same verdict (the allowed
        companies of a linked record depend on the linking record's company only), for a fraction of the
        work on a large batch (the coding check creates thousands of findings at once). False, and Odoo's
        own check decides and names the faults, when a link fails or a field is company-dependent."""
        if len(self) < 2 or "company_id" not in self._fields:
            return False
        if self._medical_checked_fields(fnames, company_dependent=True):
            return False
        names = self._medical_checked_fields(fnames)
        return not any(
            _outside(records[name], company)
            for company, records in self.sudo().grouped("company_id").items()
            for name in names
        )

    def _medical_reference(self):
        """How a message names this record: its reference, else its kind and id."""
        self.ensure_one()
        if self._name in REFERENCE_NAMED and self.display_name:
            return self.display_name
        return f"{self._description} #{self.id}"

    def _medical_foreign_links(self, fnames=None):
        """``[(record, field name)]`` of the company-checked links to records of another company."""
        names = self._medical_checked_fields(fnames)
        foreign = []
        for record in self.sudo():
            foreign += [(record, name) for name in names if _outside(record[name], record.company_id)]
        return foreign

    def _medical_foreign_links_message(self, foreign):
        lines = [_("These links must stay within the record's practice:")]
        for record, name in foreign[:5]:
            lines.append(
                _(
                    "- %(record)s: %(field)s belongs to another practice.",
                    record=record._medical_reference(),
                    field=record._fields[name]._description_string(self.env),
                )
            )
        return "\n".join(lines)
