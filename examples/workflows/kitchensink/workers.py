#!/usr/bin/env python3
"""The Python workers of the kitchensink workflow: saucier (a sauce per dish; stir adds salt each
round) and garnisher. The C++ ones (Pantry, Chef, Sommelier) run in pledge-bootstrap.

    PYTHONPATH=sdk/python python3 examples/workflows/kitchensink/workers.py --url URL --token T
"""

from pledge_sdk import Worker, serve_from_command_line

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


if __name__ == "__main__":
    serve_from_command_line(WORKERS, __doc__, threads=4)
