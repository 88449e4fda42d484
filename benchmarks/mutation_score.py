"""Mutation score of the modules that carry privacy promises (mutmut; not part of CI).

Runs `mutmut run` as configured in pyproject.toml's `[tool.mutmut]` (the consent gate and upload
reception, the blob store, key material, the audit chain, erasure, the pipeline's integrity
checks, redact-text's error messages; the fast tests of tests/service, tests/retention,
tests/api/test_uploads.py and tests/pii/test_commands.py), then prints killed / survived /
timed-out / total and the score, and lists the survivors (`mutmut show NAME` prints one).
Needs the `mutation` extra: `.venv/bin/pip install -e '.[mutation]'`. Long: bound it.

    .venv/bin/python benchmarks/mutation_score.py [--max-children 2] [--timeout-min 60] [NAME_GLOB ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")
STATS = ROOT / "mutants" / "mutmut-cicd-stats.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these mutants (globs such as 'redactor.key_material*')")
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--timeout-min", type=float, default=60.0, help="stop the run after this long")
    args = parser.parse_args()
    if not MUTMUT.exists():
        sys.exit("mutmut is missing: run `.venv/bin/pip install -e '.[mutation]'`")
    run = [str(MUTMUT), "run", "--max-children", str(args.max_children), *args.names]
    try:
        subprocess.run(run, cwd=ROOT, timeout=args.timeout_min * 60, check=False)
    except subprocess.TimeoutExpired:
        print(f"stopped after {args.timeout_min:.0f} min: the figures below cover the mutants tested so far")
    subprocess.run([str(MUTMUT), "export-cicd-stats"], cwd=ROOT, check=False, capture_output=True)
    if not STATS.exists():
        sys.exit(f"mutmut wrote no {STATS.relative_to(ROOT)}; run `{' '.join(run)}` to see why")
    stats = json.loads(STATS.read_text())
    killed, survived = stats.get("killed", 0), stats.get("survived", 0)
    timeouts, total = stats.get("timeout", 0), stats.get("total", 0)
    tested = killed + survived + timeouts
    print(f"killed {killed}  survived {survived}  timed out {timeouts}  tested {tested} of {total}")
    if tested:
        print(f"mutation score (killed + timed out) / tested: {(killed + timeouts) / tested:.1%}")
    listing = subprocess.run([str(MUTMUT), "results"], cwd=ROOT, capture_output=True, text=True, check=False)
    survivors = [line.strip() for line in listing.stdout.splitlines() if line.strip().endswith("survived")]
    if survivors:
        print("survivors (`mutmut show NAME`):")
        print("\n".join(f"  {line}" for line in survivors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
