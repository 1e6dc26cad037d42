"""exits and documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 05:07:03.226499
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sortie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parcours_id', sa.Integer(), nullable=False),
    sa.Column('type_sortie', sa.String(length=30), nullable=False),
    sa.Column('duree_contrat_mois', sa.Integer(), nullable=True),
    sa.Column('contrat_aide', sa.Boolean(), nullable=False),
    sa.Column('employeur', sa.String(length=200), nullable=True),
    sa.Column('commentaire', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('duree_contrat_mois IS NULL OR duree_contrat_mois > 0', name=op.f('ck_sortie_duree')),
    sa.ForeignKeyConstraint(['parcours_id'], ['parcours.id'], name=op.f('fk_sortie_parcours_id_parcours'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sortie')),
    sa.UniqueConstraint('parcours_id', name=op.f('uq_sortie_parcours_id'))
    )
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('nom_original', sa.String(length=255), nullable=False),
    sa.Column('type_mime', sa.String(length=100), nullable=False),
    sa.Column('taille', sa.Integer(), nullable=False),
    sa.Column('nature', sa.String(length=20), nullable=False),
    sa.Column('ajoute_le', sa.DateTime(), nullable=False),
    sa.Column('sortie_id', sa.Integer(), nullable=True),
    sa.Column('parcours_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(sortie_id IS NOT NULL) + (parcours_id IS NOT NULL) + (participant_id IS NOT NULL) = 1', name=op.f('ck_document_one_owner')),
    sa.ForeignKeyConstraint(['parcours_id'], ['parcours.id'], name=op.f('fk_document_parcours_id_parcours'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_document_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sortie_id'], ['sortie.id'], name=op.f('fk_document_sortie_id_sortie'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_parcours_id'), ['parcours_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_sortie_id'), ['sortie_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_sortie_id'))
        batch_op.drop_index(batch_op.f('ix_document_sha256'))
        batch_op.drop_index(batch_op.f('ix_document_participant_id'))
        batch_op.drop_index(batch_op.f('ix_document_parcours_id'))

    op.drop_table('document')
    op.drop_table('sortie')
