#!/usr/bin/env python3
"""Every panel page in a real browser (issue 17): at 1366 px and at 360 px, in Polish and in English, each page is
scanned by axe-core (the 4.x script bundled in a PyPI wheel) and must have 0 violations, must not scroll sideways,
and is kept as a screenshot in the artifacts folder (`panel-<page>-<lang>-<width>.png`).

The shop is filled through the API first so that every list has rows: a held 2-star review with an open dialog, a
complaint, a reply template.

usage: panel_pages.py REDRESS_BINARY ARTIFACTS_DIR
"""
import glob
import importlib.util
import json
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import Server, chromium, click_and_wait, expect, no_script_ran  # noqa: E402

BINARY, ARTIFACTS = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
os.makedirs(ARTIFACTS, exist_ok=True)


def axe_script():
    """axe-core 4.x from a PyPI wheel (installed by scripts/test); the newest bundled copy wins."""
    found = []
    for package in ["axe_playwright_python", "selenium_axe_python", "axe_selenium_python"]:
        spec = importlib.util.find_spec(package) if importlib.util.find_spec(package.split(".")[0]) else None
        if spec and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                found += glob.glob(os.path.join(folder, "**", "axe.min.js"), recursive=True)
    for path in found:
        source = open(path, encoding="utf-8").read()
        if "axe v4." in source[:400] or 'version="4.' in source:
            return source
    raise SystemExit("no axe-core 4.x script found (pip install --no-deps axe-playwright-python)")


AXE = axe_script()
server = Server(BINARY, "redress-pages-")
BASE = server.base
api = server.api


def viewport(driver, width):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 800})


def scan(driver, name, lang, width):
    """axe-core on the page as it stands; returns the violations as readable lines."""
    driver.execute_script(AXE)
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(JSON.stringify(r.violations)); })"
        ".catch(function (e) { done(JSON.stringify([{id: 'axe-error', help: String(e), nodes: []}])); });")
    lines = []
    for violation in json.loads(result):
        targets = "; ".join(" ".join(node.get("target", [])) for node in violation["nodes"][:3])
        lines.append(f"{name} [{lang} {width}px] {violation['id']}: {violation['help']} ({targets})")
    return lines


def sign_in(driver, email="owner@pages.test"):
    driver.delete_all_cookies()
    driver.get(f"{BASE}/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys("pages-password-1")
    click_and_wait(driver, By.CSS_SELECTOR, "button[type=submit].primary")


try:
    shop = api("POST", "/api/v1/admin/shops", {"name": "Sklep Stron", "slug": "pages-shop", "locale": "pl",
                                               "timeZone": "Europe/Warsaw"})
    api("POST", f"/api/v1/admin/shops/{shop['id']}/staff", {"email": "owner@pages.test", "name": "Olga Właścicielka",
                                                            "role": "owner", "password": "pages-password-1"})
    api("POST", f"/api/v1/admin/shops/{shop['id']}/staff", {"email": "agent@pages.test", "name": "Adam Agent",
                                                            "role": "agent", "password": "pages-password-1"})
    now = server.advance("PT1M")
    for number, locale in [("WEB-3001", "pl"), ("WEB-3002", "en")]:
        api("POST", "/api/v1/orders", {
            "externalId": number, "placedAt": now, "deliveredAt": now,
            "customer": {"email": f"{number.lower()}@example.com", "name": "Zofia Brzęczyszczykiewicz", "locale": locale},
            "items": [{"productId": "KUBEK-1", "name": "Kubek ceramiczny z bardzo długą nazwą produktu", "quantity": 1,
                       "unitPrice": 49.90, "currency": "PLN"}]}, token=shop["apiKey"])
    invitation = api("POST", "/api/v1/orders/WEB-3001/review-invitation", {}, token=shop["apiKey"])
    review = api("POST", f"/api/v1/customer/{invitation['token']}/review", {
        "rating": 2, "title": "Stłuczony", "body": "Kubek przyszedł stłuczony, opakowanie było zgniecione."}, token="")
    dialog = api("POST", f"/api/v1/reviews/{review['reviewId']}/dialog", {}, token=shop["apiKey"])
    complaint = api("POST", "/api/v1/complaints", {
        "orderExternalId": "WEB-3002", "category": "damaged_in_transit", "channel": "phone",
        "description": "Broken handle", "requestedRemedy": "replacement"}, token=shop["apiKey"])
    api("POST", "/api/v1/complaint-templates", {"name": "Potwierdzenie", "language": "pl",
                                                "body": "Dzień dobry {{customer.firstName}}, dziękujemy."},
        token=shop["apiKey"])

    driver = chromium()
    failures = []
    try:
        sign_in(driver)
        dialog_path = f"/panel/dialogs/{dialog['dialogId']}"
        reference = complaint["reference"]
        pages = [
            ("home", "/panel"), ("dialogs", "/panel/dialogs"), ("dialogs-closed", "/panel/dialogs?state=closed"),
            ("dialog", dialog_path), ("reviews", "/panel/reviews"), ("review", f"/panel/reviews/{review['reviewId']}"),
            ("complaints", "/panel/complaints"), ("complaint", f"/panel/complaints/{reference}"),
            ("complaint-new", "/panel/complaints/new"), ("reports", "/panel/reports"),
            ("notifications", "/panel/notifications"), ("settings-complaints", "/panel/settings/complaints"),
            ("settings-webhooks", "/panel/settings/webhooks"), ("settings-keys", "/panel/settings/api-keys"),
            ("account", "/panel/account"), ("search", "/panel/search?q=Zofia"),
        ]
        shots = 0
        for lang in ["pl", "en"]:
            driver.get(f"{BASE}/panel?lang={lang}")
            for width in [1366, 360]:
                viewport(driver, width)
                for name, path in pages:
                    driver.get(BASE + path)
                    expect(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang,
                           f"{name} is in {lang} (the language sticks)")
                    wide = driver.execute_script(
                        "return [document.documentElement.scrollWidth, window.innerWidth]")
                    if wide[0] > wide[1]:
                        failures.append(f"{name} [{lang} {width}px] scrolls sideways: {wide[0]} px on a {wide[1]} px screen")
                    failures += scan(driver, name, lang, width)
                    driver.save_screenshot(os.path.join(ARTIFACTS, f"panel-{name}-{lang}-{width}.png"))
                    shots += 1
        # The signed-out pages of the panel.
        driver.delete_all_cookies()
        for lang in ["pl", "en"]:
            for width in [1366, 360]:
                viewport(driver, width)
                for name, path in [("login", "/login"), ("password-forgot", "/login/forgot")]:
                    driver.get(f"{BASE}{path}?lang={lang}")
                    failures += scan(driver, name, lang, width)
                    driver.save_screenshot(os.path.join(ARTIFACTS, f"panel-{name}-{lang}-{width}.png"))
                    shots += 1
        print(f"  {shots} page views scanned by axe-core at 1366 and 360 px in pl and en")

        # The home page lists the work in its order: the legal clock first.
        sign_in(driver)
        viewport(driver, 1366)
        driver.get(f"{BASE}/panel?lang=en")
        tops = [driver.find_element(By.ID, f"work-{name}").location["y"]
                for name in ["complaints", "dialogs", "holds", "unanswered"]]
        expect(tops == sorted(tops), f"the home page's lists in the order of work: {tops}")
        expect(reference in driver.find_element(By.ID, "work-complaints").text, "the complaint is first in line")
        expect("WEB-3001" in driver.find_element(By.ID, "work-dialogs").text, "the dialog waits for the shop")

        # On a phone the menu folds behind one button and opens with it.
        viewport(driver, 360)
        driver.get(f"{BASE}/panel")
        menu = driver.find_element(By.ID, "menu-button")
        expect(menu.is_displayed() and not driver.find_element(By.CSS_SELECTOR, ".panel-nav").is_displayed(),
               "the navigation is folded on a phone")
        menu.click()
        expect(driver.find_element(By.CSS_SELECTOR, ".panel-nav").is_displayed()
               and menu.get_attribute("aria-expanded") == "true", "the button opens it")
        viewport(driver, 1366)

        # Two agents on one dialog: the second is warned before sending (Ctrl+Enter sends, as in a helpdesk).
        other = chromium()
        try:
            sign_in(other, "agent@pages.test")
            driver.get(BASE + dialog_path)
            other.get(BASE + dialog_path)
            expect(other.find_elements(By.ID, "presence"), "the agent sees that the owner has the dialog open")
            server.advance("PT1M")
            other.find_element(By.ID, "reply").send_keys("Odpowiedź agenta <b>x</b>")
            driver.find_element(By.ID, "reply").send_keys("Odpowiedź właścicielki")
            page = driver.find_element(By.TAG_NAME, "html")
            driver.find_element(By.ID, "reply").send_keys(Keys.CONTROL, Keys.ENTER)
            WebDriverWait(driver, 10).until(expected_conditions.staleness_of(page))
            expect(driver.find_elements(By.ID, "done"), "Ctrl+Enter sent the owner's reply")
            server.advance("PT1M")
            click_and_wait(other, By.ID, "send-reply")
            warning = other.find_element(By.ID, "collision-warning").text
            expect("Olga Właścicielka" in warning, "the agent is told who answered meanwhile: " + warning)
            expect(other.find_element(By.ID, "reply").get_attribute("value") == "Odpowiedź agenta <b>x</b>", "the text is kept")
            expect("Odpowiedź właścicielki" in other.find_element(By.ID, "thread").text, "the other reply is shown first")
            no_script_ran(other)
            other.save_screenshot(os.path.join(ARTIFACTS, "panel-dialog-collision-pl-1366.png"))
            click_and_wait(other, By.ID, "send-reply")
            expect(other.find_elements(By.ID, "done"), "sent after reading")
            expect("Odpowiedź agenta" in other.find_element(By.ID, "thread").text, "the agent's reply is in the thread")
        finally:
            other.quit()
        print("  home page order, folded phone menu, collision warning and Ctrl+Enter: ok")
    finally:
        driver.quit()
    if failures:
        print("\n".join(failures))
        raise AssertionError(f"{len(failures)} problems on the panel pages")
    print("panel pages: 0 axe-core violations, no sideways scrolling")
except Exception:
    print(server.log_tail())
    raise
finally:
    server.stop()
