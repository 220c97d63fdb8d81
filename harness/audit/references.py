"""The package and version a direct reference declares: an editable install (``-e``), a VCS
URL (``git+https://...@v2.13.0#egg=nicegui``) or an archive URL (``.../nicegui-2.13.0.tar.gz``).

The version is read from what the reference itself says, in this order: an ``egg=NAME-VERSION``
fragment, a VCS ref that is a version (``@v2.13.0``, ``@2.13.0``), an archive or wheel file
name. A reference that says no version gets the reason instead; it is never guessed.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

_ARCHIVE = re.compile(
    r"^(?P<name>.+?)-(?P<version>[0-9][^-]*?)(\.tar\.gz|\.tar\.bz2|\.zip|-.+\.whl)$"
)
_REF = re.compile(r"^v?(?P<version>[0-9]+(\.[0-9]+)*)$")
NO_VERSION = (
    "the reference declares no version (no egg=NAME-VERSION fragment, no tag such as "
    "@v2.13.0, no archive file name with one)"
)


def is_reference(text: str) -> bool:
    """A URL or a local path rather than a requirement."""
    return "://" in text or text.startswith(("git+", "hg+", "svn+", "bzr+", "file:", ".", "/"))


def _version(text: str) -> str | None:
    try:
        return str(Version(text))
    except InvalidVersion:
        return None


def declared(text: str, name: str | None) -> tuple[str | None, str | None, str]:
    """(canonical name or None, version or None, why there is no version or "")."""
    url = urlsplit(text)
    fragment = parse_qs(url.fragment)
    version = None
    egg = fragment.get("egg", [""])[0]
    if egg:
        egg_name, _, egg_version = egg.partition("-")
        name = name or egg_name
        version = _version(egg_version) if egg_version else None
    path = url.path
    if version is None and "+" in url.scheme and "@" in path:
        ref = _REF.match(path.rsplit("@", 1)[1])
        version = ref.group("version") if ref else None
    archive = _ARCHIVE.match(path.rsplit("/", 1)[-1])
    if archive:
        name = name or archive.group("name")
        if version is None and canonicalize_name(archive.group("name")) == canonicalize_name(name):
            version = _version(archive.group("version"))
    if not name:
        return None, None, "the reference names no package"
    return canonicalize_name(name), version, "" if version else NO_VERSION
