"""Seeds a shop for the load script through the public API: orders with review links, reviews (a third of them
held), a mediation dialog on each held one. Prints `dialog=<id>` lines and `review=<id>` lines."""
import json, sys, urllib.request

base, key, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

def call(method, path, body=None, auth=True):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if auth:
        request.add_header("Authorization", "Bearer " + key)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")

for i in range(count):
    external = f"SEED-{i}"
    call("POST", "/api/v1/orders", {
        "externalId": external, "placedAt": "2026-11-01T10:00:00Z", "deliveredAt": "2026-11-03T10:00:00Z",
        "customer": {"email": f"seed{i}@example.com", "name": f"Klient {i}", "locale": "pl"},
        "items": [{"productId": f"P-{i % 7}", "name": "Kubek żółty", "quantity": 1, "unitPrice": 19.99, "currency": "PLN"}],
    })
    token = call("POST", f"/api/v1/orders/{external}/review-invitation")["token"]
    rating = 2 if i % 3 == 0 else 5
    review = call("POST", f"/api/v1/customer/{token}/review",
                  {"rating": rating, "title": "Zamówienie", "body": "Paczka dotarła, kubek w porządku, ale pudełko było zgniecione."},
                  auth=False)
    print(f"review={review['reviewId']}")
    if rating == 2:
        dialog = call("POST", f"/api/v1/reviews/{review['reviewId']}/dialog")["dialogId"]
        print(f"dialog={dialog}")
