from odoo import api, fields, models

SYSTEMS = [
    ("icd10cm", "ICD-10-CM"),
    ("hcpcs", "HCPCS Level II"),
    ("cpt", "CPT"),
    ("modifier", "Modifier"),
    ("pos", "Place of Service"),
]


class MedicalCode(models.Model):
    """One code of any code system: diagnoses, procedures, modifiers, places of service.

    ``code`` is canonical (no dot); ICD-10-CM codes are displayed with their dot.
    """

    _name = "medical.code"
    _description = "Medical Code"
    _order = "system, code"
    _rec_names_search = ["code", "display_code", "name"]

    code = fields.Char(required=True, index=True)
    display_code = fields.Char(
        compute="_compute_display_code", store=True, help="The code as people write it (ICD-10-CM with its dot)."
    )
    name = fields.Char(string="Short Description", required=True)
    description = fields.Text(string="Long Description")
    system = fields.Selection(SYSTEMS, required=True, index=True)
    billable = fields.Boolean(
        default=True, help="ICD-10-CM: only leaf codes can be billed. Other systems: always billable."
    )
    parent_id = fields.Many2one("medical.code", string="Parent", index=True, ondelete="restrict")
    child_ids = fields.One2many("medical.code", "parent_id", string="Children")
    level = fields.Selection(
        [("chapter", "Chapter"), ("block", "Block"), ("category", "Category"), ("code", "Code")],
        help="ICD-10-CM hierarchy level.",
    )
    date_start = fields.Date(string="Effective From")
    date_end = fields.Date(string="Effective Until")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_system_uniq", "unique(system, code)", "A code exists only once per code system."),
    ]

    @api.depends("code", "system")
    def _compute_display_code(self):
        for rec in self:
            rec.display_code = format_code(rec.system, rec.code)

    @api.depends("display_code", "name")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = f"{rec.display_code or rec.code} {rec.name or ''}".strip()

    def is_valid_on(self, date):
        """True when the code is in force on ``date`` (a date of service)."""
        self.ensure_one()
        return (not self.date_start or self.date_start <= date) and (not self.date_end or date <= self.date_end)


def format_code(system, code):
    """ICD-10-CM codes carry a dot after the category (3rd character); other systems do not."""
    if system == "icd10cm" and code and len(code) > 3 and "-" not in code:
        return f"{code[:3]}.{code[3:]}"
    return code
