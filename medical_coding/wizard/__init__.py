from . import medical_code_import
