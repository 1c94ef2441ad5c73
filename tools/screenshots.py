# Copyright 2026 Medical Billing Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Take the README's screenshots of the main screens from a running demo (make demo).

    python3 tools/screenshots.py [--url http://localhost:8069] [--out docs/screenshots]
        [--encounter ID] [--claim ID] [--remittance ID]

The record ids default to the demo's: encounter_errors_demo (an encounter with findings), claim_partial_demo
(a partly paid claim) and remittance_eft_demo (the posted EFT remittance with its matched claims).

Needs the Python package ``playwright`` and a Chromium (``/usr/bin/chromium`` by default).
"""

import argparse
import pathlib

from playwright.sync_api import sync_playwright

SCREENS = [
    ("encounter_list", "/odoo/action-medical_coding.medical_encounter_action"),
    ("encounter_form", "/odoo/action-medical_coding.medical_encounter_action/{encounter}"),
    ("codes", "/odoo/action-medical_coding.medical_code_action"),
    ("claims", "/odoo/action-medical_billing.medical_claim_action"),
    ("claim_form", "/odoo/action-medical_billing.medical_claim_action/{claim}"),
    ("claim_batches", "/odoo/action-medical_billing.medical_claim_batch_action"),
    ("findings", "/odoo/action-medical_coding.medical_edit_finding_action"),
    ("remittances", "/odoo/action-medical_billing.medical_remittance_action"),
    ("remittance_form", "/odoo/action-medical_billing.medical_remittance_action/{remittance}"),
    ("billing_overview", "/odoo/billing-overview"),
    ("denials", "/odoo/action-medical_billing.medical_denial_action"),
    ("quality_rates", "/odoo/action-medical_coding.medical_quality_report_action"),
    ("statements", "/odoo/action-medical_billing.medical_statement_action"),
    ("patient_deposits", "/odoo/action-medical_billing.medical_patient_deposit_action"),
    # the guarantor's page (signed link): not a back-office view
    ("statement_portal", "/my/statements/{statement}"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--encounter", default="4")
    parser.add_argument("--claim", default="8")
    parser.add_argument("--remittance", default="1")
    parser.add_argument("--statement", default="1")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=args.chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{args.url}/web/login")
        page.fill("input[name=login]", "admin")
        page.fill("input[name=password]", "admin")
        page.click("button[type=submit]")
        page.wait_for_selector(".o_main_navbar", timeout=60000)
        ids = {
            "encounter": args.encounter,
            "claim": args.claim,
            "remittance": args.remittance,
            "statement": args.statement,
        }
        for name, path in SCREENS:
            page.goto(args.url + path.format(**ids))
            page.wait_for_selector(
                "#wrap" if path.startswith("/my/") else ".o_view_controller", timeout=60000
            )
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / f"{name}.png"))
        browser.close()


if __name__ == "__main__":
    main()
