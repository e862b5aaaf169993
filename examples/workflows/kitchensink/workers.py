#!/usr/bin/env python3
"""The Python workers of the kitchensink workflow: saucier (a sauce per dish; stir adds salt each
round) and garnisher. The C++ ones (Pantry, Chef, Sommelier) run in pledge-bootstrap.

    PYTHONPATH=sdk/python python3 examples/workflows/kitchensink/workers.py --url URL --token T
"""
import argparse
import os
import sys

from pledge_sdk import Client, PledgeError, Runner, Worker

saucier = Worker("saucier#1")
garnisher = Worker("garnisher#1")


@saucier.method("execute")
def sauce(input):  # noqa: A002 - the workflow's word
    return "beurre blanc" if "fish" in input["dish"] else "jus"


@saucier.method("stir")
def stir(input):  # noqa: A002
    return {"salt": input["round"]}


@garnisher.method("execute")
def garnish(input):  # noqa: A002
    return "parsley on " + input["dish"]


WORKERS = [saucier, garnisher]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("PLEDGE_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--token", default=os.environ.get("PLEDGE_TOKEN"))
    options = parser.parse_args()
    try:
        Runner(Client(options.url, token=options.token), WORKERS, threads=4).run()
    except PledgeError as error:
        sys.exit(f"workers.py: {error}")


if __name__ == "__main__":
    main()
