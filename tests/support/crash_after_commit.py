"""Run as a process of its own: mark an order shipped, then die with SIGKILL the moment that change
commits — after the commit, before any e-mail could be sent (the harshest crash: no cleanup at all).

Usage: python -m tests.support.crash_after_commit '<app config as JSON>' <order id>
"""

import json
import os
import signal
import sys

from sqlalchemy import event

from storefront import create_app, fulfilment
from storefront.extensions import db


def main(config_json: str, order_id: int) -> None:
    app = create_app(json.loads(config_json))
    with app.app_context():
        # Listening before the change: this is the first after-commit hook of the session, so it runs
        # before anything the change itself registered (the outbox's "send after commit"). Savepoints
        # (one per mail receiver) also end in "after_commit": only the transaction's own commit counts.
        def die(session):
            if session.get_nested_transaction() is None:
                os.kill(os.getpid(), signal.SIGKILL)

        event.listen(db.session(), "after_commit", die)
        fulfilment.ship(order_id, "JNE REG", "JN0099887766", None, lambda _detail: None)
    sys.exit("still alive after the commit")  # never reached


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
