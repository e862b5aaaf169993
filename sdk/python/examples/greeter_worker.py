#!/usr/bin/env python3
"""A Python worker serving Greeter#1.0: greet(name) -> "Hello, NAME". Stop it with Ctrl-C.

    PYTHONPATH=sdk/python python3 sdk/python/examples/greeter_worker.py --url http://127.0.0.1:8080

A decider calls it like any actor: a task {"actor": "Greeter#1.0", "method": "greet",
"type": "worker", "args": [{"value": "Ann"}]} resolves to "Hello, Ann".
"""
import argparse
import logging
import os
import sys

from pledge_sdk import Client, PledgeError, Runner, TaskFailure, Worker

greeter = Worker("Greeter#1.0")


@greeter.method("greet")
def greet(name):
    if not isinstance(name, str) or not name.strip():
        raise TaskFailure("EmptyName", f"nobody to greet: {name!r}", retryable=False)
    return f"Hello, {name}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("PLEDGE_URL", "http://127.0.0.1:8080"),
                        help="the pledge-server (default $PLEDGE_URL or http://127.0.0.1:8080)")
    parser.add_argument("--token", default=os.environ.get("PLEDGE_TOKEN"),
                        help="a worker token (default $PLEDGE_TOKEN)")
    parser.add_argument("--threads", type=int, default=4, help="greetings at once")
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.info("serving Greeter#1.0 from %s", options.url)
    try:
        Runner(Client(options.url, token=options.token), [greeter], threads=options.threads).run()
    except PledgeError as error:
        sys.exit(f"greeter_worker: {error}")
    logging.info("stopped")


if __name__ == "__main__":
    main()
