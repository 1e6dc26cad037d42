"""Writing the bilan pédagogique in the app: sections saved as drafts, found again, and printed."""

from __future__ import annotations

from aapdesk.services import bilan_sections, operations


def ai_operation(ctx):
    return next(op for op in operations.list_operations(ctx) if op.code.startswith("AI-"))


def test_sections_are_written_saved_and_marked(qtbot, window, demo_ctx):
    page = window.show_page("rapports")
    op = ai_operation(demo_ctx)
    from aapdesk.qt.widgets.inputs import select_data

    select_data(page.operation_combo, op.id)
    dialog = page.open_bilan_editor()
    qtbot.addWidget(dialog)
    first = dialog.list.item(0)
    assert first.text().endswith("à compléter")
    dialog.editor.setPlainText("Déroulement conforme au dossier.\n\n- 5 ateliers\n- 3 comités")
    assert dialog.save()
    assert not dialog.list.item(0).text().endswith("à compléter")
    saved = {s.code: s.text for s in bilan_sections.list_sections(demo_ctx, op.id)}
    assert saved[dialog.current_code()] == "Déroulement conforme au dossier.\n\n- 5 ateliers\n- 3 comités"
    # switching section saves the pending text first
    dialog.list.setCurrentRow(1)
    second_code = dialog.current_code()
    dialog.editor.setPlainText("Accompagnement socioprofessionnel hebdomadaire.")
    dialog.list.setCurrentRow(0)
    assert {s.code: s.text for s in bilan_sections.list_sections(demo_ctx, op.id)}[second_code] == (
        "Accompagnement socioprofessionnel hebdomadaire.")
    assert dialog.editor.toPlainText().startswith("Déroulement conforme")
