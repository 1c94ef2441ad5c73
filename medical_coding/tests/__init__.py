from . import test_encounter_edits
from . import test_partner
from . import test_encounter_lines
from . import test_security
from . import test_edit_import
from . import test_code_set_icd10cm
from . import test_code_set_import
from . import test_code_set_wizard
