"""Names for FIT enum values (sport, sub-sport, file type, manufacturer, product).

The tables come from fitdecode's bundled FIT profile, so we do not maintain our own copy.
"""

from __future__ import annotations

from fitdecode import profile

__all__ = ["device_name", "file_type_name", "sport_name"]

_SPORT: dict[int, str] = dict(profile.FIELD_TYPES["sport"].enum or {})
_SUB: dict[int, str] = dict(profile.FIELD_TYPES["sub_sport"].enum or {})
_FILE: dict[int, str] = dict(profile.FIELD_TYPES["file"].enum or {})
_MANUF: dict[int, str] = dict(profile.FIELD_TYPES["manufacturer"].enum or {})
_GARMIN_PRODUCT: dict[int, str] = dict(profile.FIELD_TYPES["garmin_product"].enum or {})
_GARMIN_FAMILY = frozenset({1, 13, 15})  # garmin, dynastream_oem, dynastream share product ids
_RUN_SUBS = {
    "treadmill": "treadmill_running",
    "trail": "trail_running",
    "track": "track_running",
    "virtual_activity": "virtual_running",
    "indoor_running": "indoor_running",
}


def sport_name(sport: int | None, sub_sport: int | None) -> str:
    """backstride's sport string: ``running`` variants by sub-sport, else the FIT sport name."""
    sub = _SUB.get(sub_sport) if sub_sport is not None else None
    if sport == 1:
        return _RUN_SUBS.get(sub or "", "running")
    if sport == 4 and sub == "treadmill":  # older Garmin: fitness_equipment/treadmill
        return "treadmill_running"
    if sport is None:
        return "generic"
    return _SPORT.get(sport, f"sport_{sport}")


def file_type_name(ftype: object) -> str:
    """Name of a file_id.type value."""
    return _FILE.get(ftype, f"type {ftype}") if isinstance(ftype, int) else "unknown"


def _one(manuf: object, product: object, product_name: object) -> str | None:
    m = _MANUF.get(manuf) if isinstance(manuf, int) else None
    if isinstance(product_name, str) and product_name.isprintable() and "\ufffd" not in product_name:
        p: str | None = product_name
    elif isinstance(product, int):
        p = _GARMIN_PRODUCT.get(product) if manuf in _GARMIN_FAMILY else None
        p = p or f"product {product}"
    else:
        p = None
    parts = [x for x in (m, p) if x]
    return " ".join(parts) or None


def device_name(file_ids: list[dict[int, object]], device_infos: list[dict[int, object]]) -> str | None:
    """ "manufacturer product" of the recording device (creator device_info, else file_id)."""
    for d in device_infos:
        if d.get(0) == 0 and (d.get(2) is not None or d.get(27) is not None):
            name = _one(d.get(2), d.get(4), d.get(27))
            if name:
                return name
    for f in file_ids:
        name = _one(f.get(1), f.get(2), f.get(8))
        if name:
            return name
    return None
