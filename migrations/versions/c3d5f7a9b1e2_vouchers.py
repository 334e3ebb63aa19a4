"""vouchers: codes with terms and an atomic usage counter, their categories and one row per use

Revision ID: c3d5f7a9b1e2
Revises: b7e1c4a9d2f0
Create Date: 2026-12-01 04:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d5f7a9b1e2'
down_revision = 'b7e1c4a9d2f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vouchers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=True),
    sa.Column('amount_idr', sa.BigInteger(), nullable=True),
    sa.Column('max_discount_idr', sa.BigInteger(), nullable=True),
    sa.Column('min_subtotal_idr', sa.BigInteger(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('usage_limit', sa.Integer(), nullable=True),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.Column('per_customer_limit', sa.Integer(), nullable=True),
    sa.Column('free_shipping', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('used >= 0', name=op.f('ck_vouchers_used_not_negative')),
    sa.CheckConstraint("kind IN ('percent', 'fixed')", name=op.f('ck_vouchers_kind_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vouchers')),
    sa.UniqueConstraint('code', name=op.f('uq_vouchers_code'))
    )
    op.create_table('voucher_categories',
    sa.Column('voucher_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_voucher_categories_category_id_categories')),
    sa.ForeignKeyConstraint(['voucher_id'], ['vouchers.id'], name=op.f('fk_voucher_categories_voucher_id_vouchers')),
    sa.PrimaryKeyConstraint('voucher_id', 'category_id', name=op.f('pk_voucher_categories'))
    )
    op.create_table('voucher_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('discount_idr', sa.BigInteger(), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('released_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_voucher_uses_order_id_orders')),
    sa.ForeignKeyConstraint(['voucher_id'], ['vouchers.id'], name=op.f('fk_voucher_uses_voucher_id_vouchers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_uses'))
    )
    with op.batch_alter_table('voucher_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_uses_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_uses_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_uses_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_uses_voucher_id'), ['voucher_id'], unique=False)


def downgrade():
    with op.batch_alter_table('voucher_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voucher_uses_voucher_id'))
        batch_op.drop_index(batch_op.f('ix_voucher_uses_phone'))
        batch_op.drop_index(batch_op.f('ix_voucher_uses_order_id'))
        batch_op.drop_index(batch_op.f('ix_voucher_uses_email'))
    op.drop_table('voucher_uses')
    op.drop_table('voucher_categories')
    op.drop_table('vouchers')
