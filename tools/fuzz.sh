#!/usr/bin/env bash
# make fuzz: feed every file reader (999, 277CA, 271, ICD-10-CM, HCPCS, CPT, POS, NCCI PTP, MUE, claim
# status code lists; zip bombs) at least 10,000 mutated real files each (hypothesis profile "fuzz",
# tests/fuzz). Each case must return data or raise the reader's own error within
# MEDICAL_FUZZ_TIME_BOUND seconds. No database needed; the real files come from ../shared
# (MEDICAL_SHARED_DIR elsewhere). MEDICAL_FUZZ_EXAMPLES changes the number of cases per reader.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
cd "$REPO"
"$PYTHON" -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-test.txt \
    >/tmp/medical_pip.log 2>&1 ||
    { tail -20 /tmp/medical_pip.log; echo "ERROR: installing requirements.txt and requirements-test.txt failed" >&2; exit 2; }
# A reader that tries to take gigabytes fails with MemoryError (a foreign exception) instead of the machine.
ulimit -v $((4 * 1024 * 1024))
export MEDICAL_FUZZ=1
echo "== fuzz: ${MEDICAL_FUZZ_EXAMPLES:-10000} cases per reader"
exec "$PYTHON" -m pytest tests/fuzz tests/edi/test_eligibility_fuzz.py -p no:cacheprovider -q -W ignore::DeprecationWarning --durations=0 "$@"
