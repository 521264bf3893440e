"""What every browser test needs: a throwaway `redress serve --test-clock` on loopback, its API, a headless
Chromium, screenshots, and waiting for a page to be replaced after a click."""
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ADMIN = "adm_browser-test-token-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The binary under test on a fresh SQLite file, with the test clock and a known admin token."""

    def __init__(self, binary, prefix):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.work = tempfile.mkdtemp(prefix=prefix)
        env = dict(os.environ, REDRESS_ADMIN_TOKEN=ADMIN, LOG_LEVEL="warning")
        self.process = subprocess.Popen(
            [binary, "serve", "--test-clock", "--port", str(self.port), "--database", f"sqlite:{self.work}/browser.sqlite",
             "--mail-dir", f"{self.work}/mail", "--public-url", self.base],
            cwd=self.work, env=env, stdout=open(f"{self.work}/server.log", "w"), stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                urllib.request.urlopen(self.base + "/ready")
                break
            except Exception:
                time.sleep(0.2)

    def api(self, method, path, body=None, token=ADMIN):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, method=method, headers=headers,
                                         data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(request) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path} → {error.code}: {error.read()[:500]!r}") from None

    def advance(self, duration):
        return self.api("POST", "/api/v1/test-clock", {"advanceBy": duration}, token="")["now"]

    def mailed_token(self, to, path="/c/", seconds=20):
        """The token of the newest link under `path` in a mail delivered to `to` (the .eml files, as received)."""
        import email
        import email.policy
        import glob
        import re
        deadline = time.time() + seconds
        while time.time() < deadline:
            found = []
            for name in glob.glob(f"{self.work}/mail/*.eml"):
                with open(name, "rb") as handle:
                    message = email.message_from_binary_file(handle, policy=email.policy.default)
                if to not in str(message.get("To", "")):
                    continue
                text = message.get_body(preferencelist=("plain",)).get_content()
                for token in re.findall(re.escape(path) + r"([A-Za-z0-9_-]{40,})", text):
                    found.append((os.path.getmtime(name), token))
            if found:
                return max(found)[1]
            time.sleep(0.3)
        raise AssertionError(f"no mail to {to} with a {path} link")

    def log_tail(self):
        return open(f"{self.work}/server.log").read()[-3000:]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def chromium():
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                     "--lang=en-US"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(3)
    return driver


class Steps:
    """Numbered screenshots of each step in the artifacts folder."""

    def __init__(self, folder, prefix=""):
        self.folder = folder
        self.prefix = prefix
        self.names = []
        os.makedirs(folder, exist_ok=True)

    def shot(self, driver, name):
        path = os.path.join(self.folder, f"{self.prefix}{len(self.names) + 1:02d}-{name}.png")
        driver.save_screenshot(path)
        self.names.append(name)
        print(f"  step {len(self.names)}: {name} ({path})")


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def click_and_wait(driver, by, selector, accept_alert=False):
    """Clicks a submit control and waits until the next page has replaced this one."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(by, selector).click()
    if accept_alert:
        WebDriverWait(driver, 10).until(expected_conditions.alert_is_present())
        driver.switch_to.alert.accept()

    def replaced(_):
        # Any error about the old element (stale, or "does not belong to the document" mid-navigation) means it is gone.
        try:
            page.is_enabled()
            return False
        except WebDriverException:
            return True

    WebDriverWait(driver, 15).until(replaced)
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")


def no_script_ran(driver):
    expect(driver.execute_script("return window.pwned === undefined"), "a hostile script ran on " + driver.current_url)
