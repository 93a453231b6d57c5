"""What one actor has seen: the rooms it has been in and where it last saw things.

The environment keeps a Journal per actor and updates it after that actor's own
steps (and at reset). It is memory, not truth: a thing moved behind the actor's
back stays where it was seen until the actor looks again, and a room it has never
entered is unknown. ``notes`` writes it as short lines a reader (the NPC's
prompt, or a person) can act on: what is here and which exits lead somewhere new
(or, when none do, the first step towards the nearest room with one);
for every other remembered room the first step of the shortest known way there;
and where each thing the actor's goals not holding now name was last seen ('Wanted').
``named`` does the same for the things and rooms a player's request names.
"""

from __future__ import annotations

import re
from collections import deque

from game import quests
from game.world import ACTOR, DOOR, ITEM, ROOM, World

# How the notes name things. 1: as the world file writes them, and a goal on an actor or a room
# as any thing's ('you unseen to Roof Leads unseen'); models trained on it read it so. 2: things
# as commands name them (lower case), the acting actor 'you', another actor with 'here' when in
# sight, a room not entered '(unexplored)'.
WORDINGS = (1, 2)
WORDING = 2


class Journal:
    """One actor's memory of the world."""

    __slots__ = ("visited", "seen_in", "read", "_things", "_ways", "_beyond", "_summary", "_elsewhere", "_notes",
                 "_wanted", "_wording")

    def __init__(self) -> None:
        self.visited: dict[int, None] = {}  # rooms entered, in the order first entered
        self.seen_in: dict[int, int] = {}  # item -> room it was last seen in (not carried)
        self.read: set[str] = set()  # 'read X' commands it has carried out
        self._things: dict[int, tuple[int, ...]] = {}  # room -> items last seen there, in entity order
        # Caches: notes are asked for after every step, and most steps change one room at most.
        self._ways: dict[int, dict[int, str]] = {}  # start room -> first_steps; cleared on a new room
        self._beyond: dict[int, str] = {}  # start room -> way to the nearest unexplored exit; cleared likewise
        self._summary: dict[int, str] = {}  # room -> what is remembered there, as words
        self._elsewhere: dict[int, str] = {}  # start room -> its 'Elsewhere' line
        self._notes: tuple[tuple[int, bool], list[str]] | None = None  # last notes and what they were for
        self._wanted: tuple[tuple, str] | None = None  # last Wanted text and what it was for
        self._wording = WORDING  # of the cached texts

    def copy(self) -> Journal:
        other = Journal()
        other.visited, other.seen_in, other._things = dict(self.visited), dict(self.seen_in), dict(self._things)
        other.read = set(self.read)
        other._ways, other._beyond, other._summary = dict(self._ways), dict(self._beyond), dict(self._summary)
        other._elsewhere, other._notes, other._wanted = dict(self._elsewhere), self._notes, self._wanted
        other._wording = self._wording
        return other

    def observe(self, world: World, actor: int) -> None:
        """Record what ``actor`` can see now (nothing but the room's name in the dark)."""
        room = world.state.parent[actor]
        if room < 0:
            return
        if room not in self.visited:
            self.visited[room] = None
            self._ways.clear()
            self._beyond.clear()
            self._summary.clear()  # the neighbours' unexplored exits change too
            self._elsewhere.clear()
            self._notes = self._wanted = None
        if not world.is_lit(room):
            return
        here, carried = [], []
        for e in world.in_reach(actor):
            if world.entities[e].kind == ITEM:
                (carried if world.is_inside(e, actor) else here).append(e)
        here.sort()
        changed = set()
        seen_in, things = self.seen_in, self._things
        if tuple(here) != things.get(room, ()):
            for item in things.get(room, ()):
                del seen_in[item]  # looked again: what is gone is no longer here
            for item in here:
                was = seen_in.get(item)
                if was is not None and was != room:  # moved here while the actor was away
                    things[was] = tuple(i for i in things[was] if i != item)
                    changed.add(was)
                seen_in[item] = room
            things[room] = tuple(here)
            changed.add(room)
        for item in carried:
            was = seen_in.pop(item, None)
            if was is not None:  # handed over from another room
                things[was] = tuple(i for i in things[was] if i != item)
                changed.add(was)
        if changed:
            self._notes = self._wanted = None
            for r in changed:
                self._summary.pop(r, None)
            for start in list(self._elsewhere):
                if changed - {start}:
                    del self._elsewhere[start]

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

    def _unexplored_beyond(self, world: World, room: int) -> str:
        """'; unexplored beyond: <first step> (<room>)' towards the nearest remembered room with
        an exit to somewhere new, or '' when there is none."""
        text = self._beyond.get(room)
        if text is None:
            text = ""
            for other, direction in self.first_steps(world, room).items():
                if self.unexplored(world, other):
                    text = f"; unexplored beyond: {direction} ({world.entities[other].name})"
                    break
            self._beyond[room] = text
        return text

    def notes(self, world: World, actor: int, wording: int = WORDING) -> list[str]:
        """The journal as text lines: 'Here: ...' and, when there is any, 'Elsewhere: ...' and
        'Wanted: ...', in ``wording`` (``WORDINGS``)."""
        self._use(wording)
        room = world.state.parent[actor]
        if room < 0 or room not in self.visited:
            return []
        key = (room, world.is_lit(room))
        if self._notes is None or self._notes[0] != key:
            self._notes = (key, self._write_notes(world, room, key[1]))
        wanted = self.wanted(world, actor, wording)
        return [*self._notes[1], f"Wanted: {wanted}"] if wanted else list(self._notes[1])

    def whereabouts(self, world: World, actor: int, thing: int) -> str:
        """Where ``actor`` remembers ``thing``: 'carried', 'here', the first step and room
        ('south (Greenhouse)'), or 'unseen' (a room not entered counts as unseen)."""
        ent = world.entities[thing]
        here = world.state.parent[actor]
        if ent.kind == ROOM:
            room = thing
        elif ent.kind == DOOR:
            if here in ent.rooms:
                return "here"
            room = next((r for r in self.first_steps(world, here) if r in ent.rooms), -1)  # the nearer side
        elif world.is_inside(thing, actor):
            return "carried"
        else:
            room = self.seen_in.get(thing, -1)
        if room == here:
            return "here"
        way = self.first_steps(world, here).get(room)
        if way is None:
            return "unseen"
        return way if ent.kind == ROOM else f"{way} ({world.entities[room].name})"

    def _use(self, wording: int) -> None:
        """Write texts in ``wording`` from now on (forgetting those cached in another)."""
        if wording != self._wording:
            if wording not in WORDINGS:
                raise ValueError(f"journal wording must be one of {WORDINGS}, got {wording!r}")
            self._wording = wording
            self._summary.clear()
            self._elsewhere.clear()
            self._notes = self._wanted = None

    def wanted(self, world: World, actor: int, wording: int = WORDING) -> str:
        """The actor's goals not holding now (an undone goal is wanted again) as the things (and
        rooms) they name, each with its whereabouts, for the 'Wanted' line: one clause per goal,
        a thing and the place it must go joined by 'to' ('ivory quill carried to oak shelf north
        (Study)', 'you to Roof Leads (unexplored)'; a goal on a thing another goal pairs, like lighting a lamp that must hang on a
        hook, adds no clause), so the policy reads which thing goes where next to where both
        are instead of matching names across the prompt. Memory only: it never says what to
        do."""
        self._use(wording)
        state = world.state
        key = (state.parent[actor], tuple(state.met[qi] for qi in quests.quests_of(world, actor)),
               tuple(world.held(actor)), tuple(state.parent[a] for a in world.actors))  # others: 'here'
        if self._wanted is not None and self._wanted[0] == key:
            return self._wanted[1]
        pairs: dict[tuple[int, int | None], None] = {}
        for goal in quests.pending(world, actor):
            place = goal.place if goal.place is not None and world.entities[goal.place].kind != ACTOR else None
            pairs[(goal.subject, place)] = None
        paired = {e for pair in pairs if pair[1] is not None for e in pair}
        text = "; ".join(self._where_named(world, actor, thing)
                         + (f" to {self._where_named(world, actor, place)}" if place is not None else "")
                         for thing, place in pairs if place is not None or thing not in paired)
        self._wanted = (key, text)
        return text

    def named(self, world: World, actor: int, words: str, asker: int, wording: int = WORDING) -> str:
        """Where ``actor`` remembers what a request's ``words`` name, for the 'Named' line, and
        then the one who asked ('brass lamp north (Hall); Kitchen east; Wren here'; a player
        named 'you', as generated worlds name it, is 'the player'). A thing or
        room counts when the words hold its last word (its noun) and, of those sharing that noun,
        the most of its other words; only things the actor has seen or carries and rooms it has
        entered are named, so the line tells nothing the actor does not know. Memory only: what
        the request asks is for the reader to make out from the words."""
        self._use(wording)
        words_in = re.findall(r"[a-z0-9']+", words.lower())
        position = {w: i for i, w in reversed(list(enumerate(words_in)))}
        known = [*self.visited, *self.seen_in, *(i for i in world.items if world.is_inside(i, actor))]
        best: dict[str, tuple[int, list[int]]] = {}  # noun -> (words matched, entities)
        for e in dict.fromkeys(known):
            name = world.entities[e].name.lower().split()
            if not name or name[-1] not in position:
                continue
            score = sum(w in position for w in name)
            top = best.get(name[-1])
            if top is None or score > top[0]:
                best[name[-1]] = (score, [e])
            elif score == top[0]:
                top[1].append(e)
        found = sorted((position[noun], e) for noun, (_, es) in best.items() for e in es)
        clauses = [self._where_named(world, actor, e) for _, e in found if e != asker]
        if asker != actor:  # 'you' is the reader: a player named so is 'the player'
            who = self._where_named(world, actor, asker)
            clauses.append("the player" + who[3:] if world.entities[asker].name == "you" else who)
        return "; ".join(clauses)

    def _where_named(self, world: World, actor: int, thing: int) -> str:
        """One side of a Wanted clause: the acting actor is 'you'; another actor is named, with
        'here' when in sight (where actors walk is not remembered); a room not entered yet is
        '(unexplored)'; a thing is named as commands name it, then its whereabouts (wording 1: any
        of them named as written, then its whereabouts)."""
        ent = world.entities[thing]
        if self._wording == 1:
            return f"{ent.name} {self.whereabouts(world, actor, thing)}"
        if thing == actor:
            return "you"
        if ent.kind == ACTOR:
            here = world.state.parent[thing] == world.state.parent[actor]
            return f"{ent.name} here" if here else ent.name
        where = self.whereabouts(world, actor, thing)
        if ent.kind == ROOM:
            return f"{ent.name} (unexplored)" if where == "unseen" else f"{ent.name} {where}"
        return f"{ent.lower_name} {where}"

    def _names(self, world: World, room: int) -> str:
        ents = world.entities
        if self._wording == 1:
            return ", ".join(ents[i].name for i in self._things.get(room, ()))
        return ", ".join(ents[i].lower_name for i in self._things.get(room, ()))

    def _write_notes(self, world: World, room: int, lit: bool) -> list[str]:
        here = (self._names(world, room) or "nothing") if lit else "too dark to see"
        new_ways = self.unexplored(world, room)
        if new_ways:
            here += f"; unexplored: {', '.join(new_ways)}"
        else:
            here += self._unexplored_beyond(world, room)
        lines = [f"Here: {here}"]
        elsewhere = self._elsewhere.get(room)
        if elsewhere is None:
            parts = []
            for other, direction in self.first_steps(world, room).items():
                summary = self._summary.get(other)
                if summary is None:
                    summary = self._names(world, other)
                    if self.unexplored(world, other):
                        summary = f"{summary}, unexplored exits" if summary else "unexplored exits"
                    self._summary[other] = summary
                if summary:
                    parts.append(f"{world.entities[other].name} ({direction}): {summary}")
            elsewhere = self._elsewhere[room] = "; ".join(parts)
        if elsewhere:
            lines.append("Elsewhere: " + elsewhere)
        return lines
