#!/usr/bin/env python3
"""The workers of the notification workflow, in Python: query-db, sendSms, sendEmail and
sendWahtsapp (the names Orchy's notificationWorkflow gives them; imported SIMPLE tasks are served
by actors NAME#1, method execute, with the task's inputs as one argument).

    PYTHONPATH=sdk/python python3 examples/workflows/notification/workers.py --url URL --token T

Each sender records what it sent in SENT (the test reads it) and answers {"sent": ..., "to": ...}.
"""
import threading

from pledge_sdk import TaskFailure, Worker, serve_from_command_line

USERS = {
    "u-1": {"name": "Ann", "age": 34, "gender": "FEMALE", "email": "ann@example.com",
            "phone": "+33 6 11 11 11 11"},
    "u-2": {"name": "Bob", "age": 19, "gender": "MALE", "email": "bob@example.com",
            "phone": "+33 6 22 22 22 22"},
    "u-3": {"name": "Cleo", "age": 17, "gender": "FEMALE", "email": "cleo@example.com",
            "phone": "+33 6 33 33 33 33"},
}

SENT = []
_sent_lock = threading.Lock()

query_db = Worker("query-db#1")
send_sms = Worker("sendSms#1")
send_email = Worker("sendEmail#1")
send_whatsapp = Worker("sendWahtsapp#1")


@query_db.method("execute")
def find_user(input):  # noqa: A002 - the workflow's word
    user = USERS.get(input.get("userId"))
    if user is None:
        raise TaskFailure("UnknownUser", f"no user {input.get('userId')!r}", retryable=False)
    return {"user": dict(user, id=input["userId"])}


def _record(channel, to, message, subject=None):
    if not to or not message:
        raise TaskFailure("NothingToSend", f"{channel}: to={to!r} message={message!r}",
                          retryable=False)
    with _sent_lock:
        SENT.append({"channel": channel, "to": to, "message": message, "subject": subject})
    return {"sent": channel, "to": to}


@send_sms.method("execute")
def sms(input):  # noqa: A002
    return _record("sms", input.get("phoneNumber"), input.get("message"))


@send_email.method("execute")
def email(input):  # noqa: A002
    return _record("email", input.get("to"), input.get("message"), input.get("subject"))


@send_whatsapp.method("execute")
def whatsapp(input):  # noqa: A002
    return _record("whatsapp", input.get("phoneNumber"), input.get("message"))


WORKERS = [query_db, send_sms, send_email, send_whatsapp]


if __name__ == "__main__":
    serve_from_command_line(WORKERS, __doc__, threads=4)
