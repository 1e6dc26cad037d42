; Inno Setup script: installs the PyInstaller bundle dist\aapdesk\ for the current user only.
;
; Built by .github/workflows/windows.yml:
;   iscc /DAppVersion=0.1.0 packaging\windows\aapdesk.iss   ->  dist\installer\aapdesk-0.1.0-installation.exe
; It has never been compiled on the development machines (Linux): only the Windows CI runs it.
;
; Choices, with the Inno Setup documentation they rely on:
; - No administrator rights: PrivilegesRequired=lowest ([Setup]: PrivilegesRequired) runs Setup
;   in non administrative install mode, where {autopf} is {userpf}, the user's own Program Files,
;   %LOCALAPPDATA%\Programs ("Constants", "Non Administrative Install Mode"); shortcuts and the
;   uninstall entry then go to the user's Start menu, desktop and HKCU.
; - The program is installed in %LOCALAPPDATA%\Programs\aapdesk, never in %LOCALAPPDATA%\aapdesk,
;   which holds the user's data (database, backups, documents): DisableDirPage=yes keeps anyone
;   from choosing that folder.
; - Uninstalling removes only what Setup installed ("[UninstallDelete] section": nothing is
;   listed there on purpose): the data folder is kept, and so are a user's backups.
; - Upgrades: [InstallDelete] empties {app}\_internal first, so that a file dropped from a newer
;   bundle (an Alembic migration above all, which Alembic would still load) cannot linger.
; - A running aapdesk holds its files: CloseApplications (default yes) offers to close it.
; - This file is UTF-8 with a byte order mark: Inno Setup before 6.3 reads a script without one
;   as ANSI and would garble the accents ("Creating Installations": UTF-8 encoded scripts).

#ifndef AppVersion
  ; Compiled by hand (IDE): take the version the spec wrote into aapdesk.exe's version resource.
  #define AppVersion GetFileVersionString(AddBackslash(SourcePath) + "..\..\dist\aapdesk\aapdesk.exe")
#endif

[Setup]
; AppId identifies the installation for upgrades and uninstall: never change it.
AppId={{A1CD16CC-DB46-44FD-B615-E17B7B3CCD18}
AppName=aapdesk
AppVersion={#AppVersion}
AppVerName=aapdesk {#AppVersion}
AppPublisher=aapdesk
AppComments=Suivi des opérations d'insertion financées par le Département et le FSE+
PrivilegesRequired=lowest
DefaultDirName={autopf}\aapdesk
DisableDirPage=yes
DefaultGroupName=aapdesk
DisableProgramGroupPage=yes
; PySide6 (Qt 6) needs 64-bit Windows 10 or later.
MinVersion=10.0
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile=aapdesk.ico
UninstallDisplayIcon={app}\aapdesk.exe
UninstallDisplayName=aapdesk
OutputDir=..\..\dist\installer
OutputBaseFilename=aapdesk-{#AppVersion}-installation
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
; French.isl is one of the official translations shipped with Inno Setup (Languages folder).
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
; Without the "unchecked" flag a task is checked by default ("[Tasks] section").
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; Both programs and their shared _internal folder (paths relative to this script's folder).
Source: "..\..\dist\aapdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\aapdesk"; Filename: "{app}\aapdesk.exe"; Comment: "Suivi des opérations d'insertion"
Name: "{autodesktop}\aapdesk"; Filename: "{app}\aapdesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\aapdesk.exe"; Description: "{cm:LaunchProgram,aapdesk}"; Flags: nowait postinstall skipifsilent
