"""The command line of a worker program: --url and --token (defaults $PLEDGE_URL, $PLEDGE_TOKEN),
logging to stderr, a Runner until SIGTERM or Ctrl-C.

    if __name__ == "__main__":
        pledge_sdk.serve_from_command_line(WORKERS, __doc__, threads=4)
"""
import argparse
import logging
import os
import sys

from .client import Client
from .errors import PledgeError
from .runner import Runner


def serve_from_command_line(workers, description, threads=4, argv=None):
    """Parses the arguments, then serves workers until stopped; exits with the error otherwise."""
    parser = argparse.ArgumentParser(description=(description or "").strip().splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("PLEDGE_URL", "http://127.0.0.1:8080"),
                        help="the pledge-server (default $PLEDGE_URL or http://127.0.0.1:8080)")
    parser.add_argument("--token", default=os.environ.get("PLEDGE_TOKEN"),
                        help="a worker token (default $PLEDGE_TOKEN)")
    parser.add_argument("--threads", type=int, default=threads, help="tasks run at once")
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        Runner(Client(options.url, token=options.token), workers, threads=options.threads).run()
    except PledgeError as error:
        sys.exit(f"{os.path.basename(sys.argv[0])}: {error}")
