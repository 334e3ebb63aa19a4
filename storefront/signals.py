"""Domain events other parts subscribe to (e-mails), sent inside the write transaction of the change.

A receiver adds its work to that transaction (the e-mail outbox's row), so the change and what it causes
commit together or not at all: a crash after the commit cannot lose an e-mail. Senders never depend on
receivers: a receiver that fails must not undo or block a payment, so each receiver runs in a savepoint
and catches its own errors (mail/receivers.py); receivers never commit.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; kwargs: order_id
order_placed = _signals.signal("order-placed")
# sender: the Flask app; kwargs: order_id, old_status, new_status, attention
order_status_changed = _signals.signal("order-status-changed")
# sender: the Flask app; kwargs: order_id, refunded_idr (the order's refunded total after this refund).
# Sent for every refund made from the back office, also one that changes no order status (a second
# partial refund), so the shopper hears of each.
order_refunded = _signals.signal("order-refunded")
# sender: the Flask app; kwargs: order_id.
order_shipped = _signals.signal("order-shipped")
# sender: the Flask app; kwargs: order_id.
order_delivered = _signals.signal("order-delivered")
# sender: the Flask app; kwargs: order_id, attention. Sent when Midtrans data flags an order for the
# merchant without changing its status (e.g. an amount that does not match).
order_needs_attention = _signals.signal("order-needs-attention")
