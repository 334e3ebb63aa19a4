"""payment and fulfilment status: orders.status becomes payment_status; fulfilment_status beside it; refund lines

Both are non-native enums (VARCHAR + CHECK) so a later state is a constraint change on both databases.
Orders that already have a shipment become `shipped`; every other order starts `unfulfilled`.

Revision ID: b3f1c2d4e5a6
Revises: c3d5f7a9b1e2
Create Date: 2026-12-01 03:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f1c2d4e5a6'
down_revision = 'c3d5f7a9b1e2'
branch_labels = None
depends_on = None

PAYMENT = ("awaiting_payment", "paid", "under_review", "expired", "cancelled", "failed", "refunded", "partially_refunded")
FULFILMENT = ("unfulfilled", "shipped", "delivered", "returned")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_status')
        batch_op.alter_column('status', new_column_name='payment_status', existing_type=sa.String(length=24),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('fulfilment_status', sa.String(length=24), nullable=False,
                                      server_default='unfulfilled'))
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_payment_status'), ['payment_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_fulfilment_status'), ['fulfilment_status'], unique=False)
        batch_op.create_check_constraint(op.f('ck_orders_payment_status'), _in('payment_status', PAYMENT))
        batch_op.create_check_constraint(op.f('ck_orders_fulfilment_status'), _in('fulfilment_status', FULFILMENT))
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivered_at', sa.DateTime(), nullable=True))
    op.create_table('refund_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refund_id', sa.Integer(), nullable=False),
    sa.Column('order_item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_refund_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['order_item_id'], ['order_items.id'], name=op.f('fk_refund_lines_order_item_id_order_items')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_refund_lines_refund_id_refunds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_lines'))
    )
    with op.batch_alter_table('refund_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_lines_order_item_id'), ['order_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_lines_refund_id'), ['refund_id'], unique=False)
    # Data: an order with a shipment row was shipped (delivery was never recorded before this revision).
    op.execute("UPDATE orders SET fulfilment_status = 'shipped' WHERE id IN (SELECT order_id FROM shipments)")


def downgrade():
    op.drop_table('refund_lines')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_column('delivered_at')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_orders_fulfilment_status'), type_='check')
        batch_op.drop_constraint(op.f('ck_orders_payment_status'), type_='check')
        batch_op.drop_index(batch_op.f('ix_orders_fulfilment_status'))
        batch_op.drop_index(batch_op.f('ix_orders_payment_status'))
        batch_op.drop_column('fulfilment_status')
        batch_op.alter_column('payment_status', new_column_name='status', existing_type=sa.String(length=24),
                              existing_nullable=False)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_status', ['status'], unique=False)
