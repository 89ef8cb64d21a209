"""The browser extension (issue 17): its files, and havewemet as its native host.

``browser/`` is the Manifest V3 extension, loaded unpacked from :func:`extension_dir`;
it reads LinkedIn's invitation and profile pages and asks :mod:`.host` (started by the
browser through the manifest :func:`install_host` writes) for each card's verdict.
"""

from havewemet.extension.install import (
    BROWSERS,
    EXTENSION_ID,
    GECKO_ID,
    HOST_NAME,
    Installed,
    extension_dir,
    extension_id_of,
    hosts_dir,
    install_host,
    uninstall_host,
)

__all__ = [
    "BROWSERS",
    "EXTENSION_ID",
    "GECKO_ID",
    "HOST_NAME",
    "Installed",
    "extension_dir",
    "extension_id_of",
    "hosts_dir",
    "install_host",
    "uninstall_host",
]
