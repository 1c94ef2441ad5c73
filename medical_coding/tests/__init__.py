from . import test_encounter_edits
from . import test_partner
from . import test_encounter_lines
from . import test_security
from . import test_edit_import
