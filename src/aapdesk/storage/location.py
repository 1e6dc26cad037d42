"""Warn when the live database sits where SQLite cannot keep it safe.

SQLite's locking and WAL do not work reliably on network file systems, and sync
clients (OneDrive, SharePoint, Dropbox, Google Drive) copy files mid-write. The live
database belongs on the local disk; only verified backups may go to such folders.
"""

from __future__ import annotations

import os
from pathlib import Path

SYNC_MARKERS = ("onedrive", "sharepoint", "dropbox", "google drive", "googledrive", "icloud", "nextcloud")
#: How each service spells itself, for the warning.
SYNC_NAMES = {"onedrive": "OneDrive", "sharepoint": "SharePoint", "dropbox": "Dropbox", "google drive": "Google Drive",
              "googledrive": "Google Drive", "icloud": "iCloud", "nextcloud": "Nextcloud"}
NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p", "afs", "davfs", "fuse.davfs2"}


def location_warning(path: Path) -> str | None:
    """A French warning when ``path`` looks like a sync folder or a network drive, else None."""
    text = str(path)
    lowered = text.lower()
    for marker in SYNC_MARKERS:
        if marker in lowered:
            return (
                f"Le dossier de données se trouve dans un dossier synchronisé ({SYNC_NAMES.get(marker, marker.title())}). "
                "La synchronisation peut copier la base pendant une écriture et l'abîmer : placez le "
                "dossier de données sur le disque local et ne synchronisez que les sauvegardes."
            )
    if text.startswith("\\\\") or text.startswith("//") or _is_network_mount(path):
        return (
            "Le dossier de données se trouve sur un lecteur réseau. SQLite n'y garantit pas "
            "l'intégrité des données : placez-le sur le disque local de l'ordinateur."
        )
    return None


def _is_network_mount(path: Path) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows only
        import ctypes

        drive = os.path.splitdrive(str(path.resolve()))[0]
        if not drive:
            return False
        DRIVE_REMOTE = 4
        return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == DRIVE_REMOTE
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return False
    resolved = str(path.resolve())
    best, best_fs = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and (resolved == parts[1] or resolved.startswith(parts[1].rstrip("/") + "/")):
            if len(parts[1]) > len(best):
                best, best_fs = parts[1], parts[2]
    return best_fs in NETWORK_FS
