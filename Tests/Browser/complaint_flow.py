#!/usr/bin/env python3
"""The complaint flow in a real browser (headless Chromium driven by selenium) against `redress serve --test-clock`.

A customer files a complaint with a photo through the shop's form (order number + e-mail, then the item, the
details and the photo); staff
find it at the top of the queue, fill a reply from a template, send it, and decide; once the letter has gone out the
customer sees the decision on the status page. Hostile text is typed on the way and must come out as text.

usage: complaint_flow.py REDRESS_BINARY ARTIFACTS_DIR
"""
import os
import sys
from datetime import datetime, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import Server, Steps, chromium, click_and_wait, expect, no_script_ran  # noqa: E402

BINARY, ARTIFACTS = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
HOSTILE = '<script>window.pwned=1</script>"><img src=x onerror="window.pwned=2">'
server = Server(BINARY, "redress-complaint-browser-")
BASE = server.base
api = server.api
work = server.work
steps = Steps(ARTIFACTS, prefix="complaint-")
shot = steps.shot

try:
    shop = api("POST", "/api/v1/admin/shops", {"name": "Sklep Test", "slug": "complaint-shop", "locale": "en",
                                               "timeZone": "Europe/Warsaw"})
    api("POST", f"/api/v1/admin/shops/{shop['id']}/staff", {"email": "agent@browser.test", "name": "Agent Anna",
                                                            "role": "agent", "password": "browser-password-1"})
    now = api("POST", "/api/v1/test-clock", {"advanceBy": "PT1M"}, token="")["now"]
    for number in ["WEB-2001", "WEB-2002"]:
        api("POST", "/api/v1/orders", {
            "externalId": number, "placedAt": now, "deliveredAt": now,
            "customer": {"email": "jan@example.com", "name": "Jan Nowak", "locale": "en"},
            "items": [{"productId": "MUG-1", "name": "Mug", "quantity": 2}]}, token=shop["apiKey"])
    # An older complaint filed by phone yesterday: the new one must still be found by its due date order.
    yesterday = (datetime.fromisoformat(now.replace("Z", "+00:00")) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    api("POST", "/api/v1/complaints", {"orderExternalId": "WEB-2002", "category": "wrong_item", "channel": "phone",
                                       "receivedAt": yesterday, "description": "By phone"}, token=shop["apiKey"])
    template = api("POST", "/api/v1/complaint-templates", {
        "name": "Acknowledge", "language": "en",
        "body": "Dear {{customer.firstName}}, we received complaint {{complaint.reference}} and will answer by {{complaint.answerDueAt}}."},
        token=shop["apiKey"])

    driver = chromium()
    try:
        # 1. The customer files a complaint.
        driver.get(f"{BASE}/shops/complaint-shop/complaint")
        driver.find_element(By.ID, "order").send_keys("WEB-2001")
        driver.find_element(By.ID, "email").send_keys("JAN@example.com")
        click_and_wait(driver, By.CSS_SELECTOR, "button[type=submit].primary")
        driver.find_element(By.CSS_SELECTOR, "input[name=item][value='MUG-1']").click()
        Select(driver.find_element(By.ID, "category")).select_by_value("damaged_in_transit")
        driver.find_element(By.ID, "description").send_keys("The mug arrived in pieces. " + HOSTILE)
        Select(driver.find_element(By.ID, "requestedRemedy")).select_by_value("replacement")
        photo = os.path.join(work, "broken-mug.jpg")
        with open(photo, "wb") as f:
            f.write(bytes([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + b"JFIF\x00 a tiny photo of a broken mug")
        driver.find_element(By.ID, "photos").send_keys(photo)
        shot(driver, "form")
        click_and_wait(driver, By.CSS_SELECTOR, "button[type=submit].primary")
        filed = driver.find_element(By.ID, "filed").text
        reference = driver.find_element(By.TAG_NAME, "h1").text.split()[1]
        expect(reference.startswith("RC-") and "must answer by" in filed, "filed with a reference and a due date: " + filed)
        shot(driver, "filed")

        # 2. Staff find it in the queue, sorted by the legal due date.
        driver.delete_all_cookies()
        driver.get(f"{BASE}/login")
        driver.find_element(By.ID, "email").send_keys("agent@browser.test")
        driver.find_element(By.ID, "password").send_keys("browser-password-1")
        click_and_wait(driver, By.CSS_SELECTOR, "button[type=submit].primary")
        driver.get(f"{BASE}/panel/complaints")
        rows = driver.find_elements(By.CSS_SELECTOR, "#complaints tbody tr")
        expect(len(rows) == 2 and reference in rows[1].text, "both complaints listed, the phone one first by due date")
        shot(driver, "queue")
        click_and_wait(driver, By.LINK_TEXT, reference)
        expect("The mug arrived in pieces." in driver.page_source, "the description is shown")
        expect("broken-mug.jpg" in driver.find_element(By.ID, "attachments").text, "the photo is attached")
        no_script_ran(driver)

        # 3. A reply from the template, then a decision.
        Select(driver.find_element(By.ID, "template")).select_by_value(template["id"])
        click_and_wait(driver, By.CSS_SELECTOR, "#template-form button")
        reply = driver.find_element(By.ID, "reply").get_attribute("value")
        expect(reply.startswith("Dear Jan, we received complaint " + reference), "the template is filled in: " + reply)
        click_and_wait(driver, By.ID, "send-reply")
        expect("Dear Jan" in driver.find_element(By.CSS_SELECTOR, "ol.thread").text, "the reply is in the thread")
        shot(driver, "replied")
        driver.find_element(By.CSS_SELECTOR, "input[name=outcome][value='accepted']").click()
        Select(driver.find_element(By.ID, "remedy")).select_by_value("price_reduction")
        driver.find_element(By.ID, "amount").send_keys("20")
        click_and_wait(driver, By.ID, "preview-decision")
        preview = driver.find_element(By.ID, "letter-preview").text
        expect("accepted" in preview and "20" in preview, "the exact letter before sending: " + preview)
        expect(driver.find_element(By.ID, "decision-warnings").is_displayed(), "a remedy other than requested is flagged")
        expect(not driver.find_elements(By.ID, "decision"), "the preview sent nothing")
        shot(driver, "decision-preview")
        Select(driver.find_element(By.ID, "remedy")).select_by_value("replacement")
        driver.find_element(By.ID, "amount").clear()
        click_and_wait(driver, By.ID, "preview-decision")
        expect(not driver.find_elements(By.ID, "decision-warnings"), "the requested remedy: no warning")
        click_and_wait(driver, By.ID, "send-decision")
        expect("14" in driver.find_element(By.ID, "answered").text, "answered at once, with the day of the term")
        expect(driver.find_element(By.ID, "decision").is_displayed(), "the decision is recorded")
        shot(driver, "decided")

        # 4. The letter goes out; the customer sees the decision on the status page.
        api("POST", "/api/v1/test-clock", {"advanceBy": "PT1M"}, token="")
        driver.delete_all_cookies()
        driver.get(f"{BASE}/complaints/status")
        driver.find_element(By.ID, "reference").send_keys(reference)
        driver.find_element(By.ID, "email").send_keys("jan@example.com")
        click_and_wait(driver, By.CSS_SELECTOR, "button[type=submit].primary")
        decision = driver.find_element(By.ID, "decision").text
        expect("accepted" in decision and "Replacement" in decision, "the customer sees the decision: " + decision)
        expect("Dear Jan" in driver.page_source, "and the conversation")
        no_script_ran(driver)
        shot(driver, "status-page")
    finally:
        driver.quit()
    print(f"complaint browser flow: {len(steps.names)} steps passed, screenshots in {ARTIFACTS}")
except Exception:
    print(server.log_tail())
    raise
finally:
    server.stop()
