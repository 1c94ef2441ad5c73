from . import medical_import
