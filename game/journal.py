"""What one actor has seen: the rooms it has been in and where it last saw things.

The environment keeps a Journal per actor and updates it after that actor's own
steps (and at reset). It is memory, not truth: a thing moved behind the actor's
back stays where it was seen until the actor looks again, and a room it has never
entered is unknown. ``notes`` writes it as two short lines a reader (the NPC's
prompt, or a person) can act on: what is here and which exits lead somewhere new,
and for every other remembered room the first step of the shortest known way there.
"""

from __future__ import annotations

from collections import deque

from game.world import ITEM, World


class Journal:
    """One actor's memory of the world."""

    __slots__ = ("visited", "seen_in", "_notes", "_ways", "_about")

    def __init__(self) -> None:
        self.visited: dict[int, None] = {}  # rooms entered, in the order first entered
        self.seen_in: dict[int, int] = {}  # item -> room it was last seen in (not carried)
        # Caches (the notes are asked for after every step; the journal rarely changes):
        self._notes: tuple[tuple[int, bool], list[str]] | None = None  # last notes and what they were for
        self._ways: dict[int, dict[int, str]] = {}  # start room -> first_steps; cleared on a new room
        self._about: dict[int, tuple[str, list[str]]] = {}  # room -> (things seen there, unexplored ways)

    def copy(self) -> Journal:
        other = Journal()
        other.visited = dict(self.visited)
        other.seen_in = dict(self.seen_in)
        other._notes, other._ways, other._about = self._notes, dict(self._ways), dict(self._about)
        return other

    def observe(self, world: World, actor: int) -> None:
        """Record what ``actor`` can see now (nothing but the room's name in the dark)."""
        room = world.state.parent[actor]
        if room < 0:
            return
        if room not in self.visited:
            self.visited[room] = None
            self._notes = None
            self._ways.clear()
            self._about.clear()  # the neighbours' unexplored exits change too
        if not world.is_lit(room):
            return
        seen_in = self.seen_in
        before = {i: r for i, r in seen_in.items() if r == room}
        for item in before:
            del seen_in[item]  # looked again: what is gone is no longer here
        changed = set()
        for e in world.in_reach(actor):
            if world.entities[e].kind != ITEM:
                continue
            if world.is_inside(e, actor):
                if e in seen_in:
                    changed.add(seen_in.pop(e))
            else:
                seen_in[e] = room
        if {i: r for i, r in seen_in.items() if r == room} != before:
            changed.add(room)
        if changed:
            self._notes = None
            for r in changed:
                self._about.pop(r, None)

    def first_steps(self, world: World, start: int) -> dict[int, str]:
        """For each remembered room reachable through remembered rooms: the direction
        to go first from ``start`` (breadth first, exits in the world's order)."""
        cached = self._ways.get(start)
        if cached is not None:
            return cached
        way: dict[int, str] = {start: ""}
        queue = deque([start])
        while queue:
            room = queue.popleft()
            for direction, ex in world.entities[room].exits.items():
                if ex.to in self.visited and ex.to not in way:
                    way[ex.to] = way[room] or direction
                    queue.append(ex.to)
        del way[start]
        self._ways[start] = way
        return way

    def unexplored(self, world: World, room: int) -> list[str]:
        """Directions out of ``room`` that lead to rooms not yet entered."""
        return [d for d, ex in world.entities[room].exits.items() if ex.to not in self.visited]

    def notes(self, world: World, actor: int) -> list[str]:
        """The journal as text lines: 'Here: ...' and, when there is any, 'Elsewhere: ...'."""
        room = world.state.parent[actor]
        if room < 0 or room not in self.visited:
            return []
        key = (room, world.is_lit(room))
        if self._notes is None or self._notes[0] != key:
            self._notes = (key, self._write_notes(world, room, key[1]))
        return list(self._notes[1])

    def _about_room(self, world: World, room: int) -> tuple[str, list[str]]:
        about = self._about.get(room)
        if about is None:
            things = ", ".join(world.entities[i].name for i, r in sorted(self.seen_in.items()) if r == room)
            about = self._about[room] = (things, self.unexplored(world, room))
        return about

    def _write_notes(self, world: World, room: int, lit: bool) -> list[str]:
        things, new_ways = self._about_room(world, room)
        here = (things or "nothing") if lit else "too dark to see"
        lines = [f"Here: {here}" + (f"; unexplored: {', '.join(new_ways)}" if new_ways else "")]
        elsewhere = []
        for other, direction in self.first_steps(world, room).items():
            things, new_ways = self._about_room(world, other)
            if new_ways:
                things = f"{things}, unexplored exits" if things else "unexplored exits"
            if things:
                elsewhere.append(f"{world.entities[other].name} ({direction}): {things}")
        if elsewhere:
            lines.append("Elsewhere: " + "; ".join(elsewhere))
        return lines
