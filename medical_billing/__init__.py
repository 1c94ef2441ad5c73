from . import models
from . import wizard
from . import report
from . import cli
from .hooks import post_init_hook
