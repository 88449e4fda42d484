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

mutmut tests the cheapest mutants first, so a bounded run leaves the mutants of hot functions
(those nearly every test reaches: a minute or more each) untested, and the score of what was
tested is biased towards cheap code. `--sample N` tests N mutants per module drawn at random
(`--seed`) from those not tested yet, and remembers them in mutants/sampled.json; the report then
estimates each module's score over all its mutants: the exhaustively tested ones as they are,
the rest at the sample's rate, with a 95 % interval (Wilson) for the sampled part.

    nice -n 15 .venv/bin/python benchmarks/mutation_score.py [--max-children 2] [--timeout-min 60] [NAME_GLOB ...]
    nice -n 15 .venv/bin/python benchmarks/mutation_score.py --sample 20 [--seed 0] [NAME_GLOB ...]
    .venv/bin/python benchmarks/mutation_score.py --report      # figures of the runs so far, no run
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import random
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")
SAMPLED = ROOT / "mutants" / "sampled.json"
CAUGHT = ("killed", "timeout")  # timeouts count as caught: the mutant hung the tests
TESTED = ("killed", "survived", "timeout")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these mutants (globs such as 'redactor.key_material*')")
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--timeout-min", type=float, default=60.0, help="stop the run after this long")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="test N untested mutants per module, drawn at random, instead of all in cost order")
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample's draw (default 0)")
    parser.add_argument("--report", action="store_true", help="print the figures of the runs so far; run nothing")
    args = parser.parse_args()
    if not MUTMUT.exists():
        sys.exit("mutmut is missing: run `.venv/bin/pip install -e '.[mutation]'`")
    if not args.report:
        names = args.names
        if args.sample is not None:
            names = draw_sample(_statuses(), args.names, args.sample, args.seed)
            if not names:
                sys.exit("nothing left to sample: every matching mutant has been tested")
            _remember_sampled(names)
            print(f"sampled {len(names)} untested mutants (seed {args.seed})")
        run = [str(MUTMUT), "run", "--max-children", str(args.max_children), *names]
        try:
            subprocess.run(run, cwd=ROOT, timeout=args.timeout_min * 60, check=False)
        except subprocess.TimeoutExpired:
            print(f"stopped after {args.timeout_min:.0f} min: the figures below cover the mutants tested so far")
    statuses = _statuses()
    if not statuses:
        sys.exit(f"mutmut reported no mutants; run `{MUTMUT} run` to see why")
    print_report(statuses, _sampled())
    return 0


def draw_sample(statuses: dict[str, str], globs: list[str], per_module: int, seed: int) -> list[str]:
    """`per_module` untested mutants of each module (all of them where fewer are left), at random."""
    untested: dict[str, list[str]] = defaultdict(list)
    for name, status in sorted(statuses.items()):
        if status == "not checked" and (not globs or any(fnmatch.fnmatch(name, g) for g in globs)):
            untested[_module(name)].append(name)
    rng = random.Random(seed)
    return [name for module in sorted(untested)
            for name in rng.sample(untested[module], min(per_module, len(untested[module])))]


def print_report(statuses: dict[str, str], sampled: set[str]) -> None:
    by_module: dict[str, Counter] = defaultdict(Counter)
    for name, status in statuses.items():
        by_module[_module(name)][status] += 1
        if name in sampled and status in TESTED:
            by_module[_module(name)]["sampled " + status] += 1
    # "no tests": no selected test reaches the function (or mutmut's test map predates it: rerun
    # from a fresh mutants/ after moving code); "not checked": not tested yet.
    print(f"{'module':40s} {'killed':>7s} {'survived':>9s} {'timeout':>8s} {'no tests':>9s} {'untested':>9s} "
          f"{'score':>7s}  {'estimate over all (95 %)':s}")
    for module, counts in sorted(by_module.items()) + [("all", sum(by_module.values(), Counter()))]:
        print(f"{module:40s} {counts['killed']:7d} {counts['survived']:9d} {counts['timeout']:8d} "
              f"{counts['no tests']:9d} {counts['not checked']:9d} {_score(counts):>7s}  {estimate(counts)}")
    survivors = sorted(name for name, status in statuses.items() if status == "survived")
    if survivors:
        print("survivors (`mutmut show NAME`):")
        print("\n".join(f"  {name}{'  (sampled)' if name in sampled else ''}" for name in survivors))


def estimate(counts: Counter) -> str:
    """Score over every mutant with tests: exhaustive part as tested, the rest at the sample's rate.

    The mutants tested in cost order are all the cheap ones; the sample is a random draw from the
    ones left after them, so it stands for those (the untested and the sampled) only.
    """
    sample_n = sum(counts["sampled " + s] for s in TESTED)
    sample_caught = sum(counts["sampled " + s] for s in CAUGHT)
    exhaustive_n = sum(counts[s] for s in TESTED) - sample_n
    exhaustive_caught = sum(counts[s] for s in CAUGHT) - sample_caught
    rest = counts["not checked"] + sample_n
    if rest == 0:
        return _score(counts) + " (all tested)"
    if sample_n == 0:
        return f"- ({rest} untested, none sampled)"
    total = exhaustive_n + rest
    low, high = wilson_interval(sample_caught, sample_n)
    point = (exhaustive_caught + rest * sample_caught / sample_n) / total
    return (f"{point:.1%} ({(exhaustive_caught + rest * low) / total:.1%}-"
            f"{(exhaustive_caught + rest * high) / total:.1%}; {sample_n} of {rest} sampled)")


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a binomial proportion (sound for small samples and p near 1)."""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _statuses() -> dict[str, str]:
    listing = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=ROOT, capture_output=True,
                             text=True, check=False)
    return dict(line.strip().rsplit(": ", 1) for line in listing.stdout.splitlines() if ": " in line)


def _sampled() -> set[str]:
    return set(json.loads(SAMPLED.read_text())) if SAMPLED.is_file() else set()


def _remember_sampled(names: list[str]) -> None:
    SAMPLED.write_text(json.dumps(sorted(_sampled() | set(names)), indent=0))


def _module(name: str) -> str:
    return name.rsplit(".", 1)[0]


def _score(counts: Counter) -> str:
    """(killed + timed out) / tested."""
    tested = sum(counts[s] for s in TESTED)
    return f"{sum(counts[s] for s in CAUGHT) / tested:.1%}" if tested else "-"


if __name__ == "__main__":
    sys.exit(main())
