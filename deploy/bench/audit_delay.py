#!/usr/bin/env python3
"""How long after an audited act its entry shows in GET /admin/audit, against a running platform.

Signs in as the admin, registers one customer and one seller with a product, then N times in turn: changes the
customer's role (identity) or the seller's stock (catalog), and polls /admin/audit for the request's id every
POLL ms until it is there. Prints p50/p90/max of the delay from the act's response to the first poll that sees it.
Usage: deploy/bench/audit_delay.py <baseUrl> <adminEmail> <adminPassword> [acts=100] [pollMs=10]
Start the platform with RATE_LIMITS_ENABLED=false (the polls are many reads).
"""
import json, sys, time, uuid, urllib.request, urllib.error

base, email, password = sys.argv[1], sys.argv[2], sys.argv[3]
acts = int(sys.argv[4]) if len(sys.argv) > 4 else 100
poll = (int(sys.argv[5]) if len(sys.argv) > 5 else 10) / 1000


def call(method, path, token=None, body=None, request_id=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if request_id:
        req.add_header("X-Request-Id", request_id)
    try:
        with urllib.request.urlopen(req) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def account(account_type):
    address = f"bench-{uuid.uuid4().hex[:10]}@example.com"
    status, body = call("POST", "/api/v1/auth/register", body={"email": address, "password": "Bench-Audit-Lantern-7",
                                                                "fullName": "Rowan Tester", "accountType": account_type})
    assert status == 201, (status, body)
    status, body = call("POST", "/api/v1/auth/login", body={"email": address, "password": "Bench-Audit-Lantern-7"})
    assert status == 200, (status, body)
    return body["user"]["id"], body["accessToken"]


status, login = call("POST", "/api/v1/auth/login", body={"email": email, "password": password})
assert status == 200, (status, login)
admin = login["accessToken"]
customer, _ = account("customer")
seller, seller_token = account("seller")
sku = "AUDIT-" + uuid.uuid4().hex[:8].upper()
status, product = call("POST", "/api/v1/products", seller_token, {"name": "Audit bench lamp", "price": 1000, "currency": "usd",
                                                                  "variants": [{"sku": sku, "stock": 10}]})
assert status == 201, (status, product)

delays = {"identity": [], "catalog": []}
for i in range(acts):
    request_id = "audit-bench-" + uuid.uuid4().hex
    if i % 2 == 0:
        service, target = "identity", customer
        status, _ = call("PATCH", f"/api/v1/admin/users/{customer}", admin, {"role": "seller" if i % 4 == 0 else "customer"}, request_id)
    else:
        service, target = "catalog", sku
        status, _ = call("PUT", f"/api/v1/inventory/{sku}", seller_token, {"available": 10 + i}, request_id)
    assert status == 200, status
    answered = time.monotonic()
    while True:
        status, page = call("GET", f"/api/v1/admin/audit?target={target}&limit=5", admin)
        assert status == 200, (status, page)
        if any(e["requestId"] == request_id for e in page["items"]):
            delays[service].append((time.monotonic() - answered) * 1000)
            break
        time.sleep(poll)

for service, values in delays.items():
    values.sort()
    print(f"{service}: {len(values)} acts, entry visible after p50 {values[len(values) // 2]:.0f} ms, "
          f"p90 {values[int(len(values) * 0.9)]:.0f} ms, max {values[-1]:.0f} ms (polling every {poll * 1000:.0f} ms)")
