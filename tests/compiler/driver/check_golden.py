#!/usr/bin/env python3
"""Golden test of one `meshc compile --emit=STAGE` output, of `meshc test` when STAGE is "test", or
of `meshc explain POLICY ARGS...` when STAGE is "explain", or of `meshc diff OLD POLICY` when
STAGE is "diff" (OLD is the first ARG).

Usage: check_golden.py MESHC POLICY STAGE GOLDEN_FILE [ARGS...]
Run from tools/scripts/update-golden.py, it rewrites the golden file instead of comparing.
"""
import difflib
import os
import subprocess
import sys

from golden_mode import updating


def main() -> int:
    meshc, policy, stage, golden = sys.argv[1:5]
    extra = sys.argv[5:]
    # From the policy's own directory: file names in the output (rule locations) must not depend
    # on where the checkout is.
    if stage == "test":
        command = ["test", "--coverage", os.path.basename(policy)]
        accepted = (0, 1)  # the runner's golden policies fail some tests on purpose
    elif stage == "diff":
        old = os.path.relpath(extra[0], os.path.dirname(os.path.abspath(policy)))
        command = ["diff", old, os.path.basename(policy)]
        accepted = (1,)  # the versions differ
    elif stage == "explain":
        command = ["explain", os.path.basename(policy)] + extra
        accepted = (0,)
    else:
        command = ["compile", "--emit=" + stage, os.path.basename(policy)]
        accepted = (0,)
    run = subprocess.run([os.path.abspath(meshc)] + command,
                         cwd=os.path.dirname(os.path.abspath(policy)),
                         capture_output=True, text=True, timeout=120, check=False)
    if run.returncode not in accepted:
        print(f"meshc exited {run.returncode}:\n{run.stderr}", file=sys.stderr)
        return 1
    if updating():
        with open(golden, "w", encoding="utf-8") as out:
            out.write(run.stdout)
        print(f"updated {golden}")
        return 0
    try:
        with open(golden, encoding="utf-8") as expected_file:
            expected = expected_file.read()
    except FileNotFoundError:
        print(f"{golden} is missing; create it with tools/scripts/update-golden.py",
              file=sys.stderr)
        return 1
    if run.stdout == expected:
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        expected.splitlines(keepends=True), run.stdout.splitlines(keepends=True),
        fromfile=golden, tofile=f"meshc --emit={stage}"))
    print("\noutput differs from the golden file; if the change is intended, rewrite it with "
          "tools/scripts/update-golden.py", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
