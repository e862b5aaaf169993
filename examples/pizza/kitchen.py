#!/usr/bin/env python3
"""The kitchen of the pizza example: an outside service that tells Pledge when pizzas are ready.

It finds the pizza orders whose process listens for pizzaReady and sends that event for each,
correlated by the order id, over the REST API (POST /api/v1/events). Standard library only.

    examples/pizza/kitchen.py --server http://127.0.0.1:8080 --once
"""
import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def call(server, token, method, path, body=None):
    request = urllib.request.Request(
        server.rstrip("/") + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        problem = json.loads(error.read() or b"{}").get("error", {})
        sys.exit(f"kitchen: {method} {path}: {error.code} {problem.get('message', '')}")
    except urllib.error.URLError as error:
        sys.exit(f"kitchen: cannot reach {server} ({error.reason}); is pledge-server running? "
                 "Pass --server URL")


def ready_orders(server, token):
    """(order id, pizza) of every order whose process listens for pizzaReady now."""
    query = urllib.parse.urlencode({"state": "running", "actor": "PizzaDecider#1.0",
                                    "limit": 1000})
    for process in call(server, token, "GET", "/api/v1/processes?" + query)["items"]:
        tasks = call(server, token, "GET", f"/api/v1/processes/{process['processId']}/tasks")
        place = next((t for t in tasks if t["method"] == "place"), None)
        listening = any(t["method"] == "pizzaReady" and t["state"] == "listening" for t in tasks)
        if place and place["state"] == "completed" and listening:
            yield place["result"], place["args"][0]["value"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.environ.get("PLEDGE_SERVER",
                                                           "http://127.0.0.1:8080"))
    parser.add_argument("--token", default=os.environ.get("PLEDGE_TOKEN"))
    parser.add_argument("--oven", type=int, default=1)
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    options = parser.parse_args()
    while True:
        for order_id, pizza in ready_orders(options.server, options.token):
            status = {"orderId": order_id, "pizza": pizza, "oven": options.oven}
            delivery = call(options.server, options.token, "POST", "/api/v1/events",
                            {"name": "pizzaReady", "key": order_id, "payload": status,
                             "id": "ready-" + order_id})
            print(f"{pizza} for {order_id} is ready: resolved {delivery['resolved']} waiting task(s)")
        if options.once:
            return
        time.sleep(1)


if __name__ == "__main__":
    main()
