"""shipments.returned_at: when staff recorded that the parcel came back

Orders already marked returned before this revision have no recorded time (left NULL: the moment is
not known, and the shopper's timeline shows the return without inventing one).

Revision ID: d4e6a8c0b2f1
Revises: b3f1c2d4e5a6
Create Date: 2026-12-01 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e6a8c0b2f1'
down_revision = 'b3f1c2d4e5a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('returned_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_column('returned_at')
