"""Generated from ui/welcome_dialog.ui by packaging/build_forms.py: do not edit."""
# ruff: noqa
from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QDialog, QHBoxLayout, QLabel,
    QPushButton, QSizePolicy, QSpacerItem, QVBoxLayout,
    QWidget)

class Ui_WelcomeDialog(object):
    def setupUi(self, WelcomeDialog):
        if not WelcomeDialog.objectName():
            WelcomeDialog.setObjectName(u"WelcomeDialog")
        WelcomeDialog.resize(560, 260)
        WelcomeDialog.setMinimumSize(QSize(520, 0))
        WelcomeDialog.setModal(True)
        self.mainLayout = QVBoxLayout(WelcomeDialog)
        self.mainLayout.setSpacing(12)
        self.mainLayout.setObjectName(u"mainLayout")
        self.titleLabel = QLabel(WelcomeDialog)
        self.titleLabel.setObjectName(u"titleLabel")
        self.titleLabel.setStyleSheet(u"font-size: 18pt; font-weight: 600;")

        self.mainLayout.addWidget(self.titleLabel)

        self.introLabel = QLabel(WelcomeDialog)
        self.introLabel.setObjectName(u"introLabel")
        self.introLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.introLabel)

        self.choicesLabel = QLabel(WelcomeDialog)
        self.choicesLabel.setObjectName(u"choicesLabel")
        self.choicesLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.choicesLabel)

        self.verticalSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonsLayout = QHBoxLayout()
        self.buttonsLayout.setObjectName(u"buttonsLayout")
        self.buttonsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonsLayout.addItem(self.buttonsSpacer)

        self.archiveButton = QPushButton(WelcomeDialog)
        self.archiveButton.setObjectName(u"archiveButton")

        self.buttonsLayout.addWidget(self.archiveButton)

        self.demoButton = QPushButton(WelcomeDialog)
        self.demoButton.setObjectName(u"demoButton")

        self.buttonsLayout.addWidget(self.demoButton)

        self.createButton = QPushButton(WelcomeDialog)
        self.createButton.setObjectName(u"createButton")

        self.buttonsLayout.addWidget(self.createButton)


        self.mainLayout.addLayout(self.buttonsLayout)


        self.retranslateUi(WelcomeDialog)

        self.createButton.setDefault(True)


        QMetaObject.connectSlotsByName(WelcomeDialog)
    # setupUi

    def retranslateUi(self, WelcomeDialog):
        WelcomeDialog.setWindowTitle(QCoreApplication.translate("WelcomeDialog", u"Bienvenue dans aapdesk", None))
        self.titleLabel.setText(QCoreApplication.translate("WelcomeDialog", u"Bienvenue", None))
        self.introLabel.setText(QCoreApplication.translate("WelcomeDialog", u"aapdesk suit vos op\u00e9rations d'insertion (participants, parcours, activit\u00e9, sorties, finances) sur cet ordinateur, sans connexion \u00e0 internet.", None))
        self.choicesLabel.setText(QCoreApplication.translate("WelcomeDialog", u"Pour commencer, renseignez votre structure. Vous pouvez aussi explorer une d\u00e9monstration : une association fictive, ses op\u00e9rations et des participants invent\u00e9s. La d\u00e9monstration remplit ce dossier de donn\u00e9es ; gardez-la \u00e0 part de vos vraies donn\u00e9es.\n"
"\n"
"Vous changez d'ordinateur ? Reprenez l'archive compl\u00e8te faite sur l'ancien (Param\u00e8tres \u2192 Sauvegardes \u2192 Exporter une archive compl\u00e8te).", None))
        self.archiveButton.setText(QCoreApplication.translate("WelcomeDialog", u"Reprendre une archive\u2026", None))
        self.demoButton.setText(QCoreApplication.translate("WelcomeDialog", u"Ouvrir une d\u00e9monstration", None))
        self.createButton.setText(QCoreApplication.translate("WelcomeDialog", u"Cr\u00e9er ma structure", None))
    # retranslateUi

