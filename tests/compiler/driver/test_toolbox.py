#!/usr/bin/env python3
"""The policy author's commands as a user meets them: meshc fmt, meshc test and meshc explain.

Usage: test_toolbox.py MESHC
"""
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

MESHC = sys.argv[1]

POLICY = """mesh m { trust_domain "m.local"; }
service cart {
  port 80;
  subset a { endpoints []; }
  subset b { endpoints []; }
  route { when header "x-b" present => b; otherwise => a; }
}
workload web { service cart; version a; calls cart; }
"""

PASSING = """test "b by header" {
  from web request GET "http://cart/" header "X-B" = "1";
  expect routed cart.b;
}
"""

FAILING = """test "wrong" {
  from web request GET "http://cart/";
  expect routed cart.b;
}
"""


def meshc(*args, stdin=None, cwd=None):
    return subprocess.run([MESHC, *args], capture_output=True, text=True, timeout=120,
                          check=False, input=stdin, cwd=cwd)


class Toolbox(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="meshc-toolbox-")
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
        return path

    def read(self, path):
        with open(path, encoding="utf-8") as source:
            return source.read()

    def test_fmt_rewrites_in_place_and_check_reports(self):
        path = self.write("p.mesh", "mesh m {trust_domain \"m.local\";}\nservice s{port 1;"
                                    "subset a{endpoints [];}}  # trailing\n")
        check = meshc("fmt", "--check", path)
        self.assertEqual(check.returncode, 1)
        self.assertEqual(check.stdout, f"{path}: not formatted\n")
        digest_before = meshc("check", path).stdout.split("digest ")[-1]
        run = meshc("fmt", self.tmp.name)  # a directory: every .mesh file in it
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(self.read(path), 'mesh m { trust_domain "m.local"; }\n\nservice s {\n'
                                          '  port 1;\n  subset a { endpoints []; }\n'
                                          '}  # trailing\n')
        self.assertEqual(meshc("check", path).stdout.split("digest ")[-1], digest_before)
        self.assertEqual(meshc("fmt", "--check", path).returncode, 0)

    def test_fmt_reads_stdin_and_refuses_syntax_errors(self):
        run = meshc("fmt", "-", stdin="mesh m {trust_domain \"x\";}\n")
        self.assertEqual((run.returncode, run.stdout), (0, 'mesh m { trust_domain "x"; }\n'))
        path = self.write("bad.mesh", "service {\n")
        run = meshc("fmt", path)
        self.assertEqual(run.returncode, 1)
        self.assertIn("has syntax errors", run.stderr)
        self.assertEqual(self.read(path), "service {\n")

    def test_test_exit_statuses_filter_and_junit(self):
        path = self.write("t.mesh", POLICY + PASSING + FAILING)
        run = meshc("test", path)
        self.assertEqual(run.returncode, 1)
        self.assertIn("PASS  b by header\nFAIL  wrong", run.stdout)
        self.assertIn("1 passed, 1 failed", run.stdout)
        run = meshc("test", path, "--filter", "^b ", "--junit", os.path.join(self.tmp.name, "j.xml"))
        self.assertEqual(run.returncode, 0, run.stdout)
        suite = ElementTree.parse(os.path.join(self.tmp.name, "j.xml")).getroot()[0]
        self.assertEqual((suite.get("tests"), suite.get("failures")), ("1", "0"))
        self.assertEqual(meshc("test", path, "--filter", "(").returncode, 2)
        self.assertEqual(meshc("test", os.path.join(self.tmp.name, "missing.mesh")).returncode, 2)

    def test_tests_and_explain_normalise_paths_as_the_mesh_says(self):
        policy = """mesh m { trust_domain "m.local"; merge_slashes; encoded_slashes reject; }
service cart {
  port 80;
  subset a { endpoints []; }
  subset b { endpoints []; }
  route { when path prefix "/b/x" => b; otherwise => a; }
}
workload web { service cart; version a; calls cart; }
test "slashes are merged before matching" {
  from web request GET "http://cart//b//x/./y";
  expect routed cart.b;
}
test "an encoded slash is refused" {
  from web request GET "http://cart/b%2Fx";
  expect status 400;
}
"""
        path = self.write("paths.mesh", policy)
        run = meshc("test", path)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        # Without the settings, the same tests fail: the mesh's settings are what they test.
        plain = self.write("plain.mesh", policy.replace(" merge_slashes; encoded_slashes reject;", ""))
        run = meshc("test", plain)
        self.assertEqual(run.returncode, 1, run.stdout)
        self.assertIn("0 passed, 2 failed", run.stdout)
        run = meshc("explain", path, "--from", "web", "--request", "GET http://cart/b%2Fx")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("decision: 400 from the sidecar: ", run.stdout)
        self.assertIn("slash", run.stdout)

    def test_tests_expect_the_statuses_rules_answer_themselves(self):
        policy = """mesh m { trust_domain "m.local"; }
service cart {
  port 80;
  subset a { endpoints []; }
  route {
    when path == "/old" => redirect 308 { path "/new"; }
    when path == "/healthz" => respond 200 "ok";
    when path prefix "/gone" => respond 410;
    otherwise => a;
  }
}
workload web { service cart; version a; calls cart; }
test "moved" { from web request GET "http://cart/old"; expect status 308; }
test "health" { from web request GET "http://cart/healthz"; expect status 200; }
test "gone" { from web request GET "http://cart/gone/1"; expect status 410; }
test "wrong" { from web request GET "http://cart/old"; expect routed cart.a; }
"""
        path = self.write("answers.mesh", policy)
        run = meshc("test", path)
        self.assertEqual(run.returncode, 1, run.stdout + run.stderr)
        self.assertIn("3 passed, 1 failed", run.stdout)
        self.assertIn('308 from the sidecar: redirect 308 path "/new"', run.stdout)
        run = meshc("explain", path, "--from", "web", "--request", "GET http://cart/healthz")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn('decision: 200 from the sidecar: respond 200 "ok" by the rule at', run.stdout)

    def test_coverage_names_what_no_test_reached(self):
        path = self.write("c.mesh", POLICY + PASSING)
        run = meshc("test", path, "--coverage", "--min-coverage", "75")
        self.assertEqual(run.returncode, 1)
        self.assertIn("coverage: 1 of 2 rules and split branches reached (50.0%)", run.stdout)
        self.assertIn(f"not reached: rule at {path}:6:43", run.stdout)
        self.assertIn("below --min-coverage 75%", run.stdout)

    def test_warnings_show_and_werror_and_color_apply_to_the_toolbox(self):
        # An unused service: W0403, shown by test, explain and diff alike.
        path = self.write("w.mesh", POLICY + PASSING +
                          "service spare { port 80; subset v1 { endpoints []; } }\n")
        run = meshc("test", path)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertIn("warning[W0403]", run.stderr)
        self.assertEqual(meshc("test", path, "--werror").returncode, 1)
        run = meshc("explain", path, "--from", "web", "--request", "GET http://cart/",
                    "--color", "always")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("\x1b[", run.stderr)
        self.assertEqual(meshc("diff", path, path, "--werror").returncode, 2)

    def test_policy_errors_fail_the_run(self):
        path = self.write("e.mesh", POLICY + 'test "x" { from nobody request GET "http://cart/"; '
                                             'expect routed cart.a; }\n')
        run = meshc("test", path)
        self.assertEqual(run.returncode, 1)
        self.assertIn("unknown workload 'nobody'", run.stderr)

    def test_explain_usage_errors_exit_2(self):
        path = self.write("x.mesh", POLICY)
        ok = meshc("explain", path, "--from", "web", "--request", "GET http://cart/",
                   "-H", "X-B: yes")
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertIn('yes  header "x-b" present  (header "x-b" is "yes")', ok.stdout)
        self.assertIn("decision: routed to cart.b", ok.stdout)
        for args in (["--from", "nobody", "--request", "GET http://cart/"],
                     ["--from", "web", "--request", "GET"],
                     ["--from", "web", "--request", "GET http://cart/", "-H", "no-colon"]):
            run = meshc("explain", path, *args)
            self.assertEqual(run.returncode, 2, args)
            self.assertTrue(run.stderr.startswith("meshc: "), run.stderr)

    def test_diff_exit_statuses_and_workload_filter(self):
        old = self.write("old.mesh", POLICY)
        same = meshc("diff", old, old)
        self.assertEqual((same.returncode, same.stdout), (0, "no decision changes\n"))
        new = self.write("new.mesh", POLICY.replace('"x-b" present', '"x-b" == "1"'))
        run = meshc("diff", old, new)
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertIn('workload web, host "cart":\n', run.stdout)
        self.assertIn(f"  rule {old}:6:11 -> rule {new}:6:42\n", run.stdout)
        self.assertIn("    old: routed to cart.b, no timeout\n    new: routed to cart.a, no timeout\n",
                      run.stdout)
        self.assertIn("1 class of requests changes", run.stdout)
        self.assertEqual(meshc("diff", old, new, "--from", "nobody").returncode, 2)
        broken = self.write("broken.mesh", "service {")
        self.assertEqual(meshc("diff", old, broken).returncode, 2)
        # A workload only one version has is not "no change".
        renamed = self.write("renamed.mesh", POLICY.replace("workload web", "workload front"))
        run = meshc("diff", old, renamed)
        self.assertEqual(run.returncode, 1, run.stdout)
        self.assertIn("note: workload web is only in the old policy", run.stdout)

    def test_coverage_counts_policies_without_tests(self):
        self.write("tested.mesh", POLICY + PASSING)
        self.write("untested.mesh", POLICY.replace("cart", "shop"))
        run = meshc("test", self.tmp.name, "--min-coverage", "100")
        self.assertEqual(run.returncode, 1, run.stdout)
        self.assertIn("coverage: 1 of 4 rules", run.stdout)

    def test_compile_names_stale_sidecars_and_clean_removes_only_them(self):
        self.assertTrue(os.path.exists(os.path.join(os.path.dirname(MESHC), "..", "..", "runtime",
                                                    "libmeshrt.a")), "no runtime beside this meshc")
        out = os.path.join(self.tmp.name, "out")
        os.makedirs(out)
        for name in ("sidecar-gone", "sidecar-web.bak.txt", "sidecar-data", "notes.txt"):
            self.write(os.path.join("out", name), "old")
        for name in ("sidecar-gone", "sidecar-web.bak.txt"):
            os.chmod(os.path.join(out, name), 0o755)  # sidecar-data stays a plain data file
        policy = self.write("p.mesh", POLICY)
        run = meshc("compile", policy, "-o", out)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn(f"{out}/sidecar-gone is from a workload the policy no longer has", run.stderr)
        self.assertTrue(os.path.exists(os.path.join(out, "sidecar-gone")))
        run = meshc("compile", policy, "-o", out, "--clean")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(sorted(os.listdir(out)),
                         ["notes.txt", "sidecar-data", "sidecar-web", "sidecar-web.bak.txt"])

    def test_bash_completion_offers_commands_options_and_policies(self):
        script = meshc("completion", "bash")
        self.assertEqual(script.returncode, 0, script.stderr)
        self.write("policy.mesh", POLICY)
        self.write("notes.txt", "")

        def complete(*words):
            line = " ".join(words)
            run = subprocess.run(
                ["bash", "-c", script.stdout + f"COMP_WORDS=({line}); "
                 f"COMP_CWORD={len(words) - 1}; _meshc; echo \"${{COMPREPLY[@]}}\""],
                capture_output=True, text=True, timeout=30, check=False, cwd=self.tmp.name)
            return run.stdout.split()

        self.assertEqual(complete("meshc", "te"), ["test"])
        self.assertEqual(complete("meshc", "test", "--cov"), ["--coverage"])
        self.assertEqual(complete("meshc", "explain", "--se"), ["--seed"])
        self.assertEqual(complete("meshc", "check", "po"), ["policy.mesh"])
        self.assertIn("bashcompinit", meshc("completion", "zsh").stdout)
        self.assertEqual(meshc("completion", "fish").returncode, 2)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1] + sys.argv[2:])
