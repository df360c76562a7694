"""Safe XML loading for GPX/TCX: no DTDs or entities, tolerant of BOMs and leading blanks."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

__all__ = [
    "DOCTYPE_REASON",
    "XmlRejected",
    "has_doctype",
    "local",
    "parse_xml",
    "prepare_xml",
    "sniff_xml_root",
]

DOCTYPE_REASON = "XML with a DOCTYPE/entity declaration is not accepted"
_DECL_ENCODING = re.compile(rb"^(<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2", re.I)
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


class XmlRejected(Exception):
    """The XML could not be accepted; ``str(exc)`` is the one-line reason."""


def prepare_xml(data: bytes) -> bytes:
    """UTF-8 bytes starting at ``<``: BOM and leading whitespace removed, UTF-16/32 re-encoded.

    Strava and Fitbit files start with blanks before ``<?xml``, which strict parsers reject;
    we strip them rather than loosening the parser.
    """
    enc = None
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        enc = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    elif data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        enc = "utf-16-le" if data[0] == 0x3C else "utf-16-be"
    if enc is not None:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            raise XmlRejected(f"XML text is not valid {enc.upper()}") from exc
        data = text.lstrip("\ufeff \t\r\n").encode("utf-8")
        return _DECL_ENCODING.sub(rb"\1\2utf-8\2", data, count=1)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.lstrip(b" \t\r\n")


def sniff_xml_root(data: bytes) -> str | None:
    """Local name of the root element (``gpx``, ``TrainingCenterDatabase``...) or None."""
    try:
        head = prepare_xml(data[:4096])
    except XmlRejected:
        return None
    pos = 0
    while True:
        i = head.find(b"<", pos)
        if i < 0 or i + 1 >= len(head):
            return None
        nxt = head[i + 1 : i + 2]
        if nxt in (b"?", b"!"):
            pos = i + 2
            continue
        m = _ROOT.match(head, i)
        return m.group(2).decode("ascii", "replace") if m else None


def has_doctype(data: bytes) -> bool:
    """True when the XML prolog (first 4 KB) holds a DOCTYPE or entity declaration."""
    try:
        head = prepare_xml(data[:4096])
    except XmlRejected:
        return False
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


def parse_xml(data: bytes) -> ET.Element:
    """Parse untrusted XML. DOCTYPE/entity declarations are refused before parsing."""
    data = prepare_xml(data)
    # refuse up front: cheap, and no entity machinery is ever reached
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise XmlRejected(DOCTYPE_REASON)
    try:
        root: ET.Element = DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        return root
    except DefusedXmlException as exc:
        raise XmlRejected(DOCTYPE_REASON) from exc
    except ET.ParseError as exc:
        raise XmlRejected(f"malformed XML: {exc}") from exc
    except (ValueError, LookupError) as exc:  # e.g. unknown encoding in the declaration
        raise XmlRejected(f"unreadable XML: {exc}") from exc


def local(tag: object) -> str:
    """Tag name without its ``{namespace}``."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def count_elements(data: bytes, name: bytes, stop: int) -> int:
    """How many start tags ``<name`` or ``<prefix:name`` the raw bytes hold (up to ``stop``), before parsing."""
    tags = re.finditer(rb"<(?:[A-Za-z_][\w.-]*:)?" + re.escape(name) + rb"[\s/>]", data)
    return sum(1 for _ in itertools.islice(tags, stop))


def too_many_points(data: bytes, name: bytes, what: str) -> str | None:
    """The reason to refuse a track with more than MAX_GPX_POINTS points, or None."""
    from .limits import MAX_GPX_POINTS

    if count_elements(data, name, MAX_GPX_POINTS + 1) <= MAX_GPX_POINTS:
        return None
    return (f"{what} has more than {MAX_GPX_POINTS:,} track points (a 48-hour session "
            "recorded once a second has 172,800): refused (split it, or export it as FIT)")
