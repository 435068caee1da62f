"""Travel profiles: which OSM ways a mode may use, at what speed, in which direction.

Each profile is a plain table from the OSM ``highway=*`` value to a speed in km/h. A way whose
``highway`` value is not in the table is not used by that mode. The tables are deliberately
simple (no turn costs, no slopes, no traffic) and documented here so that every travel time can
be traced back to a speed and a length.

========================  =====  =====  =====
highway                   car    bike   walk
========================  =====  =====  =====
motorway                  100    —      —
motorway_link             60     —      —
trunk                     80     —      —
trunk_link                50     —      —
primary                   60     16     5
primary_link              40     16     5
secondary                 50     16     5
secondary_link            40     16     5
tertiary                  40     16     5
tertiary_link             30     16     5
unclassified              30     15     5
residential               30     15     5
living_street             10     10     5
service                   15     12     5
road                      30     12     5
track                     —      10     5
cycleway                  —      18     5
path                      —      10     5
footway                   —      —      5
pedestrian                —      —      5
bridleway                 —      —      5
steps                     —      —      5
corridor                  —      —      5
elevator                  —      —      5
platform                  —      —      5
========================  =====  =====  =====

Access rules
------------
* ``access=no|private`` removes a way for every mode unless the mode's own tag
  (``motor_vehicle``/``motorcar`` for car, ``bicycle`` for bike, ``foot`` for walk) allows it
  (``yes|designated|permissive|destination``); the mode's own tag set to ``no|private`` removes it too.
* Bikes may use ``footway``/``pedestrian`` at 5 km/h where ``bicycle=yes|designated``.
* ``area=yes`` ways (squares drawn as closed polygons) are skipped for car and bike.

One-way rules
-------------
* Car: ``oneway=yes|true|1`` (forward), ``oneway=-1|reverse`` (backward); ``junction=roundabout``
  and ``highway=motorway`` are one-way unless ``oneway=no``.
* Bike: as car, except ``oneway:bicycle=no`` or ``cycleway=opposite*`` opens the reverse direction.
* Walk ignores one-way tags.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PROFILES", "Profile"]

_ROAD_CLASSES_CAR: dict[str, float] = {
    "motorway": 100.0,
    "motorway_link": 60.0,
    "trunk": 80.0,
    "trunk_link": 50.0,
    "primary": 60.0,
    "primary_link": 40.0,
    "secondary": 50.0,
    "secondary_link": 40.0,
    "tertiary": 40.0,
    "tertiary_link": 30.0,
    "unclassified": 30.0,
    "residential": 30.0,
    "living_street": 10.0,
    "service": 15.0,
    "road": 30.0,
}
_ROAD_CLASSES_BIKE: dict[str, float] = {
    "primary": 16.0,
    "primary_link": 16.0,
    "secondary": 16.0,
    "secondary_link": 16.0,
    "tertiary": 16.0,
    "tertiary_link": 16.0,
    "unclassified": 15.0,
    "residential": 15.0,
    "living_street": 10.0,
    "service": 12.0,
    "road": 12.0,
    "track": 10.0,
    "cycleway": 18.0,
    "path": 10.0,
}
_WALK = (
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "road",
    "track",
    "cycleway",
    "path",
    "footway",
    "pedestrian",
    "bridleway",
    "steps",
    "corridor",
    "elevator",
    "platform",
)
_ROAD_CLASSES_WALK: dict[str, float] = dict.fromkeys(_WALK, 5.0)

_YES = frozenset({"yes", "designated", "permissive", "destination"})
_NO = frozenset({"no", "private"})


@dataclass(frozen=True)
class Profile:
    """How one mode uses OSM ways.

    Attributes
    ----------
    name
        ``"car"``, ``"bike"`` or ``"walk"``.
    speeds_kmh
        Speed in km/h by ``highway`` value; other values are not used.
    mode_tags
        Tags that grant or refuse access to this mode specifically (checked before ``access``).
    oneway
        Whether one-way tags are obeyed.
    extra_speeds_kmh
        Speeds for ``highway`` values used only when a mode tag says ``yes``/``designated``.
    """

    name: str
    speeds_kmh: dict[str, float]
    mode_tags: tuple[str, ...]
    oneway: bool
    extra_speeds_kmh: dict[str, float] = field(default_factory=dict)

    def speed(self, tags: dict[str, str]) -> float | None:  # noqa: PLR0911
        """Return the speed in km/h on a way with these tags, or ``None`` if the mode may not use it."""
        highway = tags.get("highway")
        if highway is None:
            return None
        own = next((tags[t] for t in self.mode_tags if t in tags), None)
        if own in _NO:
            return None
        if highway in self.speeds_kmh:
            if self.name != "walk" and tags.get("area") == "yes":
                return None
            if own not in _YES and tags.get("access") in _NO:
                return None
            return self.speeds_kmh[highway]
        if highway in self.extra_speeds_kmh and own in _YES:
            return self.extra_speeds_kmh[highway]
        return None

    def directions(self, tags: dict[str, str]) -> tuple[bool, bool]:
        """Return ``(forward, backward)``: whether the way may be used along / against its node order."""
        if not self.oneway:
            return True, True
        value = tags.get("oneway", "")
        if value in ("-1", "reverse"):
            forward, backward = False, True
        elif value in ("yes", "true", "1"):
            forward, backward = True, False
        elif value != "no" and (tags.get("junction") == "roundabout" or tags.get("highway") == "motorway"):
            forward, backward = True, False
        else:
            forward, backward = True, True
        if self.name == "bike" and (
            tags.get("oneway:bicycle") == "no" or tags.get("cycleway", "").startswith("opposite")
        ):
            forward, backward = True, True
        return forward, backward


PROFILES: dict[str, Profile] = {
    "car": Profile("car", _ROAD_CLASSES_CAR, ("motorcar", "motor_vehicle"), oneway=True),
    "bike": Profile(
        "bike",
        _ROAD_CLASSES_BIKE,
        ("bicycle",),
        oneway=True,
        extra_speeds_kmh={"footway": 5.0, "pedestrian": 5.0},
    ),
    "walk": Profile("walk", _ROAD_CLASSES_WALK, ("foot",), oneway=False),
}
"""The built-in profiles by name."""
