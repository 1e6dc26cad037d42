"""initial schema: structure, operations, participants, parcours, journal

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 04:30:29.855165
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('journal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('operation_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal'))
    )
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_at'), ['at'], unique=False)

    op.create_table('operation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('intitule', sa.String(length=300), nullable=False),
    sa.Column('dispositif_key', sa.String(length=40), nullable=False),
    sa.Column('regles', sa.Text(), nullable=False),
    sa.Column('debut', sa.Date(), nullable=False),
    sa.Column('fin', sa.Date(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=True),
    sa.Column('postes', sa.Integer(), nullable=True),
    sa.Column('etp', sa.Integer(), nullable=True),
    sa.Column('montant', sa.Integer(), nullable=True),
    sa.Column('territoires', sa.Text(), nullable=False),
    sa.Column('zone_defaut', sa.String(length=10), nullable=False),
    sa.Column('cloturee', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('fin >= debut', name=op.f('ck_operation_period')),
    sa.CheckConstraint('montant IS NULL OR montant >= 0', name=op.f('ck_operation_montant_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operation')),
    sa.UniqueConstraint('code', name=op.f('uq_operation_code'))
    )
    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_externe', sa.String(length=60), nullable=True),
    sa.Column('nom', sa.String(length=100), nullable=False),
    sa.Column('prenom', sa.String(length=100), nullable=False),
    sa.Column('sexe', sa.String(length=1), nullable=False),
    sa.Column('date_naissance', sa.Date(), nullable=False),
    sa.Column('brsa', sa.Boolean(), nullable=False),
    sa.Column('rqth', sa.Boolean(), nullable=False),
    sa.Column('niveau_formation', sa.String(length=2), nullable=True),
    sa.Column('commune', sa.String(length=100), nullable=True),
    sa.Column('code_postal', sa.String(length=5), nullable=True),
    sa.Column('zone', sa.String(length=10), nullable=True),
    sa.Column('qpv', sa.Boolean(), nullable=False),
    sa.Column('territoire', sa.String(length=60), nullable=True),
    sa.Column('prescripteur', sa.String(length=2), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("sexe IN ('F', 'M')", name=op.f('ck_participant_sexe')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('id_externe', name=op.f('uq_participant_id_externe'))
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index('ix_participant_identity', ['nom', 'prenom', 'date_naissance'], unique=False)

    op.create_table('structure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=200), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=True),
    sa.Column('type_structure', sa.String(length=20), nullable=False),
    sa.Column('adresse', sa.String(length=300), nullable=True),
    sa.Column('code_postal', sa.String(length=5), nullable=True),
    sa.Column('commune', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_structure'))
    )
    op.create_table('parcours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('date_orientation', sa.Date(), nullable=True),
    sa.Column('date_entree', sa.Date(), nullable=False),
    sa.Column('date_sortie', sa.Date(), nullable=True),
    sa.Column('referent', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('date_sortie IS NULL OR date_sortie >= date_entree', name=op.f('ck_parcours_exit_after_entry')),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_parcours_operation_id_operation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_parcours_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parcours')),
    sa.UniqueConstraint('participant_id', 'operation_id', 'date_entree', name='uq_parcours_entry')
    )
    with op.batch_alter_table('parcours', schema=None) as batch_op:
        batch_op.create_index('ix_parcours_operation', ['operation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('parcours', schema=None) as batch_op:
        batch_op.drop_index('ix_parcours_operation')

    op.drop_table('parcours')
    op.drop_table('structure')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index('ix_participant_identity')

    op.drop_table('participant')
    op.drop_table('operation')
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_at'))

    op.drop_table('journal')
