"""Mail that cannot be lost: the outbox row is written in the same transaction as the change that causes
the e-mail, so a process killed right after that commit (before sending) leaves the row for
`flask mail retry`. Before, the row was written after the commit, in a signal, and such a crash lost it."""

import json
import subprocess
import sys
from pathlib import Path

from storefront.extensions import db
from storefront.mail.models import OutboxMessage
from storefront.models import Order
from tests.support.admin import make_order

ROOT = Path(__file__).resolve().parent.parent


def test_a_process_killed_between_commit_and_send_loses_no_mail(app, app_config, sent_mail):
    order = make_order(status="paid", email="siti@example.co.id")
    order_id = order.id
    db.session.commit()
    db.session.remove()  # the child changes this order: hold no lock or open transaction on it
    config = {**app_config, "MAIL_BACKGROUND": True}  # as in production: send right after the commit

    child = subprocess.run(
        [sys.executable, "-m", "tests.support.crash_after_commit", json.dumps(config), str(order_id)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert child.returncode == -9, child.stderr[-2000:]  # SIGKILL, right after the commit
    assert db.session.get(Order, order_id).fulfilment_status == "shipped"
    [queued] = db.session.execute(db.select(OutboxMessage)).scalars().all()
    assert (queued.kind, queued.status, queued.recipient) == ("shipped", "pending", "siti@example.co.id")
    assert sent_mail == []

    result = app.test_cli_runner().invoke(args=["mail", "retry"])

    assert result.exit_code == 0, result.output
    assert "Sent 1 e-mail(s), 0 failed." in result.output
    [(recipient, _subject, body)] = sent_mail
    assert recipient == "siti@example.co.id" and "JN0099887766" in body
    db.session.rollback()
    assert db.session.execute(db.select(OutboxMessage.status)).scalar_one() == "sent"
