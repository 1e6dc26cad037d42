"""activity

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 04:38:11.017604
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('atelier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('titre', sa.String(length=200), nullable=False),
    sa.Column('duree_minutes', sa.Integer(), nullable=False),
    sa.Column('animateur', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_atelier_operation_id_operation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_atelier'))
    )
    with op.batch_alter_table('atelier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_atelier_operation_id'), ['operation_id'], unique=False)

    op.create_table('comite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('nature', sa.String(length=20), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('tableau_de_bord_envoye', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_comite_operation_id_operation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comite'))
    )
    with op.batch_alter_table('comite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comite_operation_id'), ['operation_id'], unique=False)

    op.create_table('atelier_presence',
    sa.Column('atelier_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['atelier_id'], ['atelier.id'], name=op.f('fk_atelier_presence_atelier_id_atelier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_atelier_presence_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('atelier_id', 'participant_id', name=op.f('pk_atelier_presence'))
    )
    op.create_table('cer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parcours_id', sa.Integer(), nullable=False),
    sa.Column('date_signature', sa.Date(), nullable=False),
    sa.Column('date_fin', sa.Date(), nullable=False),
    sa.Column('valide', sa.Boolean(), nullable=False),
    sa.Column('renouvellement', sa.Boolean(), nullable=False),
    sa.Column('demande_renouvellement', sa.Date(), nullable=True),
    sa.CheckConstraint('date_fin >= date_signature', name=op.f('ck_cer_period')),
    sa.ForeignKeyConstraint(['parcours_id'], ['parcours.id'], name=op.f('fk_cer_parcours_id_parcours'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cer'))
    )
    with op.batch_alter_table('cer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cer_parcours_id'), ['parcours_id'], unique=False)

    op.create_table('diagnostic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parcours_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('nature', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['parcours_id'], ['parcours.id'], name=op.f('fk_diagnostic_parcours_id_parcours'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagnostic'))
    )
    with op.batch_alter_table('diagnostic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnostic_parcours_id'), ['parcours_id'], unique=False)

    op.create_table('entretien',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parcours_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('modalite', sa.String(length=10), nullable=False),
    sa.Column('duree_minutes', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("modalite IN ('physique', 'telephone', 'visio')", name=op.f('ck_entretien_modalite')),
    sa.ForeignKeyConstraint(['parcours_id'], ['parcours.id'], name=op.f('fk_entretien_parcours_id_parcours'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entretien'))
    )
    with op.batch_alter_table('entretien', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entretien_parcours_id'), ['parcours_id'], unique=False)

    op.create_table('heures_mensuelles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parcours_id', sa.Integer(), nullable=False),
    sa.Column('mois', sa.Date(), nullable=False),
    sa.Column('heures_mad', sa.Integer(), nullable=False),
    sa.Column('heures_accompagnement', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('heures_mad >= 0 AND heures_accompagnement >= 0', name=op.f('ck_heures_mensuelles_positive')),
    sa.ForeignKeyConstraint(['parcours_id'], ['parcours.id'], name=op.f('fk_heures_mensuelles_parcours_id_parcours'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_heures_mensuelles')),
    sa.UniqueConstraint('parcours_id', 'mois', name='uq_heures_parcours_mois')
    )
    with op.batch_alter_table('heures_mensuelles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_heures_mensuelles_parcours_id'), ['parcours_id'], unique=False)

    op.create_table('suspension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parcours_id', sa.Integer(), nullable=False),
    sa.Column('debut', sa.Date(), nullable=False),
    sa.Column('fin', sa.Date(), nullable=True),
    sa.Column('motif', sa.String(length=200), nullable=False),
    sa.CheckConstraint('fin IS NULL OR fin >= debut', name=op.f('ck_suspension_period')),
    sa.ForeignKeyConstraint(['parcours_id'], ['parcours.id'], name=op.f('fk_suspension_parcours_id_parcours'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suspension'))
    )
    with op.batch_alter_table('suspension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suspension_parcours_id'), ['parcours_id'], unique=False)

    with op.batch_alter_table('parcours', schema=None) as batch_op:
        batch_op.add_column(sa.Column('premier_rdv', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('parcours', schema=None) as batch_op:
        batch_op.drop_column('premier_rdv')

    with op.batch_alter_table('suspension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suspension_parcours_id'))

    op.drop_table('suspension')
    with op.batch_alter_table('heures_mensuelles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_heures_mensuelles_parcours_id'))

    op.drop_table('heures_mensuelles')
    with op.batch_alter_table('entretien', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entretien_parcours_id'))

    op.drop_table('entretien')
    with op.batch_alter_table('diagnostic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagnostic_parcours_id'))

    op.drop_table('diagnostic')
    with op.batch_alter_table('cer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cer_parcours_id'))

    op.drop_table('cer')
    op.drop_table('atelier_presence')
    with op.batch_alter_table('comite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comite_operation_id'))

    op.drop_table('comite')
    with op.batch_alter_table('atelier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_atelier_operation_id'))

    op.drop_table('atelier')
