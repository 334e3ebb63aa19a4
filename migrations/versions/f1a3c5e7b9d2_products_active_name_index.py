"""products: one index for the catalog's grid (active, name, id) in place of the one on active alone

The grid lists active products in name order, a page at a time: with this index the database reads the page's
rows in order and stops, instead of sorting every active product on each catalog view. It starts with the
active flag, so it also serves everything the index on `active` alone did (the count, the sitemap).

Revision ID: f1a3c5e7b9d2
Revises: e5a7c9d1f3b4
Create Date: 2026-12-01 11:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f1a3c5e7b9d2'
down_revision = 'e5a7c9d1f3b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index('ix_products_active_name', ['active', 'name', 'id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_products_active'))


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_products_active'), ['active'], unique=False)
        batch_op.drop_index('ix_products_active_name')
