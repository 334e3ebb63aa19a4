"""Domain events other parts subscribe to (e-mails, back office), sent after the change is committed.

Senders never depend on receivers: a receiver that fails must not undo or block a payment, so each
receiver is responsible for catching its own errors.
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
