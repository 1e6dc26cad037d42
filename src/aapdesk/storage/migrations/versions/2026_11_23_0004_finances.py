"""finances: staff and monthly costs, expenses with invoices, resources, instalments, budget

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 05:14:29.833609
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('depense',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('categorie', sa.String(length=20), nullable=False),
    sa.Column('fournisseur', sa.String(length=200), nullable=True),
    sa.Column('numero_piece', sa.String(length=60), nullable=True),
    sa.Column('libelle', sa.String(length=300), nullable=False),
    sa.Column('montant', sa.Integer(), nullable=False),
    sa.Column('date_paiement', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('montant > 0', name=op.f('ck_depense_montant_positive')),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_depense_operation_id_operation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_depense'))
    )
    with op.batch_alter_table('depense', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_depense_operation_id'), ['operation_id'], unique=False)

    op.create_table('ligne_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('categorie', sa.String(length=20), nullable=False),
    sa.Column('montant_prevu', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_ligne_budget_operation_id_operation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ligne_budget')),
    sa.UniqueConstraint('operation_id', 'categorie', name='uq_budget_operation_categorie')
    )
    with op.batch_alter_table('ligne_budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ligne_budget_operation_id'), ['operation_id'], unique=False)

    op.create_table('personnel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=100), nullable=False),
    sa.Column('prenom', sa.String(length=100), nullable=False),
    sa.Column('fonction', sa.String(length=30), nullable=False),
    sa.Column('contrat', sa.String(length=20), nullable=False),
    sa.Column('etp', sa.Integer(), nullable=False),
    sa.Column('taux_affectation_pct', sa.Integer(), nullable=False),
    sa.Column('justification', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_personnel_operation_id_operation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personnel'))
    )
    with op.batch_alter_table('personnel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personnel_operation_id'), ['operation_id'], unique=False)

    op.create_table('ressource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('financeur', sa.String(length=30), nullable=False),
    sa.Column('libelle', sa.String(length=200), nullable=False),
    sa.Column('montant_prevu', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_ressource_operation_id_operation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ressource'))
    )
    with op.batch_alter_table('ressource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ressource_operation_id'), ['operation_id'], unique=False)

    op.create_table('cout_personnel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('personnel_id', sa.Integer(), nullable=False),
    sa.Column('mois', sa.Date(), nullable=False),
    sa.Column('cout_charge', sa.Integer(), nullable=False),
    sa.Column('taux_affectation_pct', sa.Integer(), nullable=False),
    sa.CheckConstraint('taux_affectation_pct >= 0 AND taux_affectation_pct <= 10000', name=op.f('ck_cout_personnel_taux')),
    sa.ForeignKeyConstraint(['personnel_id'], ['personnel.id'], name=op.f('fk_cout_personnel_personnel_id_personnel'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cout_personnel')),
    sa.UniqueConstraint('personnel_id', 'mois', name='uq_cout_personnel_mois')
    )
    with op.batch_alter_table('cout_personnel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cout_personnel_personnel_id'), ['personnel_id'], unique=False)

    op.create_table('versement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ressource_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('nature', sa.String(length=20), nullable=False),
    sa.Column('montant', sa.Integer(), nullable=False),
    sa.CheckConstraint('montant > 0', name=op.f('ck_versement_montant_positive')),
    sa.ForeignKeyConstraint(['ressource_id'], ['ressource.id'], name=op.f('fk_versement_ressource_id_ressource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_versement'))
    )
    with op.batch_alter_table('versement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_versement_ressource_id'), ['ressource_id'], unique=False)

    # An invoice is a document owned by an expense: the "exactly one owner" check gains a term.
    with op.batch_alter_table('document', schema=None, recreate='always') as batch_op:
        batch_op.add_column(sa.Column('depense_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_document_depense_id'), ['depense_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_document_depense_id_depense'), 'depense', ['depense_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(op.f('ck_document_one_owner'), type_='check')
        batch_op.create_check_constraint(
            'one_owner',
            '(sortie_id IS NOT NULL) + (parcours_id IS NOT NULL) + (participant_id IS NOT NULL)'
            ' + (depense_id IS NOT NULL) = 1')

    with op.batch_alter_table('operation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hypotheses', sa.Text(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('operation', schema=None) as batch_op:
        batch_op.drop_column('hypotheses')

    with op.batch_alter_table('document', schema=None, recreate='always') as batch_op:
        batch_op.drop_constraint(op.f('ck_document_one_owner'), type_='check')
        batch_op.create_check_constraint(
            'one_owner', '(sortie_id IS NOT NULL) + (parcours_id IS NOT NULL) + (participant_id IS NOT NULL) = 1')
        batch_op.drop_constraint(batch_op.f('fk_document_depense_id_depense'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_depense_id'))
        batch_op.drop_column('depense_id')

    with op.batch_alter_table('versement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_versement_ressource_id'))

    op.drop_table('versement')
    with op.batch_alter_table('cout_personnel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cout_personnel_personnel_id'))

    op.drop_table('cout_personnel')
    with op.batch_alter_table('ressource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ressource_operation_id'))

    op.drop_table('ressource')
    with op.batch_alter_table('personnel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personnel_operation_id'))

    op.drop_table('personnel')
    with op.batch_alter_table('ligne_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ligne_budget_operation_id'))

    op.drop_table('ligne_budget')
    with op.batch_alter_table('depense', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_depense_operation_id'))

    op.drop_table('depense')
