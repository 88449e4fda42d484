"""Mutation score of the modules that carry privacy promises (mutmut; not part of CI).

Runs `mutmut run` as configured in pyproject.toml's `[tool.mutmut]` (the consent gate and upload
reception, the blob store, key material, the audit chain, erasure and purge, the pipeline's
integrity checks, redact-text's error messages, each against the fast tests of tests/service,
tests/retention, tests/api/test_uploads.py, tests/api/test_upload_stream.py,
tests/api/test_request_guard.py, tests/api/test_audio_length.py and tests/pii/test_commands.py
that reach the mutated function), then prints, per module and in all, killed / survived /
timed out / not yet tested and the score, and lists the survivors (`mutmut show NAME` prints
one). Results persist in mutants/: a later run (or one per module,
`NAME_GLOB` such as 'redactor.audit*') goes on where the last stopped.
Needs the `mutation` extra: `.venv/bin/pip install -e '.[mutation]'`. Long (about 10 mutants a
minute on 2 shared cores, 3,155 mutants): bound it, run it niced.

    nice -n 15 .venv/bin/python benchmarks/mutation_score.py [--max-children 2] [--timeout-min 60] [NAME_GLOB ...]
    .venv/bin/python benchmarks/mutation_score.py --report      # figures of the runs so far, no run
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these mutants (globs such as 'redactor.key_material*')")
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--timeout-min", type=float, default=60.0, help="stop the run after this long")
    parser.add_argument("--report", action="store_true", help="print the figures of the runs so far; run nothing")
    args = parser.parse_args()
    if not MUTMUT.exists():
        sys.exit("mutmut is missing: run `.venv/bin/pip install -e '.[mutation]'`")
    if not args.report:
        run = [str(MUTMUT), "run", "--max-children", str(args.max_children), *args.names]
        try:
            subprocess.run(run, cwd=ROOT, timeout=args.timeout_min * 60, check=False)
        except subprocess.TimeoutExpired:
            print(f"stopped after {args.timeout_min:.0f} min: the figures below cover the mutants tested so far")
    listing = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=ROOT, capture_output=True,
                             text=True, check=False)
    statuses = dict(line.strip().rsplit(": ", 1) for line in listing.stdout.splitlines() if ": " in line)
    if not statuses:
        sys.exit(f"mutmut reported no mutants; run `{MUTMUT} run` to see why")
    by_module: dict[str, Counter] = defaultdict(Counter)
    for name, status in statuses.items():
        by_module[name.rsplit(".", 1)[0]][status] += 1
    # "no tests": no selected test reaches the function (or mutmut's test map predates it: rerun
    # from a fresh mutants/ after moving code); "not checked": not tested yet.
    print(f"{'module':40s} {'killed':>7s} {'survived':>9s} {'timeout':>8s} {'no tests':>9s} {'untested':>9s} "
          f"{'score':>7s}")
    for module, counts in sorted(by_module.items()) + [("all", sum(by_module.values(), Counter()))]:
        print(f"{module:40s} {counts['killed']:7d} {counts['survived']:9d} {counts['timeout']:8d} "
              f"{counts['no tests']:9d} {counts['not checked']:9d} {_score(counts):>7s}")
    survivors = sorted(name for name, status in statuses.items() if status == "survived")
    if survivors:
        print("survivors (`mutmut show NAME`):")
        print("\n".join(f"  {name}" for name in survivors))
    return 0


def _score(counts: Counter) -> str:
    """(killed + timed out) / tested; timeouts count as caught (the mutant hung the tests)."""
    tested = counts["killed"] + counts["survived"] + counts["timeout"]
    return f"{(counts['killed'] + counts['timeout']) / tested:.1%}" if tested else "-"


if __name__ == "__main__":
    sys.exit(main())
