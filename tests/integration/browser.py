"""Headless Chromium driven through ChromeDriver's W3C WebDriver protocol, for tests where only a
real browser's rules count (CORS). Standard library only: the WebDriver protocol is JSON over
HTTP, so no client library is needed.

Chromium runs with --host-resolver-rules, so pages use real host names (app.localhost,
api.localhost, port 80) that reach servers on 127.0.0.1's kernel-chosen ports: the origins a page
has, and the Host its requests carry, are the ones a policy names.
"""

import json
import os
import shutil
import urllib.error
import urllib.request

import meshtest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def available():
    return os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)


class Browser:
    """One ChromeDriver process and one headless Chromium session. `hosts` maps "name" to a port
    on 127.0.0.1: http://name/ reaches it."""

    def __init__(self, group, hosts):
        port = meshtest.unused_port()
        self.base = f"http://127.0.0.1:{port}"
        self.driver = group.start("chromedriver", [CHROMEDRIVER, f"--port={port}"])
        meshtest.wait_until(self._ready, meshtest.DEFAULT_TIMEOUT, what="chromedriver")
        rules = ", ".join(f"MAP {name}:80 127.0.0.1:{target}" for name, target in hosts.items())
        self.profile = os.path.join(group.workdir, "chromium-profile")
        options = {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", f"--user-data-dir={self.profile}",
                     f"--host-resolver-rules={rules}"],
        }
        session = self._call("POST", "/session",
                             {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}})
        self.session = f"/session/{session['sessionId']}"

    def _ready(self):
        try:
            return self._call("GET", "/status").get("ready", False)
        except (OSError, urllib.error.URLError):
            return False

    def _call(self, method, path, body=None, timeout=60):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read() or b"{}").get("value") or {}
        except urllib.error.HTTPError as error:
            raise meshtest.MeshTestError(
                f"WebDriver {method} {path}: {error.code} {error.read()[:2000]!r}") from None

    def open(self, url):
        self._call("POST", self.session + "/url", {"url": url})

    def run_async(self, script, *args):
        """Runs `script` in the page; it ends by calling done(value), whose value is returned."""
        wrapped = "const done = arguments[arguments.length - 1];\n" + script
        return self._call("POST", self.session + "/execute/async",
                          {"script": wrapped, "args": list(args)})

    def close(self):
        """Ends the session and ChromeDriver (through its /shutdown, so it exits 0)."""
        try:
            self._call("DELETE", self.session, timeout=10)
            self._call("GET", "/shutdown", timeout=10)
            self.driver.wait()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
