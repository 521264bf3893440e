#!/usr/bin/env python3
"""The mediation flow in a real browser (headless Chromium driven by selenium) against `redress serve --test-clock`.

A customer writes a 2-star review; staff find it in Open Dialogs with the default filter, open the dialog, reply and
add a note; the customer sees the reply and not the note, confirms resolution and edits to 4 stars; staff confirm and
close; the dialog is in Closed Dialogs; after the hold the profile shows the new rating with its label. Hostile text
is typed into every field on the way and must come out as text. Screenshots of each step go to the artifacts folder.

usage: mediation_flow.py REDRESS_BINARY ARTIFACTS_DIR
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

BINARY, ARTIFACTS = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
os.makedirs(ARTIFACTS, exist_ok=True)
ADMIN = "adm_browser-test-token-0123456789"
HOSTILE = '<script>window.pwned=1</script>"><img src=x onerror="window.pwned=2">{{7*7}}'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"
work = tempfile.mkdtemp(prefix="redress-browser-")
env = dict(os.environ, REDRESS_ADMIN_TOKEN=ADMIN, LOG_LEVEL="warning")
server = subprocess.Popen(
    [BINARY, "serve", "--test-clock", "--port", str(PORT), "--database", f"sqlite:{work}/browser.sqlite",
     "--mail-dir", f"{work}/mail", "--public-url", BASE],
    cwd=work, env=env, stdout=open(f"{work}/server.log", "w"), stderr=subprocess.STDOUT)


def api(method, path, body=None, token=ADMIN):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(BASE + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")


steps = []


def shot(driver, name):
    path = os.path.join(ARTIFACTS, f"{len(steps) + 1:02d}-{name}.png")
    driver.save_screenshot(path)
    steps.append(name)
    print(f"  step {len(steps)}: {name} ({path})")


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


def staff_sign_in(driver):
    driver.delete_all_cookies()
    driver.get(f"{BASE}/login")
    driver.find_element(By.ID, "email").send_keys("agent@browser.test")
    driver.find_element(By.ID, "password").send_keys("browser-password-1")
    click_and_wait(driver, By.CSS_SELECTOR, "button[type=submit].primary")


def no_script_ran(driver):
    expect(driver.execute_script("return window.pwned === undefined"), "a hostile script ran on " + driver.current_url)


try:
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/ready")
            break
        except Exception:
            time.sleep(0.2)
    shop = api("POST", "/api/v1/admin/shops", {"name": "Sklep <b>Test</b>", "slug": "browser-shop", "locale": "en",
                                               "timeZone": "Europe/Warsaw"})
    api("POST", f"/api/v1/admin/shops/{shop['id']}/staff", {"email": "agent@browser.test", "name": "Agent " + HOSTILE,
                                                            "role": "agent", "password": "browser-password-1"})
    now = api("POST", "/api/v1/test-clock", {"advanceBy": "PT1M"}, token="")["now"]
    api("POST", "/api/v1/orders", {
        "externalId": "WEB-1001", "placedAt": now, "deliveredAt": now,
        "customer": {"email": "jan@example.com", "name": "Jan " + HOSTILE, "locale": "en"},
        "items": [{"productId": "MUG-1", "name": "Mug"}]}, token=shop["apiKey"])
    link = api("POST", "/api/v1/orders/WEB-1001/review-invitation", {}, token=shop["apiKey"])
    token = link["token"]

    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                     "--lang=en-US"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(3)
    try:
        # 1. The customer writes a 2-star review.
        driver.get(f"{BASE}/r/{token}")
        expect(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "customer page language")
        driver.find_element(By.CSS_SELECTOR, "input[name=rating][value='2']").click()
        driver.find_element(By.ID, "title").send_keys("Broken " + HOSTILE)
        driver.find_element(By.ID, "body").send_keys("The mug arrived broken. " + HOSTILE)
        shot(driver, "review-form")
        click_and_wait(driver, By.CSS_SELECTOR, "button[type=submit].primary")
        expect("will be published on" in driver.page_source,
               "the customer is told the latest publication date: " + driver.find_element(By.TAG_NAME, "main").text[:300])
        expect(HOSTILE.replace("<", "&lt;").replace(">", "&gt;")[:20] in driver.page_source, "hostile text is escaped")
        no_script_ran(driver)
        shot(driver, "review-in-standby")

        # 2. Staff sign in and find it in Open Dialogs with the default filter.
        staff_sign_in(driver)
        expect("/panel/dialogs" in driver.current_url, "sign-in lands on Open Dialogs")
        rows = driver.find_elements(By.CSS_SELECTOR, "#dialogs tbody tr")
        expect(len(rows) == 1 and "WEB-1001" in rows[0].text, "the held review is in Open Dialogs")
        no_script_ran(driver)
        shot(driver, "open-dialogs")
        click_and_wait(driver, By.CSS_SELECTOR, "#dialogs a.go")
        click_and_wait(driver, By.ID, "open-dialog")
        expect("/panel/dialogs/" in driver.current_url, "the dialog opened")

        # 3. Reply (e-mailed to the customer) and an internal note.
        driver.find_element(By.ID, "reply").send_keys("We are sorry! A new mug is on its way. " + HOSTILE)
        click_and_wait(driver, By.ID, "send-reply")
        driver.find_element(By.ID, "note").send_keys("Courier damage again - internal only")
        click_and_wait(driver, By.ID, "save-note")
        thread = driver.find_element(By.ID, "thread").text
        expect("A new mug is on its way" in thread and "internal only" in thread, "reply and note in the thread")
        expect(len(driver.find_elements(By.CSS_SELECTOR, "#thread li.note")) == 1, "the note looks different")
        no_script_ran(driver)
        shot(driver, "dialog-reply-and-note")
        # R11: an offer tied to the review is warned about before it is sent.
        driver.find_element(By.ID, "reply").send_keys("We will refund you if you remove the review.")
        click_and_wait(driver, By.ID, "send-reply")
        expect(driver.find_element(By.ID, "incentive-warning").is_displayed(), "the incentive warning is shown first")
        shot(driver, "incentive-warning")
        expect("refund you" not in driver.find_element(By.ID, "thread").text, "nothing was sent before confirming")

        # 4. The customer sees the reply, not the note; confirms resolution; edits to 4 stars.
        driver.delete_all_cookies()
        driver.get(f"{BASE}/c/{token}")
        page = driver.page_source
        expect("A new mug is on its way" in page, "the customer sees the reply")
        expect("internal only" not in page, "the customer never sees the note")
        no_script_ran(driver)
        shot(driver, "customer-sees-reply")
        click_and_wait(driver, By.ID, "resolved")
        shot(driver, "confirm-resolution")
        click_and_wait(driver, By.ID, "confirm")
        driver.find_element(By.CSS_SELECTOR, "#edit-h")
        driver.find_element(By.XPATH, "//form[contains(@action,'/edit')]//input[@name='rating'][@value='4']").click()
        body = driver.find_element(By.ID, "edit-body")
        body.clear()
        body.send_keys("Broken at first, but the shop sent a new mug at once.")
        click_and_wait(driver, By.ID, "save-version")
        expect("4 of 5 stars" in driver.page_source, "the new version shows 4 stars")
        shot(driver, "customer-edited")

        # 5. Staff confirm and close; the dialog is in Closed Dialogs as resolved by the customer.
        staff_sign_in(driver)
        click_and_wait(driver, By.CSS_SELECTOR, "#dialogs a.go")
        click_and_wait(driver, By.ID, "close-dialog", accept_alert=True)
        driver.get(f"{BASE}/panel/dialogs?state=closed")
        closed = driver.find_element(By.ID, "dialogs").text
        expect("WEB-1001" in closed and "Resolved by the customer" in closed, "closed with the customer's outcome")
        shot(driver, "closed-dialogs")

        # 6. After the hold, the profile shows the new rating with its label.
        api("POST", "/api/v1/test-clock", {"advanceBy": "P14D"}, token="")
        driver.get(f"{BASE}/shops/browser-shop")
        profile = driver.page_source
        review = driver.find_element(By.CSS_SELECTOR, "article.review").text
        expect("4 of 5 stars" in review and "Changed after a dialog with the shop on" in review,
               "the published review shows 4 stars and the label: " + review)
        average = driver.find_element(By.ID, "average").text
        expect(average.startswith("4"), f"the average counts the current version, not {average}: "
               + json.dumps(api("GET", "/api/v1/public/shops/browser-shop/summary", token="")) + " " + work)
        no_script_ran(driver)
        shot(driver, "profile")
        driver.get(f"{BASE}/shops/browser-shop?lang=el")
        expect(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "el", "the profile in Greek")
        shot(driver, "profile-greek")
        driver.set_window_size(360, 800)
        driver.get(f"{BASE}/c/{token}")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        expect(width <= 360, f"no horizontal scrolling on a 360 px phone (page is {width} px wide)")
        shot(driver, "phone-case-page")
    finally:
        driver.quit()
    print(f"browser flow: {len(steps)} steps passed, screenshots in {ARTIFACTS}")
except Exception:
    print(open(f"{work}/server.log").read()[-3000:])
    raise
finally:
    server.terminate()
    server.wait(timeout=10)
