"""variants: options, option values and variants; stock moves from products to each product's implicit variant

Revision ID: b7e1c4a9d2f0
Revises: 7173692d08fe
Create Date: 2026-12-01 03:30:00

Every product gets one implicit variant (no option values, empty label) holding its stock; order lines
and stock movements point at it, so stock is held and released per variant from here on.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c4a9d2f0'
down_revision = '7173692d08fe'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('product_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_options_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_options')),
    sa.UniqueConstraint('product_id', 'name', name='uq_product_options_product_name')
    )
    with op.batch_alter_table('product_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_options_product_id'), ['product_id'], unique=False)

    op.create_table('option_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['product_options.id'], name=op.f('fk_option_values_option_id_product_options')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_option_values')),
    sa.UniqueConstraint('option_id', 'value', name='uq_option_values_option_value')
    )
    with op.batch_alter_table('option_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_option_values_option_id'), ['option_id'], unique=False)

    op.create_table('product_variants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=50), nullable=True),
    sa.Column('label', sa.String(length=120), server_default='', nullable=False),
    sa.Column('price_idr', sa.BigInteger(), nullable=True),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('price_idr >= 0', name=op.f('ck_product_variants_price_not_negative')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_product_variants_stock_not_negative')),
    sa.CheckConstraint('weight_g >= 0', name=op.f('ck_product_variants_weight_not_negative')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_variants_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_variants')),
    sa.UniqueConstraint('sku', name=op.f('uq_product_variants_sku'))
    )
    with op.batch_alter_table('product_variants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_variants_product_id'), ['product_id'], unique=False)

    op.create_table('variant_option_values',
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('value_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['value_id'], ['option_values.id'], name=op.f('fk_variant_option_values_value_id_option_values'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['product_variants.id'], name=op.f('fk_variant_option_values_variant_id_product_variants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('variant_id', 'value_id', name=op.f('pk_variant_option_values'))
    )
    with op.batch_alter_table('variant_option_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_variant_option_values_value_id'), ['value_id'], unique=False)

    # Every product's implicit variant, holding the product's stock (ids follow the products' order).
    op.execute(
        "INSERT INTO product_variants (product_id, label, stock, active, position) "
        "SELECT id, '', stock, true, 0 FROM products ORDER BY id"
    )
    implicit = "(SELECT v.id FROM product_variants v WHERE v.product_id = {table}.product_id AND v.label = '')"

    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('variant_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('variant_label', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('sku', sa.String(length=50), nullable=True))
    op.execute(f"UPDATE order_items SET variant_id = {implicit.format(table='order_items')}")
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.alter_column('variant_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_order_items_variant_id'), ['variant_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_order_items_variant_id_product_variants'), 'product_variants', ['variant_id'], ['id'])

    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('variant_id', sa.Integer(), nullable=True))
    op.execute(f"UPDATE stock_movements SET variant_id = {implicit.format(table='stock_movements')}")
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.alter_column('variant_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_stock_movements_variant_id'), ['variant_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_stock_movements_variant_id_product_variants'), 'product_variants', ['variant_id'], ['id'])

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_products_stock_not_negative'), type_='check')
        batch_op.drop_column('stock')


def downgrade():
    # A product's stock becomes the sum of its variants' (options and variants themselves are lost).
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stock', sa.Integer(), server_default='0', nullable=False))
    op.execute(
        "UPDATE products SET stock = COALESCE("
        "(SELECT SUM(v.stock) FROM product_variants v WHERE v.product_id = products.id), 0)"
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_products_stock_not_negative'), 'stock >= 0')

    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_stock_movements_variant_id_product_variants'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_stock_movements_variant_id'))
        batch_op.drop_column('variant_id')

    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_order_items_variant_id_product_variants'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_order_items_variant_id'))
        batch_op.drop_column('sku')
        batch_op.drop_column('variant_label')
        batch_op.drop_column('variant_id')

    with op.batch_alter_table('variant_option_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_variant_option_values_value_id'))
    op.drop_table('variant_option_values')
    with op.batch_alter_table('product_variants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_variants_product_id'))
    op.drop_table('product_variants')
    with op.batch_alter_table('option_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_option_values_option_id'))
    op.drop_table('option_values')
    with op.batch_alter_table('product_options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_options_product_id'))
    op.drop_table('product_options')
