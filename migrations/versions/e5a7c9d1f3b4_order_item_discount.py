"""order item discount: each line's share of the voucher's discount on the items, stored at checkout

Per-line refunds give back what was paid for the units (price less their share). Lines of orders placed
before this revision get 0 and are refunded at their price, as they were.

Revision ID: e5a7c9d1f3b4
Revises: d4e6a8c0b2f1
Create Date: 2026-12-01 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a7c9d1f3b4'
down_revision = 'd4e6a8c0b2f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount_idr', sa.BigInteger(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.drop_column('discount_idr')
