# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import medical_copay_register
from . import medical_code_import
from . import medical_remittance_import
from . import medical_statement_run
from . import medical_patient_payment
from . import medical_patient_deposit_prepare
