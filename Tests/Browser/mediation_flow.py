#!/usr/bin/env python3
"""The mediation flow in a real browser (headless Chromium driven by selenium) against `redress serve --test-clock`.

A customer writes a 2-star review; staff find it in Open Dialogs with the default filter, open the dialog, reply and
add a note; the customer sees the reply and not the note, confirms resolution and edits to 4 stars; staff confirm and
close; the dialog is in Closed Dialogs; after the hold the profile shows the new rating with its label. Hostile text
is typed into every field on the way and must come out as text. Screenshots of each step go to the artifacts folder.

usage: mediation_flow.py REDRESS_BINARY ARTIFACTS_DIR
"""
import os
import sys

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import Server, Steps, chromium, click_and_wait, expect, no_script_ran  # noqa: E402

BINARY, ARTIFACTS = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
HOSTILE = '<script>window.pwned=1</script>"><img src=x onerror="window.pwned=2">{{7*7}}'
server = Server(BINARY, "redress-browser-")
BASE = server.base
api = server.api
steps = Steps(ARTIFACTS)
shot = steps.shot


def staff_sign_in(driver):
    driver.delete_all_cookies()
    driver.get(f"{BASE}/login")
    driver.find_element(By.ID, "email").send_keys("agent@browser.test")
    driver.find_element(By.ID, "password").send_keys("browser-password-1")
    click_and_wait(driver, By.CSS_SELECTOR, "button[type=submit].primary")


try:
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

    driver = chromium()
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
        # The shop's link only shows the review; the customer's own link comes by e-mail (S3).
        expect("This link only shows your review" in driver.page_source, "the shop's link cannot change the review")
        expect(not driver.find_elements(By.ID, "resolved"), "no buttons to change it on the shop's link")
        token = server.mailed_token("jan@example.com")

        # 2. Staff sign in and find it in Open Dialogs with the default filter.
        staff_sign_in(driver)
        expect(driver.current_url.rstrip("/").endswith("/panel"), "sign-in lands on the home page of what is due")
        expect("WEB-1001" in driver.find_element(By.ID, "work-dialogs").text,
               "the held review waits for the shop's first step on the home page")
        driver.get(f"{BASE}/panel/dialogs")
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
        driver.get(f"{BASE}/panel/dialogs")
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
        stars = driver.find_element(By.CSS_SELECTOR, "article.review .stars").get_attribute("aria-label")
        expect(stars == "4 of 5 stars" and "★★★★☆" in review and "Changed after a dialog with the shop on" in review,
               "the published review shows 4 stars and the label: " + review)
        average = driver.find_element(By.ID, "average").text
        expect(average.startswith("4"), f"the average counts the current version, not {average}: "
               + str(api("GET", "/api/v1/public/shops/browser-shop/summary", token="")) + " " + server.work)
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
    print(f"browser flow: {len(steps.names)} steps passed, screenshots in {ARTIFACTS}")
except Exception:
    print(server.log_tail())
    raise
finally:
    server.stop()
