# Medical coding and billing for Odoo 18: the project's commands.
.PHONY: demo test fuzz bench lint pot

demo:  ## create or update the medical_demo database and serve Odoo on http://localhost:8069
	bash tools/demo.sh

test:  ## install both addons with their tests on a throwaway database, then run tests/ with pytest
	bash tools/test.sh

fuzz:  ## feed every file reader 10,000+ mutated real files (hypothesis): only its own errors, in bounded time
	bash tools/fuzz.sh

bench:  ## measure imports, edits, claims, 837P generation and remittance posting against same-run baselines
	bash tools/bench.sh

lint:  ## ruff (.ruff.toml, complexity included), pylint-odoo's mandatory checks (setup.cfg), license headers
	bash tools/lint.sh

pot:  ## regenerate medical_*/i18n/<addon>.pot (Odoo's --i18n-export on a throwaway database)
	bash tools/pot.sh
