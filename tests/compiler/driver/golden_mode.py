"""Whether a golden test compares with its golden file or rewrites it.

MESHC_UPDATE_GOLDEN=1 rewrites, but never under ctest: left in the environment, it would make
the suite rewrite every golden file and pass. ctest sets MESHC_GOLDEN_UNDER_CTEST on these tests;
tools/scripts/update-golden.py runs them without it.
"""
import os
import sys


def updating() -> bool:
    if os.environ.get("MESHC_UPDATE_GOLDEN") != "1":
        return False
    if os.environ.get("MESHC_GOLDEN_UNDER_CTEST") == "1":
        sys.exit("MESHC_UPDATE_GOLDEN=1 is refused under ctest, which only compares; rewrite "
                 "golden files with tools/scripts/update-golden.py BUILD_DIR")
    return True
