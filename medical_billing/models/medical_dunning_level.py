# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dunning levels: per practice, how far past due a balance gets which message, by which channel, and which
level is the final notice (the one an account goes to collections after). A statement takes the level of its
oldest open charge; no level while the guarantor pays through an active payment plan."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

DUNNING_CHANNELS = [
    ("preference", "The Guarantor's Preference"),
    ("email", "E-mail"),
    ("portal", "Portal"),
    ("paper", "Paper"),
]


# The levels every practice starts with (English source; the .po files translate them).
DEFAULT_LEVELS = [
    {
        "sequence": 10,
        "name": _lt("Reminder"),
        "days_past_due": 30,
        "message": _lt("Your balance is past due. Please pay it or call us to discuss a payment plan."),
    },
    {
        "sequence": 20,
        "name": _lt("Second notice"),
        "days_past_due": 60,
        "message": _lt("Second notice: your balance is over 60 days past due. Please pay now or call us."),
    },
    {
        "sequence": 30,
        "name": _lt("Final notice"),
        "days_past_due": 90,
        "final_notice": True,
        "message": _lt(
            "Final notice: your balance is over 90 days past due. Unless it is paid or a payment plan "
            "is agreed, your account may be handed over to a collection agency."
        ),
    },
]
TRANSLATED = ("name", "message")


class MedicalDunningLevel(models.Model):
    _name = "medical.dunning.level"
    _description = "Patient Statement Dunning Level"
    _order = "company_id, days_past_due, sequence, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    name = fields.Char(required=True, translate=True)
    days_past_due = fields.Integer(
        required=True,
        help="The level applies when the guarantor's oldest open charge is more than this many days old.",
    )
    message = fields.Text(translate=True, help="Printed on the statement and in its e-mail.")
    channel = fields.Selection(
        DUNNING_CHANNELS,
        required=True,
        default="preference",
        help="How statements of this level go out. E-mail or portal to a guarantor without an e-mail "
        "address or consent goes on paper (noted on the statement).",
    )
    final_notice = fields.Boolean(
        help="The last notice: after it is sent, the account may be handed over to collections."
    )

    @api.constrains("days_past_due", "company_id", "active")
    def _check_days(self):
        for level in self:
            if level.days_past_due <= 0:
                raise ValidationError(
                    _("Dunning level %(name)s: the days past due are more than zero.", name=level.name)
                )
            if self.search_count(
                [
                    ("company_id", "=", level.company_id.id),
                    ("days_past_due", "=", level.days_past_due),
                    ("id", "!=", level.id),
                ]
            ):
                raise ValidationError(
                    _(
                        "Dunning level %(name)s: another level starts at %(days)s days.",
                        name=level.name,
                        days=level.days_past_due,
                    )
                )


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    medical_dunning_level_ids = fields.One2many(
        "medical.dunning.level", "company_id", string="Dunning Levels"
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._medical_create_dunning_levels()
        return companies

    def _medical_create_dunning_levels(self):
        """The default dunning levels of the companies that have none (even archived), in English and
        the installed languages."""
        Level = self.env["medical.dunning.level"].sudo().with_context(active_test=False, lang="en_US")
        have = set(Level.search([("company_id", "in", self.ids)]).company_id.ids)
        english = self.env(context=dict(self.env.context, lang="en_US"))
        pairs = [(company, source) for company in self if company.id not in have for source in DEFAULT_LEVELS]
        levels = Level.create(
            [
                dict(source, company_id=company.id, **{f: english._(source[f]) for f in TRANSLATED})
                for company, source in pairs
            ]
        )
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        for lang in langs:
            local = self.env(context=dict(self.env.context, lang=lang))
            for level, (_company, source) in zip(levels, pairs, strict=True):
                for fname in TRANSLATED:
                    level.update_field_translations(fname, {lang: local._(source[fname])})
        return levels

    def _medical_dunning_levels(self):
        """The company's active dunning levels, by days past due (the defaults created at first use)."""
        self.ensure_one()
        self._medical_create_dunning_levels()
        return self.env["medical.dunning.level"].sudo().search([("company_id", "=", self.id)])
