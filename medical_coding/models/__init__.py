# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import medical_company_check
from . import medical_code
from . import medical_importer
from . import medical_import_log
from . import medical_import_progress
from . import res_partner
from . import res_company
from . import medical_encounter
from . import medical_encounter_line_mixin
from . import medical_encounter_procedure
from . import medical_encounter_diagnosis
from . import medical_edit_finding
from . import medical_ncci_edit
from . import medical_mue
from . import medical_coverage_policy
from . import medical_importer_policy
from . import medical_encounter_necessity
from . import medical_quality_measure
from . import medical_encounter_quality
from . import medical_importer_quality
from . import medical_quality_report
