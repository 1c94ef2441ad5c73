# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import medical_claim_cms1500
from . import medical_remittance_eob
from . import medical_denial_rate_report
from . import medical_denial_rates
