"""bilan pédagogique: narrative sections saved as drafts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 05:56:57.890397
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bilan_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('texte', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_bilan_section_operation_id_operation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bilan_section')),
    sa.UniqueConstraint('operation_id', 'code', name='uq_bilan_section_operation_code')
    )


def downgrade() -> None:
    op.drop_table('bilan_section')
