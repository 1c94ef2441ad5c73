# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Run the benchmark modules ``tools/bench/bench_*.py`` against an Odoo database.

    python tools/bench/run.py --addons-path=... -d DB [NAME_FILTER ...]

Each module defines ``run(env)`` and reports its figures with :func:`report` (importable as
``from run import report``, the runner's folder being on ``sys.path``); it may set ``ORDER`` (default
50) to run before the others fill the database. ``env`` is a superuser environment on its own cursor;
the module may commit (the database is a throwaway one). A module that fails is reported and the others
still run; the exit code is then 1.
"""

import argparse
import importlib.util
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def report(name, value, unit, baseline):
    """Print one figure: ``BENCH <name> <value> <unit> baseline=<value> ratio=<value>``."""
    ratio = value / baseline if baseline else float("inf")
    line = f"BENCH {name} {value:.4g} {unit} baseline={baseline:.4g} ratio={ratio:.3g}"
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return line


def timed(function, *args, **kwargs):
    """``(seconds, result)`` of one call."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def create_patients(quiet, company, count):
    """``count`` patients of ``company`` with the address and birth data a claim needs."""
    state = quiet.ref("base.state_us_5")
    return quiet["res.partner"].create(
        [
            {
                "name": f"Bench Patient {n}",
                "is_patient": True,
                "birthdate": "1970-01-01",
                "gender": "f",
                "street": "1 Bench Street",
                "city": "Sacramento",
                "state_id": state.id,
                "zip": "95814",
                "company_id": company.id,
            }
            for n in range(count)
        ]
    )


def create_provider(quiet):
    """The rendering provider of the bench claims."""
    return quiet["res.partner"].create({"name": "Bench Provider", "is_provider": True, "npi": "1234567893"})


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("filters", nargs="*", help="run only the modules whose name holds one of these")
    options = parser.parse_args(argv)

    import odoo
    from odoo.tools import config

    config.parse_config([f"--addons-path={options.addons_path}", "-d", options.database, "--log-level=warn"])
    sys.path.insert(0, str(HERE))
    sys.modules.setdefault("run", sys.modules[__name__])
    registry = odoo.modules.registry.Registry(options.database)
    failed = 0
    modules = []
    for path in sorted(HERE.glob("bench_*.py")):
        if options.filters and not any(f in path.stem for f in options.filters):
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception:
            failed += 1
            sys.stdout.write(f"BENCH-FAILED {path.stem}\n")
            traceback.print_exc()
            continue
        modules.append(module)
    # a module may set ORDER (default 50) when it needs to run before the others fill the database
    for module in sorted(modules, key=lambda m: (getattr(m, "ORDER", 50), m.__name__)):
        try:
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                module.run(env)
        except Exception:
            failed += 1
            sys.stdout.write(f"BENCH-FAILED {module.__name__}\n")
            traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
