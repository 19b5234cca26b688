#!/usr/bin/env python3
"""The meshc command line as a user meets it: exit statuses, diagnostics, outputs, installation.

Usage: test_cli.py MESHC EXAMPLE_POLICY BUILD_DIR
"""
import json
import os
import pty
import subprocess
import sys
import tempfile
import unittest

from golden_mode import updating

MESHC, EXAMPLE, BUILD_DIR = sys.argv[1:4]
HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")


def meshc(*args, env=None, binary=None, stdin=None):
    return subprocess.run([binary or MESHC, *args], capture_output=True, text=True, timeout=300,
                          check=False, env=env, input=stdin)


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="meshc-cli-")
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
        return path

    def test_check_accepts_the_example(self):
        run = meshc("check", EXAMPLE)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertRegex(run.stdout, r"ok: 4 services, 6 workloads, digest sha256:[0-9a-f]{64}")

    def test_all_errors_of_a_file_in_one_run(self):
        bad = self.write("bad.mesh", 'mesh m {}\n'
                                     'service a {\n'
                                     '  port 80;\n'
                                     '  subset v1 {}\n'
                                     '  route { when path prefix "/x" => v2; otherwise => v1; }\n'
                                     '}\n'
                                     'workload w { service a; version v1; calls b; }\n')
        run = meshc("check", bad)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stdout, "")
        self.assertIn(f"{bad}:5:36: error[E0202]: unknown subset 'v2' of service 'a'; "
                      "did you mean 'v1'?\n"
                      '    route { when path prefix "/x" => v2; otherwise => v1; }\n'
                      "                                     ^~\n", run.stderr)
        self.assertIn(f"{bad}:7:43: error[E0201]: unknown service 'b'", run.stderr)
        self.assertIn("2 errors generated.", run.stderr)

    def test_syntax_errors_exit_1(self):
        bad = self.write("syntax.mesh", "mesh m {\nservice s { port 80 }\n")
        run = meshc("compile", bad, "-o", self.tmp.name)
        self.assertEqual(run.returncode, 1)
        # The header's '}' is missing: reported where it belongs, at the end of line 1.
        self.assertIn(f"{bad}:1:9: error[E0102]: expected one of 'trust_domain', 'merge_slashes', 'encoded_slashes', 'namespace', 'cluster_domain', 'mtls' or '}}'\n", run.stderr)

    def test_missing_file_and_bad_usage_exit_2(self):
        run = meshc("check", os.path.join(self.tmp.name, "absent.mesh"))
        self.assertEqual(run.returncode, 2)
        self.assertIn("absent.mesh: cannot open: No such file or directory", run.stderr)
        self.assertEqual(meshc("compile", EXAMPLE, "--emit=bogus").returncode, 2)
        self.assertEqual(meshc("frobnicate").returncode, 2)
        run = meshc("compile", EXAMPLE, "--emit=ir", "--workload", "nobody")
        self.assertEqual(run.returncode, 2)
        self.assertIn("no workload named 'nobody'", run.stderr)

    def test_digest_ignores_layout_and_comments(self):
        with open(EXAMPLE, encoding="utf-8") as f:
            text = f.read()
        reformatted = self.write("re.mesh", "# another comment\n" + text.replace("\n", "\n\n  "))
        digest = lambda path: meshc("check", path).stdout.rsplit(" ", 1)[-1]
        self.assertEqual(digest(EXAMPLE), digest(reformatted))
        changed = self.write("changed.mesh", text.replace("90%", "80%").replace("10%", "20%"))
        self.assertNotEqual(digest(EXAMPLE), digest(changed))

    def test_compile_writes_one_sidecar_per_workload(self):
        out = os.path.join(self.tmp.name, "out")
        run = meshc("compile", EXAMPLE, "-o", out)
        self.assertEqual(run.returncode, 0, run.stderr)
        workloads = ["productpage-v1", "details-v1", "reviews-v1", "reviews-v2", "reviews-v3",
                     "ratings-v1"]
        self.assertEqual(sorted(os.listdir(out)), sorted("sidecar-" + w for w in workloads))
        version = subprocess.run([os.path.join(out, "sidecar-reviews-v2"), "--version"],
                                 capture_output=True, text=True, timeout=30, check=False)
        self.assertEqual(version.returncode, 0, version.stderr)
        self.assertIn("reviews-v2", version.stdout)
        digest = meshc("check", EXAMPLE).stdout.rsplit(" ", 1)[-1].strip()
        self.assertIn(digest, version.stdout)
        self.assertIn(digest, run.stdout)

    def test_keep_objects(self):
        out = os.path.join(self.tmp.name, "objs")
        run = meshc("compile", EXAMPLE, "-o", out, "--keep-objects", "--workload", "reviews-v1")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(sorted(os.listdir(out)), ["policy-reviews-v1.o", "sidecar-reviews-v1"])
        symbols = subprocess.run(["nm", os.path.join(out, "policy-reviews-v1.o")],
                                 capture_output=True, text=True, timeout=30, check=True).stdout
        self.assertRegex(symbols, r"[RD] mesh_policy_module")

    def test_installed_meshc_finds_its_runtime(self):
        prefix = os.path.join(self.tmp.name, "prefix")
        install = subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", prefix],
                                 capture_output=True, text=True, timeout=120, check=False)
        self.assertEqual(install.returncode, 0, install.stderr)
        installed = os.path.join(prefix, "bin", "meshc")
        out = os.path.join(self.tmp.name, "installed-out")
        env = dict(os.environ, MESHC_RUNTIME_DIR="")
        run = meshc("compile", EXAMPLE, "-o", out, "--workload", "ratings-v1", env=env,
                    binary=installed)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn(f"runtime {os.path.join(prefix, 'lib', 'meshc')}\n", run.stdout)
        self.assertTrue(os.access(os.path.join(out, "sidecar-ratings-v1"), os.X_OK))

    def test_json_diagnostics_match_the_golden_file(self):
        with open(os.path.join(GOLDEN, "diagnostics.mesh"), encoding="utf-8") as f:
            policy = f.read()
        run = meshc("check", "-", "--format", "json", stdin=policy)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stdout, "")
        golden = os.path.join(GOLDEN, "diagnostics.json")
        if updating():
            with open(golden, "w", encoding="utf-8") as out:
                out.write(run.stderr)
        with open(golden, encoding="utf-8") as f:
            self.assertEqual(run.stderr, f.read())
        document = json.loads(run.stderr)
        self.assertEqual(list(document), ["diagnostics", "errors", "warnings"])
        self.assertEqual(list(document["diagnostics"][0]),
                         ["severity", "code", "message", "file", "line", "column", "end_line",
                          "end_column", "notes"])
        self.assertEqual((document["errors"], document["warnings"]), (5, 1))

    def test_golden_files_are_never_rewritten_under_ctest(self):
        golden = self.write("stale.ir", "stale\n")
        env = dict(os.environ, MESHC_UPDATE_GOLDEN="1", MESHC_GOLDEN_UNDER_CTEST="1")
        run = subprocess.run([sys.executable, os.path.join(HERE, "check_golden.py"), MESHC,
                              EXAMPLE, "ir", golden], env=env, capture_output=True, text=True,
                             timeout=120, check=False)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("MESHC_UPDATE_GOLDEN=1 is refused under ctest", run.stderr)
        with open(golden, encoding="utf-8") as f:
            self.assertEqual(f.read(), "stale\n")

    def test_json_on_compile_and_a_clean_policy(self):
        run = meshc("compile", EXAMPLE, "--emit=ir", "--format=json")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(json.loads(run.stderr), {"diagnostics": [], "errors": 0, "warnings": 0})
        self.assertIn("workload", run.stdout)

    def test_werror_turns_warnings_into_errors(self):
        policy = self.write("w.mesh", 'mesh m { trust_domain "m"; }\n'
                                      'service s { port 1; subset v1 {}\n'
                                      '  route { otherwise => v1 timeout 1s; timeout 2s; } }\n'
                                      'workload w { service s; version v1; }\n')
        run = meshc("check", policy)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn(f"{policy}:3:47: warning[W0401]: route timeout 2s applies to no rule",
                      run.stderr)
        self.assertIn("1 warning generated.", run.stderr)
        run = meshc("check", policy, "--werror")
        self.assertEqual(run.returncode, 1)
        self.assertIn(f"{policy}:3:47: error[W0401]:", run.stderr)
        self.assertIn("1 error generated.", run.stderr)
        run = meshc("compile", policy, "--werror", "--format", "json", "--emit=ir")
        self.assertEqual(run.returncode, 1)
        self.assertEqual(json.loads(run.stderr)["diagnostics"][0]["severity"], "error")

    def test_color(self):
        bad = self.write("c.mesh", "mesh m { trust_domain 1; }\n")
        expected = "\033[1;31merror[E0103]: \033[0m"
        self.assertIn(expected, meshc("check", bad, "--color=always").stderr)
        for args in (["--color=never"], ["--color", "auto"], []):
            self.assertNotIn("\033[", meshc("check", bad, *args).stderr)  # stderr is a pipe
        self.assertEqual(meshc("check", bad, "--color=sometimes").returncode, 2)

    def test_color_auto_needs_a_terminal_and_no_NO_COLOR(self):
        bad = self.write("c.mesh", "mesh m { trust_domain 1; }\n")

        def stderr_on_a_terminal(env):
            leader, follower = pty.openpty()
            try:
                subprocess.run([MESHC, "check", bad], stdout=subprocess.DEVNULL, stderr=follower,
                               timeout=60, check=False, env=env)
                return os.read(leader, 65536).decode()
            finally:
                os.close(leader)
                os.close(follower)

        plain = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        self.assertIn("\033[1;31merror[E0103]", stderr_on_a_terminal(plain))
        self.assertNotIn("\033[", stderr_on_a_terminal(dict(plain, NO_COLOR="1")))

    def test_help_and_unknown_commands_list_the_commands(self):
        run = meshc("help")
        self.assertEqual(run.returncode, 0)
        self.assertIn("commands:\n  compile  ", run.stdout)
        self.assertIn("\n  check    ", run.stdout)
        run = meshc("frobnicate")
        self.assertEqual(run.returncode, 2)
        self.assertTrue(run.stderr.startswith("meshc: unknown command 'frobnicate'\ncommands:\n"),
                        run.stderr)
        run = meshc()
        self.assertEqual(run.returncode, 2)
        self.assertIn("commands:", run.stderr)

    def test_policy_from_stdin(self):
        with open(EXAMPLE, encoding="utf-8") as f:
            run = meshc("check", "-", stdin=f.read())
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertTrue(run.stdout.startswith("<stdin>: ok: 4 services"), run.stdout)
        run = meshc("check", "-", stdin="mesh m {\n")
        self.assertEqual(run.returncode, 1)
        self.assertTrue(run.stderr.startswith("<stdin>:1:9: error[E0102]:"), run.stderr)
        self.assertIn("  mesh m {\n", run.stderr)

    def test_io_problems_are_one_plain_line(self):
        run = meshc("check", self.tmp.name)
        self.assertEqual(run.returncode, 2)
        self.assertEqual(run.stderr, f"meshc: {self.tmp.name}: is a directory, not a policy file\n")
        blocker = self.write("file", "")
        run = meshc("compile", EXAMPLE, "-o", os.path.join(blocker, "out"), "--workload",
                    "ratings-v1")
        self.assertEqual(run.returncode, 2)
        self.assertEqual(run.stderr, f"meshc: {blocker}/out: Not a directory\n")
        run = meshc("check", os.path.join(blocker, "x.mesh"))
        self.assertEqual(run.returncode, 2)
        self.assertEqual(run.stderr, f"meshc: {blocker}/x.mesh: cannot open: Not a directory\n")
        if os.geteuid() != 0:  # root reads anything
            unreadable = self.write("secret.mesh", "")
            os.chmod(unreadable, 0)
            run = meshc("check", unreadable)
            self.assertEqual(run.returncode, 2)
            self.assertEqual(run.stderr,
                             f"meshc: {unreadable}: cannot open: Permission denied\n")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
