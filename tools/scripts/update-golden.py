#!/usr/bin/env python3
"""Rewrites the golden files from the current meshc: runs each golden test (and meshc.cli, which
holds the JSON diagnostics golden) the way ctest would, with MESHC_UPDATE_GOLDEN=1. Review the
result with `git diff` before committing it.

Usage: tools/scripts/update-golden.py BUILD_DIR [NAME_REGEX]
"""
import json
import os
import re
import subprocess
import sys


def main() -> int:
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    build_dir = sys.argv[1]
    pattern = re.compile(sys.argv[2] if len(sys.argv) == 3 else r"^(golden\.|meshc\.cli$)")
    listing = subprocess.run(["ctest", "--test-dir", build_dir, "--show-only=json-v1"],
                             capture_output=True, text=True, check=True)
    env = dict(os.environ, MESHC_UPDATE_GOLDEN="1")
    env.pop("MESHC_GOLDEN_UNDER_CTEST", None)
    failed = []
    for test in json.loads(listing.stdout)["tests"]:
        if not pattern.search(test["name"]):
            continue
        properties = {p["name"]: p["value"] for p in test.get("properties", [])}
        run = subprocess.run(test["command"], cwd=properties.get("WORKING_DIRECTORY"), env=env,
                             check=False)
        if run.returncode != 0:
            failed.append(test["name"])
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
