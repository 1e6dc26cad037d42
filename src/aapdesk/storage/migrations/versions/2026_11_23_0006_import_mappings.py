"""import: column mappings saved per structure under a name

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('nom', sa.String(length=80), nullable=False),
    sa.Column('colonnes', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mapping')),
    sa.UniqueConstraint('kind', 'nom', name='uq_import_mapping_kind_nom')
    )


def downgrade() -> None:
    op.drop_table('import_mapping')
