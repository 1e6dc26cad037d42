"""Command line of aapdesk (same program as the GUI, never imports Qt).

Exit codes: 0 ok, 1 problems found (or refused input), 2 usage error. Messages in French.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from decimal import Decimal
from typing import Callable, Sequence

from aapdesk import __version__
from aapdesk.domain.dispositif import CatalogueError
from aapdesk.domain.money import parse_amount
from aapdesk.domain.problems import ValidationError
from aapdesk.formatting import format_date, format_money, format_month, format_percent, format_size

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

#: argparse's own messages, in French (argparse looks them up through gettext).
_ARGPARSE_FR = {
    "usage: ": "usage : ",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "expected one argument": "une valeur est attendue",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "show this help message and exit": "afficher cette aide et quitter",
    "positional arguments": "arguments",
    "options": "options",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}


def _french_argparse() -> None:
    argparse._ = lambda text: _ARGPARSE_FR.get(text, text)  # type: ignore[attr-defined]
    try:  # Python 3.12+ also routes ngettext
        argparse.ngettext = lambda s, p, n: _ARGPARSE_FR.get(s if n == 1 else p, s if n == 1 else p)  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover
        pass


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date attendue au format AAAA-MM-JJ : {text!r}") from None


def _amount(text: str) -> Decimal:
    try:
        return parse_amount(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _decimal(text: str) -> Decimal:
    return _amount(text)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu : {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"nombre entier positif attendu : {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    _french_argparse()
    parser = argparse.ArgumentParser(
        prog="aapdesk",
        description="Suivi des opérations d'insertion : participants, activité, sorties, dépenses, rapports. "
                    "Sans commande, ouvre la fenêtre.",
    )
    parser.add_argument("--version", action="version", version=f"aapdesk {__version__}",
                        help="afficher la version et quitter")
    parser.add_argument("--data-dir", metavar="DOSSIER",
                        help="dossier des données (par défaut : dossier utilisateur, ou AAPDESK_DATA_DIR)")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")

    disp = sub.add_parser("dispositifs", help="le catalogue des fiches des appels à projets")
    disp_sub = disp.add_subparsers(dest="action", metavar="ACTION", required=True)
    disp_sub.add_parser("list", help="lister les dispositifs")
    show = disp_sub.add_parser("show", help="afficher les règles d'un dispositif")
    show.add_argument("key", metavar="CLÉ", help="par exemple 62-2024-3.10")

    struct = sub.add_parser("structure", help="la structure porteuse")
    struct_sub = struct.add_subparsers(dest="action", metavar="ACTION", required=True)
    struct_sub.add_parser("show", help="afficher la structure")
    sset = struct_sub.add_parser("set", help="créer ou modifier la structure")
    sset.add_argument("--nom", required=True)
    sset.add_argument("--type", dest="type_structure", default="ASSOCIATION",
                      help="ASSOCIATION, AI, ACI, EI, ETTI, PLIE, CCAS, CIAS, EPCI, TETE_RESEAU, AUTRE")
    sset.add_argument("--siret")
    sset.add_argument("--adresse")
    sset.add_argument("--code-postal")
    sset.add_argument("--commune")

    op = sub.add_parser("operation", help="les opérations (conventions)")
    op_sub = op.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = op_sub.add_parser("create", help="créer une opération depuis sa convention")
    create.add_argument("--code", required=True)
    create.add_argument("--dispositif", required=True, metavar="CLÉ")
    create.add_argument("--debut", required=True, type=_iso_date, metavar="AAAA-MM-JJ")
    create.add_argument("--fin", required=True, type=_iso_date, metavar="AAAA-MM-JJ")
    create.add_argument("--intitule", default="")
    create.add_argument("--places", type=_positive_int)
    create.add_argument("--postes", type=_positive_int)
    create.add_argument("--etp", type=_decimal)
    create.add_argument("--montant", type=_amount)
    create.add_argument("--zone", choices=("urbain", "rural"), default="urbain")
    op_sub.add_parser("list", help="lister les opérations")

    activite = sub.add_parser("activite", help="activité : file active, tâches à faire")
    activite_sub = activite.add_subparsers(dest="action", metavar="ACTION", required=True)
    fa = activite_sub.add_parser("file-active", help="tableau mensuel de la file active d'une opération")
    fa.add_argument("--operation", required=True, metavar="CODE")
    fa.add_argument("--au", type=_iso_date, metavar="AAAA-MM-JJ",
                    help="date d'arrêté (par défaut : aujourd'hui, ou la fin de l'opération si elle est passée)")
    todo = activite_sub.add_parser("a-faire", help="jalons à tenir et rappels (comités, CER, premiers rendez-vous)")
    todo.add_argument("--operation", metavar="CODE")
    todo.add_argument("--au", type=_iso_date, metavar="AAAA-MM-JJ")
    todo.add_argument("--tout", action="store_true", help="toutes les échéances, pas seulement les 45 prochains jours")

    sorties = sub.add_parser("sorties", help="sorties et pièces probantes")
    sorties_sub = sorties.add_subparsers(dest="action", metavar="ACTION", required=True)
    slist = sorties_sub.add_parser("list", help="les sorties d'une opération, classées selon sa fiche")
    slist.add_argument("--operation", required=True, metavar="CODE")
    slist.add_argument("--au", type=_iso_date, metavar="AAAA-MM-JJ")
    bundle = sorties_sub.add_parser("export-preuves", help="archive ZIP des pièces probantes avec un index.xlsx")
    bundle.add_argument("--operation", required=True, metavar="CODE")
    bundle.add_argument("--out", required=True, metavar="FICHIER.zip")
    bundle.add_argument("--du", type=_iso_date, metavar="AAAA-MM-JJ", help="sorties à partir de cette date")
    bundle.add_argument("--au", type=_iso_date, metavar="AAAA-MM-JJ", help="sorties jusqu'à cette date")

    report = sub.add_parser("report", help="rapports pour le financeur")
    report_sub = report.add_subparsers(dest="name", metavar="RAPPORT", required=True)
    ind = report_sub.add_parser("indicateurs", help="indicateurs d'une opération en JSON")
    ind.add_argument("--operation", required=True, metavar="CODE")
    ind.add_argument("--au", type=_iso_date, metavar="AAAA-MM-JJ",
                     help="date d'arrêté (par défaut : aujourd'hui, ou la fin de l'opération si elle est passée)")
    ind.add_argument("--out", metavar="FICHIER", help="fichier JSON à écrire (sinon : la sortie standard)")
    _add_report_commands(report_sub)

    imp = sub.add_parser("import", help="importer vos tableaux (xlsx, xlsm, csv) ou écrire le modèle",
                         description="Importe un fichier dans une opération : aperçu de ce qui sera créé ou mis à "
                                     "jour, tout ou rien. Les colonnes sont reconnues par leur nom (voir le modèle).")
    imp_sub = imp.add_subparsers(dest="kind", metavar="TYPE", required=True)
    model = imp_sub.add_parser("modele", help="écrire le classeur modèle (une feuille par type de données)")
    model.add_argument("--out", required=True, metavar="FICHIER", help="classeur .xlsx à écrire")
    model.add_argument("--operation", metavar="CODE",
                       help="remplir le modèle avec les données de cette opération (pour les reprendre dans Excel)")
    from aapdesk.domain.imports import KINDS

    for code, kind in KINDS.items():
        one = imp_sub.add_parser(code, help=f"importer : {kind.label.lower()}", description=kind.note)
        one.add_argument("file", metavar="FICHIER")
        one.add_argument("--operation", required=True, metavar="CODE")
        one.add_argument("--mapping", metavar="NOM", help="correspondance de colonnes enregistrée à utiliser")
        one.add_argument("--enregistrer-mapping", dest="save_mapping", metavar="NOM",
                         help="enregistrer la correspondance de colonnes utilisée sous ce nom")
        one.add_argument("--colonne", action="append", default=[], metavar="EN-TÊTE=CHAMP",
                         help="associer une colonne du fichier à un champ d'aapdesk (répétable)")
        one.add_argument("--dry-run", action="store_true", help="aperçu seulement : rien n'est écrit")
        one.add_argument("--ignorer-erreurs", dest="skip_errors", action="store_true",
                         help="importer les lignes correctes et laisser de côté les lignes en erreur")
        one.add_argument("--feuille", metavar="NOM", help="feuille du classeur (par défaut : celle nommée comme le type, "
                                                          "sinon la première)")
        one.add_argument("--separateur", choices=[";", ",", "tab"], help="séparateur du CSV (détecté sinon)")
        one.add_argument("--encodage", choices=["utf-8", "utf-8-sig", "cp1252"], help="encodage du CSV (détecté sinon)")

    demo = sub.add_parser("demo", help="créer une structure de démonstration (dossier vide)")
    demo.add_argument("--participants", type=_positive_int, default=100)
    demo.add_argument("--seed", type=int, default=62)

    sub.add_parser("check", help="vérifier l'intégrité de la base et les règles des fiches")

    backup = sub.add_parser("backup", help="sauvegardes")
    backup_sub = backup.add_subparsers(dest="action", metavar="ACTION", required=True)
    backup_sub.add_parser("create", help="faire une sauvegarde maintenant")
    backup_sub.add_parser("list", help="lister les sauvegardes")
    verify = backup_sub.add_parser("verify", help="vérifier une sauvegarde")
    verify.add_argument("id", metavar="ID")
    restore = backup_sub.add_parser("restore", help="restaurer une sauvegarde (l'état actuel est sauvegardé avant)")
    restore.add_argument("id", metavar="ID")

    archive = sub.add_parser("archive", help="archive complète (base et pièces jointes), pour changer d'ordinateur")
    archive_sub = archive.add_subparsers(dest="action", metavar="ACTION", required=True)
    create_archive = archive_sub.add_parser("create", help="écrire une archive complète dans un fichier .zip")
    create_archive.add_argument("dest", metavar="FICHIER_OU_DOSSIER")
    show_archive = archive_sub.add_parser("show", help="décrire une archive sans rien modifier")
    show_archive.add_argument("file", metavar="FICHIER")
    restore_archive = archive_sub.add_parser(
        "restore", help="remplacer toutes les données par celles d'une archive (l'état actuel est sauvegardé avant)")
    restore_archive.add_argument("file", metavar="FICHIER")
    return parser


def _month(text: str):  # type: ignore[no-untyped-def]
    from aapdesk.domain.periods import YearMonth

    try:
        return YearMonth.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"mois attendu au format AAAA-MM : {text!r}") from None


def _add_report_commands(report_sub) -> None:  # type: ignore[no-untyped-def]
    """One subcommand per registered report (tableau-de-bord, reporting-mensuel, cre, bilans…):
    ``NAME --operation CODE [--au DATE] [--mois AAAA-MM] --out FICHIER``, the format from the extension."""
    from aapdesk.services.report_registry import available_reports

    try:
        specs = available_reports()
    except Exception as exc:  # a broken report module must not take the other commands down
        print(f"Attention : rapports indisponibles ({exc})", file=sys.stderr)
        return
    for spec in specs:
        if spec.name == "indicateurs":
            continue
        extensions = " ou ".join(f".{fmt}" for fmt in spec.formats)
        command = report_sub.add_parser(spec.name, help=spec.label, description=spec.description or spec.label)
        command.add_argument("--operation", required=True, metavar="CODE")
        command.add_argument("--au", type=_iso_date, metavar="AAAA-MM-JJ",
                             help="date d'arrêté (par défaut : aujourd'hui, ou la fin de l'opération si elle est passée)")
        command.add_argument("--mois", type=_month, metavar="AAAA-MM", required=spec.needs_month,
                             help="mois du rapport" + (" (obligatoire)" if spec.needs_month else ""))
        command.add_argument("--out", required=True, metavar="FICHIER",
                             help=f"fichier à écrire ({extensions}) : le format suit l'extension")


def command_names() -> set[str]:
    """The subcommands (and help/version options) that make ``aapdesk`` run as a command line."""
    parser = build_parser()
    names = {"-h", "--help", "--version"}
    for action in parser._actions:  # argparse keeps its subcommands in the choices of this one action
        if isinstance(action, argparse._SubParsersAction):
            names.update(action.choices)
    return names


def main(argv: Sequence[str] | None = None, *, clock: Callable | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # pragma: no cover - the GUI path is handled by __main__
        parser.print_help()
        return EXIT_USAGE
    try:
        if args.command == "dispositifs":
            return _dispositifs(args)
        if args.command == "archive" and args.action == "show":
            return _show_archive(args)
        return _with_app(args, clock)
    except ValidationError as exc:
        print("Refusé :", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_PROBLEMS
    except CatalogueError as exc:
        print(f"Catalogue des dispositifs invalide : {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except LookupError as exc:
        print(str(exc.args[0] if exc.args else exc), file=sys.stderr)
        return EXIT_PROBLEMS
    except RuntimeError as exc:  # lock held, newer or corrupt database, backup errors
        print(str(exc), file=sys.stderr)
        return EXIT_PROBLEMS


def _dispositifs(args: argparse.Namespace) -> int:
    from aapdesk.catalogue import load_catalogue

    catalogue = load_catalogue()
    if args.action == "list":
        for d in catalogue:
            print(f"{d.key:<16} {d.financement.modele.value:<22} {d.titre}")
        print(f"{len(catalogue)} dispositifs.")
        return EXIT_OK
    try:
        d = catalogue.get(args.key)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return EXIT_PROBLEMS
    print(describe_dispositif(d))
    return EXIT_OK


def describe_dispositif(d) -> str:  # type: ignore[no-untyped-def]
    from aapdesk.domain.dispositif import dispositif_to_dict

    lines = [d.label, f"Clé : {d.key}    Source : {d.source}", "", f"Public : {d.public.description}"]
    if d.public.part_max_jeunes is not None:
        lines.append(f"Part maximale de jeunes (moins de {d.public.age_jeune} ans) : {format_percent(d.public.part_max_jeunes)}")
    lines.append(f"Durée maximale de la convention : {d.convention.duree_mois_max} mois")
    if d.convention.debut and d.convention.fin:
        lines.append(f"Période prévue par la fiche : du {format_date(d.convention.debut)} au {format_date(d.convention.fin)}")
    lines += ["", "Financement :"]
    for key, value in dispositif_to_dict(d)["financement"].items():
        lines.append(f"  {key} : {value}")
    if d.livrables:
        lines += ["", "Livrables :"]
        lines += [f"  - {x.libelle} ({x.regle.value}{' ' + str(x.mois) + ' mois' if x.mois else ''}"
                  f"{' ' + format_date(x.date) if x.date else ''})" for x in d.livrables]
    if d.indicateurs:
        lines += ["", "Indicateurs :"]
        lines += [f"  - {i.libelle}" + (f" — objectif : {i.objectif}" if i.objectif else "") for i in d.indicateurs]
    if d.choix:
        lines += ["", "Choix faits là où la fiche est ambiguë :"] + [f"  - {c}" for c in d.choix]
    return "\n".join(lines)


def _with_app(args: argparse.Namespace, clock: Callable | None) -> int:
    from aapdesk.services.context import open_app, system_clock

    app = open_app(args.data_dir, clock=clock or system_clock)
    try:
        if app.db.warning:
            print(f"Attention : {app.db.warning}", file=sys.stderr)
        handler = {
            "structure": _structure, "operation": _operation, "demo": _demo, "activite": _activite, "sorties": _sorties, "report": _report,
            "check": _check, "backup": _backup, "archive": _archive, "import": _import,
        }[args.command]
        return handler(app, args)
    finally:
        app.db.close(app.now())


def _structure(app, args) -> int:  # type: ignore[no-untyped-def]
    from aapdesk.services.structure import StructureData, get_structure, save_structure

    if args.action == "show":
        s = get_structure(app)
        if s is None:
            print("Aucune structure enregistrée (aapdesk structure set --nom ...).")
            return EXIT_PROBLEMS
        print(f"{s.nom}\nType : {s.type_structure}\nSIRET : {s.siret or ''}\n"
              f"Adresse : {s.adresse or ''} {s.code_postal or ''} {s.commune or ''}".rstrip())
        return EXIT_OK
    save_structure(app, StructureData(args.nom, args.type_structure, args.siret, args.adresse, args.code_postal, args.commune))
    print("Structure enregistrée.")
    return EXIT_OK


def _operation(app, args) -> int:  # type: ignore[no-untyped-def]
    from aapdesk.services.operations import (
        OperationInput,
        create_operation,
        list_operations,
    )

    if args.action == "list":
        rows = list_operations(app)
        if not rows:
            print("Aucune opération.")
        for r in rows:
            capacity = f"{r.postes} postes" if r.postes else (f"{r.places} places" if r.places else "")
            print(f"{r.code:<16} {r.dispositif_key:<16} {format_date(r.debut)} → {format_date(r.fin)}  "
                  f"{capacity:<11} {format_money(r.montant):>14}  {r.nb_parcours} parcours")
        return EXIT_OK
    row = create_operation(app, OperationInput(
        code=args.code, dispositif_key=args.dispositif, debut=args.debut, fin=args.fin, intitule=args.intitule,
        places=args.places, postes=args.postes, etp=args.etp, montant=args.montant, zone_defaut=args.zone))
    print(f"Opération {row.code} créée ({row.dispositif_label}).")
    return EXIT_OK


def _activite(app, args) -> int:  # type: ignore[no-untyped-def]
    from aapdesk.services import activity
    from aapdesk.services.operations import get_operation

    if args.action == "a-faire":
        op_id = get_operation(app, args.operation).id if args.operation else None
        rows = activity.todo_list(app, operation_id=op_id, au=args.au, horizon_days=None if args.tout else 45)
        for r in rows:
            flag = "EN RETARD" if r.overdue else "         "
            who = f" – parcours n° {r.parcours_id}" if r.parcours_id else ""
            print(f"{format_date(r.due)}  {flag}  {r.operation_code:<14} {r.label}{who}")
        print(f"{len(rows)} tâche(s), dont {sum(r.overdue for r in rows)} en retard.")
        return EXIT_OK
    op = get_operation(app, args.operation)
    view = activity.file_active_view(app, op.id, args.au)
    unit = "postes" if op.postes is not None else "places"
    print(f"Opération {op.code} – {op.intitule}")
    print(f"File active au dernier jour de chaque mois, arrêtée au {format_date(view.as_of)}")
    print(f"{'Mois':<16}{'Entrées':>8}{'Sorties':>8}{'File active':>12}{unit.capitalize():>8}{'Occupation':>12}")
    for row in view.months:
        print(f"{format_month(row.month):<16}{row.entrees:>8}{row.sorties:>8}{row.file_active:>12}"
              f"{row.places if row.places is not None else '':>8}{format_percent(row.occupation):>12}")
    for year in view.years:
        print(f"Au {format_date(year.day)} (fonctionnement annuel) : {year.file_active} accompagnés "
              f"pour {year.places} {unit} ({format_percent(year.occupation)})")
    print(f"Taux d'occupation : {format_percent(view.taux_occupation, 1) or 'sans objet'}")
    return EXIT_OK


def _sorties(app, args) -> int:  # type: ignore[no-untyped-def]
    from aapdesk.domain.exits import decimal_text
    from aapdesk.services import exits
    from aapdesk.services.operations import get_operation

    op = get_operation(app, args.operation)
    if args.action == "export-preuves":
        counts = exits.export_proof_bundle(app, op.id, args.out, start=args.du, end=args.au)
        print(f"Archive écrite : {args.out} ({counts['exits']} sorties, {counts['files']} fichiers, "
              f"{counts['missing']} pièce(s) manquante(s)).")
        return EXIT_PROBLEMS if counts["missing"] else EXIT_OK
    view = exits.exits_view(app, op.id, args.au)
    print(f"Opération {view.code} – sorties jusqu'au {format_date(view.as_of)} – règles : {view.variant_label}")
    for row in view.rows:
        flag = "  PIÈCE MANQUANTE" if row.missing_proof else ""
        print(f"{format_date(row.date_sortie)}  parcours n° {row.parcours_id:<5} {row.explanation}{flag}")
    s = view.summary
    print(f"{len(view.rows)} sortie(s) ; dynamiques : {s.dynamiques} sur {s.comptees} comptées "
          f"({format_percent(s.taux_dynamiques) or 'sans objet'}) ; pièces manquantes : {view.missing_proofs}")
    for objective in view.objectives:
        achieved = format_percent(objective.achieved) if objective.is_rate else decimal_text(objective.achieved)
        target = format_percent(objective.target) if objective.is_rate else decimal_text(objective.target)
        print(f"Objectif – {objective.label} : {achieved} pour {target} {'(atteint)' if objective.met else ''}")
    return EXIT_OK


def _report(app, args) -> int:  # type: ignore[no-untyped-def]
    import json
    from pathlib import Path

    from aapdesk.files import write_atomically
    from aapdesk.services import reporting
    from aapdesk.services.operations import get_operation

    if args.name != "indicateurs":
        return _generate_report(app, args)
    op = get_operation(app, args.operation)
    data = reporting.indicators(app, op.id, args.au)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if args.out:
        write_atomically(Path(args.out), lambda handle: handle.write(text.encode("utf-8") + b"\n"))
        print(f"Indicateurs écrits : {args.out}", file=sys.stderr)
    else:
        print(text)
    return EXIT_OK


def _generate_report(app, args) -> int:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from aapdesk.services import report_registry
    from aapdesk.services.operations import get_operation

    spec = report_registry.get_report(args.name)
    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in spec.formats:
        expected = " ou ".join(f".{f}" for f in spec.formats)
        print(f"Le rapport « {spec.label} » s'écrit en {expected} : donnez à --out l'une de ces extensions "
              f"(lu : {out.name}).", file=sys.stderr)
        return EXIT_USAGE
    op = get_operation(app, args.operation)
    request = report_registry.ReportRequest(op.id, as_of=args.au, month=args.mois)
    try:
        path = report_registry.generate(app, args.name, request, fmt, out)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{spec.label} écrit : {path}")
    return EXIT_OK


def _demo(app, args) -> int:  # type: ignore[no-untyped-def]
    from aapdesk.services.demo import build_demo

    counts = build_demo(app, participants=args.participants, seed=args.seed)
    print(f"Démonstration créée : {counts['operations']} opérations, {counts['participants']} participants.")
    print(f"Dossier de données : {app.db.paths.data_dir}")
    return EXIT_OK


def _check(app, args) -> int:  # type: ignore[no-untyped-def]
    from aapdesk.services.check import run_checks

    findings = run_checks(app)
    for finding in findings:
        print(finding)
    if not findings:
        print("Aucun problème trouvé : la base est intègre et les règles des fiches sont respectées.")
        return EXIT_OK
    print(f"{len(findings)} problème(s) trouvé(s).")
    return EXIT_PROBLEMS


def _backup(app, args) -> int:  # type: ignore[no-untyped-def]
    from aapdesk.services import backups

    if args.action == "create":
        info = backups.backup_now(app)
        print(f"Sauvegarde {info.id} créée et vérifiée ({format_size(info.size)}) : {info.path}")
        return EXIT_OK
    if args.action == "list":
        items = backups.backups(app)
        if not items:
            print("Aucune sauvegarde.")
        for info in items:
            print(f"{info.id:<36} {info.created:%d/%m/%Y %H:%M:%S}  {info.reason_label:<20} {format_size(info.size):>10}")
        return EXIT_OK
    if args.action == "verify":
        problems = backups.verify(app, args.id)
        if problems:
            print("Sauvegarde abîmée : " + "; ".join(problems))
            return EXIT_PROBLEMS
        print("Sauvegarde intègre.")
        return EXIT_OK
    before = backups.restore(app, args.id)
    print(f"Sauvegarde {args.id} restaurée." + (f" L'état précédent a été sauvegardé ({before.id})." if before else ""))
    return EXIT_OK


def _archive(app, args) -> int:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from aapdesk.services import backups

    if args.action == "create":
        dest = Path(args.dest)
        if dest.is_dir():
            dest = dest / backups.default_archive_name(app.now())
        summary = backups.export_archive(app, dest)
        print(f"Archive écrite : {summary.path}\n{_capitalised(backups.describe_archive(summary.manifest))}.")
        warning = backups.skipped_files_warning(summary)
        if warning:
            print(warning, file=sys.stderr)
            return EXIT_PROBLEMS
        return EXIT_OK
    before = backups.restore_from_archive(app, Path(args.file))
    print("Archive reprise : les données ont été remplacées."
          + (f" L'état précédent a été sauvegardé ({before.id})." if before else ""))
    return EXIT_OK


def _show_archive(args) -> int:  # type: ignore[no-untyped-def]
    """Describe an archive without opening (nor creating) a data folder."""
    from pathlib import Path

    from aapdesk.services import backups

    print(_capitalised(backups.describe_archive(backups.inspect_archive(Path(args.file)))) + ".")
    return EXIT_OK


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _import(app, args) -> int:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from aapdesk.domain.imports import normalise_header
    from aapdesk.services import imports
    from aapdesk.services.operations import get_operation

    if args.kind == "modele":
        operation_id = get_operation(app, args.operation).id if args.operation else None
        path = imports.write_template(app, Path(args.out), operation_id)
        print(f"Modèle écrit : {path}" + (f" (données de {args.operation})" if args.operation else ""))
        return EXIT_OK
    op = get_operation(app, args.operation)
    delimiter = "\t" if args.separateur == "tab" else args.separateur
    file = imports.open_import_file(app, args.kind, Path(args.file), sheet=args.feuille, delimiter=delimiter,
                                    encoding=args.encodage, mapping_name=args.mapping)
    if args.colonne:
        mapping = dict(file.mapping)
        for pair in args.colonne:
            header, _, name = pair.partition("=")
            if name not in file.kind.names:
                print(f"Champ inconnu pour {args.kind} : « {name} » (champs : {', '.join(file.kind.names)})", file=sys.stderr)
                return EXIT_USAGE
            index = next((i for i, h in enumerate(file.headers) if normalise_header(h) == normalise_header(header)), None)
            if index is None:
                print(f"Colonne absente du fichier : « {header} »", file=sys.stderr)
                return EXIT_USAGE
            mapping = {i: n for i, n in mapping.items() if n != name}
            mapping[index] = name
        file = file.with_mapping(mapping)
    print(_describe_mapping(file))
    report = imports.run_import(app, file, op.id, dry_run=args.dry_run, skip_errors=args.skip_errors)
    if args.save_mapping and not report.blocked:
        imports.save_mapping(app, args.kind, args.save_mapping, file)
        print(f"Correspondance de colonnes enregistrée sous « {args.save_mapping} ».")
    print(report.summary())
    for problem in report.problems[:200]:
        print(f"  - {problem}", file=sys.stderr)
    if len(report.problems) > 200:
        print(f"  … et {len(report.problems) - 200} autres problèmes", file=sys.stderr)
    # 1 when problems prevented (or, in a preview, would prevent) the import; skipped rows were asked for
    return EXIT_PROBLEMS if report.problems and not report.applied else EXIT_OK


def _describe_mapping(file) -> str:  # type: ignore[no-untyped-def]
    """Which column feeds which field: headers only, never cell contents."""
    source = f"{file.table.format}" + (f", feuille « {file.table.sheet} »" if file.table.sheet else "")
    if file.table.format == "csv":
        separator = {"\t": "tabulation", ";": "point-virgule", ",": "virgule"}.get(file.table.delimiter or "", "?")
        source += f", séparateur {separator}, encodage {file.table.encoding}"
    lines = [f"Fichier : {source} ; en-têtes ligne {file.header_row}, {len(file.rows)} ligne(s) après."]
    for index, name in file.mapping.items():
        lines.append(f"  {file.headers[index] or '(sans titre)'} → {name}")
    ignored = [h for i, h in enumerate(file.headers) if i not in file.mapping and h]
    if ignored:
        lines.append("  Colonnes ignorées : " + ", ".join(ignored))
    return "\n".join(lines)
