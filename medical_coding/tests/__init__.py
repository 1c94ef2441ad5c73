from . import test_encounter_edits
