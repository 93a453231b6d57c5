"""Optimal walkthroughs: the fewest commands that win a world's quests.

A* over world states (``_Search``). Walking is one macro step per destination
room, costing the length of a shortest route through open exits, and only rooms
where something relevant can be done are destinations. The heuristic
(``_Heuristic``) is admissible: every command changes one attribute of one entity,
so it counts the effects every walkthrough must still make (goals not holding,
things to take, containers and doors to open or unlock, a light for a dark room)
and, for a single actor, adds a lower bound on the walking still to do. A goal's
points are held only while it holds (or, for a ``once`` goal, has held: the met goals
are part of the state), and a state is won when all the quests' goals hold in it at once.

Commands that provably never shorten a walkthrough are pruned (``_Relevance``):
touching things no goal, lock or light depends on, and undoing moves (closing,
switching off, dropping) that no goal asks for. A required effect that is in reach
and safe to make at once is made without branching (``_Search.eager``). The result
is optimal for the game's rules, where actors carry any number of things.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from game import quests
from game.admissible import enumerate_commands
from game.commands import Command, CommandTable
from game.rules import execute
from game.world import ACTOR, DOOR, LIT, LOCKED, OPEN, ROOM, SLOT_SHIFT, World

DEFAULT_MAX_NODES = 2_000_000


@dataclass(frozen=True, slots=True)
class Solution:
    """An optimal walkthrough: (actor id, canonical command) pairs, and its score."""

    steps: tuple[tuple[str, str], ...]
    score: int
    max_score: int
    nodes: int

    @property
    def commands(self) -> list[str]:
        return [cmd for _, cmd in self.steps]

    def __len__(self) -> int:
        return len(self.steps)


class Unsolvable(Exception):
    """No walkthrough exists (``exhausted``) or none was found within the node limit."""

    def __init__(self, message: str, nodes: int, exhausted: bool) -> None:
        super().__init__(message)
        self.nodes = nodes
        self.exhausted = exhausted


class _Relevance:
    """Which entities and commands can matter for a set of quests."""

    def __init__(self, world: World, quest_ids: list[int], multi_actor: bool) -> None:
        ents = world.entities
        goals = [g for qi in quest_ids for g in world.quests[qi].goals]
        self.goal_in = {(g.subject, g.place) for g in goals if g.type == "in"}
        self.floor_goal = {g.subject for g in goals if g.type == "in" and ents[g.place].kind == ROOM}
        self.want = {(g.type, g.subject) for g in goals}
        relevant = {g.subject for g in goals} | {g.place for g in goals if g.place is not None}
        relevant |= {e.key for e in ents if e.key is not None}
        if world.has_dark_rooms:
            relevant |= set(world.lights)
        # Things filling a goal container with a capacity may have to be taken out.
        for place in [g.place for g in goals if g.type == "in" and g.place is not None]:
            if ents[place].capacity is not None:
                relevant |= set(world.contents(place))
        # Containers holding relevant things must be opened (transitively).
        changed = True
        while changed:
            changed = False
            for e in list(relevant):
                p = world.state.parent[e]
                if p >= 0 and ents[p].kind not in (ROOM, ACTOR) and p not in relevant:
                    relevant.add(p)
                    changed = True
        # Switches that work a door or a relevant thing (their rooms are worth walking to).
        relevant |= {e.index for e in ents if e.switch is not None
                     and (ents[e.switch[1]].kind == DOOR or e.switch[1] in relevant)}
        self.relevant = relevant
        self.dial_goal = {(g.subject, ents[g.subject].dial[g.value]) for g in goals if g.type == "set"}
        self.multi_actor = multi_actor
        verbs = {"closed": "close", "locked": "lock", "eaten": "eat", "lit": "turn_on", "open": "open",
                 "worn": "wear", "unlocked": "close"}
        self.wanted = {(verbs[t], s) for t, s in self.want if t in verbs}
        # Locking needs the thing closed first.
        self.wanted |= {("close", s) for t, s in self.want if t == "locked"}

    def useful(self, world: World, cmd: Command) -> bool:
        v = cmd.verb
        if v == "go":
            return True
        ent = world.entities[cmd.obj]
        if ent.kind == DOOR:
            return v in ("open", "unlock") or (v, cmd.obj) in self.wanted
        if cmd.obj not in self.relevant:
            return False
        if v == "operate":
            return True
        if v == "set":
            return (cmd.obj, cmd.text) in self.dial_goal
        if v in ("take", "unlock"):
            return True
        if v == "open":
            return True
        if v == "drop":
            return self.multi_actor or cmd.obj in self.floor_goal
        if v in ("put_in", "put_on"):
            return (cmd.obj, cmd.obj2) in self.goal_in or self.multi_actor
        if v == "give":
            return (cmd.obj, cmd.obj2) in self.goal_in or self.multi_actor
        if v == "turn_on":
            return True
        return (v, cmd.obj) in self.wanted


def _goal_effect(state, g) -> tuple:
    """The effect a goal asks for. Unlocking a locked thing is the one step that makes an
    'unlocked' goal hold, so it counts once when a door on the way must be unlocked too."""
    if g.type == "unlocked" and state.flags[g.subject] & LOCKED:
        return ("unlock", g.subject, None)
    return (g.type, g.subject, g.place)


def solve(world: World, actors: list[str] | None = None, *, max_nodes: int = DEFAULT_MAX_NODES,
          from_current: bool = False) -> Solution:
    """Find the shortest walkthrough that wins every quest of the given actors.

    Args:
        world: the world; searched from its initial state (its current state is
            restored afterwards).
        from_current: search from the world's current state instead (the rest of a
            game under way: what an expert would do from here; imitation uses it).
        actors: ids of the actors whose commands the walkthrough may use; by
            default the player and everyone sharing a quest with the player.
        max_nodes: give up (raise Unsolvable) after expanding this many states.

    Raises:
        Unsolvable: no walkthrough exists, or none was found within max_nodes.
    """
    actor_idx = _actors(world, actors)
    quest_ids = sorted({qi for a in actor_idx for qi in quests.quests_of(world, a)})
    if not quest_ids:
        raise Unsolvable("no quest to solve: the world gives these actors no goals", 0, True)
    saved = world.state
    try:
        if from_current:
            world.set_state(saved.copy())
        else:
            world.reset()
        quests.update(world)
        return _Search(world, actor_idx, quest_ids, max_nodes).run()
    finally:
        world.set_state(saved)


def remaining_moves(world: World) -> int | None:
    """The length of the shortest walkthrough from the world's current state (0 once won;
    None when no way on is found, as after a loss)."""
    plan = _shortest(world)
    return None if plan is None else len(plan)


class MovesLeft:
    """``remaining_moves`` followed through a game step by step, searching only where a step
    leaves the walkthroughs already found.

    A step whose command refused changes nothing (the same state, the same answer); a step
    whose one command is the walkthrough's next leads along a shortest walkthrough, and what
    is left of it is a shortest one from there (fewer would make the whole shorter); a step
    back to a state seen before (move counts aside, which no search reads) has that state's
    answer. Any other step searches again (a line of several commands too: the env settles
    goals once after the line, a walkthrough after each command). The answers are
    ``remaining_moves``'s after every step.

    Args:
        world: the game under way (read at each search; never changed).
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self.plan = _shortest(world)
        self._seen: dict[tuple, Solution | None] = {world.state.key(): self.plan}

    @property
    def moves(self) -> int | None:
        """Moves left from the current state (None when no way on is found)."""
        return None if self.plan is None else len(self.plan.steps)

    def after(self, actor: str, ran: tuple[str, ...]) -> int | None:
        """Moves left after ``actor``'s step, which ran these canonical commands (the ones that
        did not refuse, in order; ``LanternEnv.last_step.commands``)."""
        plan, k = self.plan, len(ran)
        if k == 0:
            return self.moves
        key = self.world.state.key()
        if plan is not None and k == 1 and plan.steps[0] == (actor, ran[0]):
            self.plan = self._seen.setdefault(key, Solution(plan.steps[1:], plan.score, plan.max_score, 0))
        else:
            if key not in self._seen:
                self._seen[key] = _shortest(self.world)
            self.plan = self._seen[key]
        return self.moves


def _shortest(world: World) -> Solution | None:
    try:
        return solve(world, from_current=True)
    except Unsolvable:
        return None


def _actors(world: World, actors: list[str] | None) -> list[int]:
    if actors is None:
        mates = {a for q in world.quests if world.player in q.actors for a in q.actors}
        return sorted(mates | {world.player})
    return [world.entity(a).index for a in actors]


class _Distances:
    """Shortest number of moves between rooms, ignoring doors (a lower bound).

    Computed one start room at a time, when the heuristic first asks, and only the
    most recent ``keep`` rows are kept: a search's time and memory then follow the
    states it expands, not the world's size (a table of every pair of rooms in a
    10,000-room world would take gigabytes before the first state is expanded).
    """

    def __init__(self, world: World, keep: int = 256) -> None:
        self.world = world
        self.keep = keep
        self._rows: dict[int, array] = {}

    def row(self, start: int) -> array:
        """Distances from room ``start``, indexed by entity index (0 where unreachable)."""
        row = self._rows.get(start)
        if row is None:
            if len(self._rows) >= self.keep:
                del self._rows[next(iter(self._rows))]  # the oldest row goes first
            row = self._rows[start] = self._walk(start)
        return row

    def _walk(self, start: int) -> array:
        entities = self.world.entities
        row = array("l", bytes(array("l").itemsize * len(entities)))
        seen, queue = {start}, [start]
        for r in queue:
            for ex in entities[r].exits.values():
                if ex.to not in seen:
                    seen.add(ex.to)
                    row[ex.to] = row[r] + 1
                    queue.append(ex.to)
        return row


class _Heuristic:
    """A lower bound on the commands still needed (admissible, so A* stays optimal).

    Every command changes one attribute of one entity (where it is, open, locked,
    lit), so distinct required effects need distinct commands. The bound counts
    the effects every walkthrough must still make (goals not holding now, undone
    ones included; taking each goal item; opening and unlocking the containers and
    doors that certainly stand in the way, with their keys; lighting a dark room
    that must be searched) and adds,
    for a single actor, a bound on the walking still to do: the larger of the
    longest ordered chain (the item's room, then its destination) and the minimum
    spanning tree over the rooms still to visit (a walk through them is itself a
    spanning path, so it is at least that long).
    """

    def __init__(self, world: World, quest_ids: list[int], actors: list[int]) -> None:
        self.world = world
        self.goals = [(qi, gi, g) for qi in quest_ids for gi, g in enumerate(world.quests[qi].goals)]
        self.single = actors[0] if len(actors) == 1 else None
        self.dist = _Distances(world)
        self._necessary: dict = {}
        # Things a switch unlocks need no key.
        self.switch_unlocks = {e.switch[1] for e in world.entities
                               if e.switch is not None and e.switch[0] == "unlock"}

    def __call__(self, state) -> int:
        effects, walk = self.analyse(state)
        return len(effects) + walk

    def analyse(self, state) -> tuple[set, int]:
        """The effects every walkthrough from here must still make, and the walking bound.

        Effects are (type, entity, place) triples: ('in', x, actor) is taking x,
        ('open', d, None) opening, ('unlock', d, None) unlocking, ('lit', l, None)
        switching on, and goal triples as the goals spell them.
        """
        effects: set = set()
        if self.single is None:
            for qi, gi, g in self.goals:
                if not state.met[qi] >> gi & 1 and g.type != "at":
                    effects.add(_goal_effect(state, g))
            return effects, 0
        actor = self.single
        here = state.parent[actor]
        visit: set[int] = set()
        search: set[int] = set()  # rooms where something must be seen and touched
        chain = 0
        for qi, gi, g in self.goals:
            if not state.met[qi] >> gi & 1:
                chain = max(chain, self._goal(state, actor, here, g, effects, visit, search))
        self._darkness(state, actor, search, effects, visit)
        self._doors(state, actor, here, visit, effects)
        return effects, max(chain, self._spanning(here, visit))

    def _goal(self, state, actor: int, here: int, g, effects: set, visit: set, search: set) -> int:
        """Add goal g's required effects and rooms; return its ordered chain length."""
        if g.type == "at":
            if g.subject != actor:
                return 0
            visit.add(g.place)
            return self.dist.row(here)[g.place]
        effects.add(_goal_effect(state, g))
        subject_room = self._reach(state, actor, g.subject, effects, visit, search, here, False)
        if g.type in ("in", "worn") and g.place != actor and state.parent[g.subject] != actor:
            effects.add(("in", g.subject, actor))  # it has to be taken first
        if g.type != "in" or subject_room < 0:
            return self.dist.row(here)[subject_room] if subject_room >= 0 else 0
        place_room = self._reach(state, actor, g.place, effects, visit, search, here, True)
        leg = self.dist.row(here)[subject_room]
        if place_room >= 0:
            leg += self.dist.row(subject_room)[place_room]
        return leg

    def _reach(self, state, actor: int, e: int, effects: set, visit: set, search: set, here: int,
               inside: bool) -> int:
        """Require getting at ``e`` (or into it, if ``inside``): its room visited and the
        closed containers around it opened; return its room."""
        world = self.world
        ent = world.entities[e]
        if ent.kind == ROOM:
            visit.add(e)
            return e
        if ent.kind == DOOR:
            return -1
        room = world.room_of(e)
        if room < 0:
            return -1
        if not world.is_inside(e, actor) and e != actor:
            visit.add(room)
            search.add(room)
        holders = [e] if inside and ent.container else []
        p = state.parent[e]
        while p >= 0 and world.entities[p].kind not in (ROOM, ACTOR):
            holders.append(p)
            p = state.parent[p]
        for h in holders:
            self._open(state, actor, h, effects, visit, search, here)
        return room

    def _open(self, state, actor: int, e: int, effects: set, visit: set, search: set, here: int) -> None:
        flags = state.flags[e]
        if flags & OPEN or not self.world.entities[e].openable:
            return
        effects.add(("open", e, None))
        if flags & LOCKED and (self.world.entities[e].key is None or e in self.switch_unlocks):
            effects.add(("unlock", e, None))
        elif flags & LOCKED:
            effects.add(("unlock", e, None))
            key = self.world.entities[e].key
            if state.parent[key] != actor:
                effects.add(("in", key, actor))
                key_room = self.world.room_of(key)
                if key_room >= 0:
                    visit.add(key_room)

    def _darkness(self, state, actor: int, search: set, effects: set, visit: set) -> None:
        world = self.world
        if len(world.lights) != 1:
            return
        light = world.lights[0]
        for room in search:
            if world.entities[room].dark and not world.is_lit(room):
                if not state.flags[light] & LIT:
                    effects.add(("lit", light, None))
                if not world.is_inside(light, actor) and world.room_of(light) != room:
                    effects.add(("in", light, actor))
                    light_room = world.room_of(light)
                    if light_room >= 0:
                        visit.add(light_room)
                return

    def _doors(self, state, actor: int, here: int, visit: set, effects: set) -> None:
        """Doors that every route from here to some room to visit must pass."""
        closed = tuple(d for d in self.world.doors if not state.flags[d] & OPEN)
        if not closed or not visit:
            return
        key = (here, frozenset(visit), closed)
        needed = self._necessary.get(key)
        if needed is None:
            needed = [d for d in closed if not visit <= self._rooms_without(here, d)]
            self._necessary[key] = needed
        for d in needed:
            self._open(state, actor, d, effects, visit, set(), here)

    def _rooms_without(self, here: int, door: int) -> set[int]:
        seen, queue = {here}, [here]
        for r in queue:
            for ex in self.world.entities[r].exits.values():
                if ex.door != door and ex.to not in seen:
                    seen.add(ex.to)
                    queue.append(ex.to)
        return seen

    def _spanning(self, here: int, visit: set) -> int:
        """Weight of the minimum spanning tree over ``visit`` and ``here`` (Prim)."""
        todo = [r for r in visit if r != here]
        if not todo:
            return 0
        start = self.dist.row(here)
        best = {r: start[r] for r in todo}
        total = 0
        while best:
            r = min(best, key=best.__getitem__)
            total += best.pop(r)
            row = self.dist.row(r)
            for other in best:
                d = row[other]
                if d < best[other]:
                    best[other] = d
        return total


def _routes(world: World, actor: int, wanted: set[int]) -> dict[int, list[str]]:
    """Shortest 'go' sequences from the actor's room to each room of ``wanted`` it can walk to now.

    The walk keeps one back-pointer per room and spells out only the wanted routes,
    so a long corridor costs its length, not its length squared.
    """
    flags = world.state.flags
    start = world.state.parent[actor]
    back: dict[int, tuple[int, str] | None] = {start: None}
    queue = [start]
    for r in queue:
        for direction, ex in world.entities[r].exits.items():
            if ex.to not in back and (ex.door is None or flags[ex.door] & OPEN):
                back[ex.to] = (r, direction)
                queue.append(ex.to)
    routes: dict[int, list[str]] = {}
    for room in queue[1:]:  # in walking order, as the search expects
        if room not in wanted:
            continue
        route, at = [], back[room]
        while at is not None:
            route.append(at[1])
            at = back[at[0]]
        routes[room] = route[::-1]
    return routes


class _Search:
    """A* where walking is one macro step per destination room, costing its length.

    Replacing each run of 'go' commands by a shortest route between the same two
    rooms never lengthens a walkthrough (doors do not change while walking), and
    any route is a chain of such shortest hops, so optimality is kept.
    """

    def __init__(self, world: World, actor_idx: list[int], quest_ids: list[int], max_nodes: int) -> None:
        self.world = world
        self.actors = actor_idx
        self.quest_ids = quest_ids
        self.max_nodes = max_nodes
        self.relevance = _Relevance(world, quest_ids, multi_actor=len(actor_idx) > 1)
        self.heuristic = _Heuristic(world, quest_ids, actor_idx)
        goals = [g for qi in quest_ids for g in world.quests[qi].goals]
        self.goal_count: dict[int, int] = {}
        for g in goals:
            self.goal_count[g.subject] = self.goal_count.get(g.subject, 0) + 1
        self.tools = {e.key for e in world.entities if e.key is not None} | set(world.lights)
        self.risky = {g.subject for qi in quest_ids for g in world.quests[qi].lose}
        self.uncapped = {e.index for e in world.entities if e.capacity is None}
        self.goal_rooms = {g.place for g in goals if g.place is not None and world.entities[g.place].kind == ROOM}
        self.doors_to_shut = {g.subject for g in goals
                              if world.entities[g.subject].kind == DOOR and g.type in ("closed", "locked", "unlocked")}

    def run(self) -> Solution:
        """The best-first loop: expand the state of least cost + heuristic until one is won."""
        start = self.world.state.copy()
        best: dict[object, int] = {start.key(): 0}
        parents: dict[object, tuple[object, int, tuple[Command, ...]] | None] = {start.key(): None}
        frontier = [(self.heuristic(start), 0, 0, start)]
        counter = 1
        nodes = 0
        while frontier:
            _, neg_g, _, state = heapq.heappop(frontier)
            g = -neg_g
            state_key = state.key()
            if best.get(state_key, g) < g:
                continue  # a shorter way here was found after this entry was queued
            if self.won(state):
                return _walkthrough(self.world, parents, state, nodes, self.quest_ids)
            nodes += 1
            if nodes > self.max_nodes:
                raise Unsolvable(f"no walkthrough found within {self.max_nodes} states "
                                 f"(searched to depth {g})", nodes, False)
            for actor, steps, child in self._children(state):
                key = child.key()
                cost = g + len(steps)
                if best.get(key, cost + 1) <= cost:
                    continue
                best[key] = cost
                parents[key] = (state_key, actor, steps)
                counter += 1
                # Ties on f go to the deeper node: it is closer to a goal.
                heapq.heappush(frontier, (cost + self.heuristic(child), -cost, counter, child))
        raise Unsolvable(f"the quests cannot be won (all {nodes} reachable states searched)", nodes, True)

    def won(self, state) -> bool:
        return all(state.met[qi] == self.world.quests[qi].all_mask for qi in self.quest_ids)

    def lost(self, state) -> bool:
        return any(state.lost[qi] for qi in self.quest_ids)

    def _children(self, state) -> Iterator[tuple[int, tuple[Command, ...], object]]:
        """Each (actor, steps, child state) one move from ``state`` that neither fails nor loses.

        A child is yielded while the world is in it (the heuristic reads the world);
        the world is back in ``state`` when the iteration ends.
        """
        world = self.world
        for actor in self.actors:
            world.set_state(state)
            for steps, room in self._moves(state, actor):
                child = state.copy()
                world.set_state(child)
                if self._make(child, actor, steps, room):
                    yield actor, steps, child
            world.set_state(state)

    def _moves(self, state, actor: int) -> list[tuple[tuple[Command, ...], int | None]]:
        """The moves worth trying for ``actor``: (steps, destination room) for each walk to a
        useful room, (steps, None) for each useful command; only the eager command if one is."""
        world = self.world
        routes = _routes(world, actor, self.useful_rooms(state, actor))
        walks = {tuple(Command("go", direction=d) for d in route): room for room, route in routes.items()}
        local = [(cmd,) for cmd in enumerate_commands(world, actor)
                 if cmd.verb != "go" and self.relevance.useful(world, cmd)]
        forced = self.eager(state, actor, local) if len(self.actors) == 1 else None
        if forced:
            return [(forced, None)]
        return list(walks.items()) + [(steps, None) for steps in local]

    def _make(self, child, actor: int, steps: tuple[Command, ...], room: int | None) -> bool:
        """Make ``steps`` in the world, which is in ``child``; False if a command fails or a quest is lost."""
        world = self.world
        if room is not None:  # a route through open exits: just walk it
            world.move(actor, room)
            if child.flags[actor] >> SLOT_SHIFT:
                world.set_slot(actor, 0)  # walking off gets the actor out first
            child.moves[world.actor_slot[actor]] += len(steps)
        elif not execute(world, actor, steps[0]).ok:
            return False
        quests.update(world)
        return not self.lost(child)

    def useful_rooms(self, state, actor: int) -> set[int]:
        """Rooms worth walking to: something relevant is there to act on.

        A walk that ends where nothing useful can be done is never part of a
        shortest walkthrough (the next walk could have gone straight on).
        """
        world = self.world
        rooms = set(self.goal_rooms)
        for e in self.relevance.relevant:
            if world.entities[e].kind == DOOR:
                if not state.flags[e] & OPEN:
                    rooms.update(world.entities[e].rooms)
            elif not world.is_inside(e, actor):
                rooms.add(world.room_of(e))
        for d in world.doors:  # a shut door, and an open one a goal wants shut
            if not state.flags[d] & OPEN or d in self.doors_to_shut:
                rooms.update(world.entities[d].rooms)
        if len(self.actors) > 1:
            rooms.update(state.parent[o] for o in self.actors)
        return rooms

    def eager(self, state, actor: int, local: list[tuple[Command, ...]]) -> tuple[Command, ...] | None:
        """A command some optimal walkthrough makes now, if there is one.

        Every walkthrough from this state must make the effects the heuristic
        lists as required. With no limit on what an actor carries, making one of
        them as soon as it is in reach can be swapped into any walkthrough without
        lengthening it, as long as it closes no door to later moves: taking a thing,
        opening, unlocking, switching on, eating food no other goal names, and
        putting a thing that is no key or light, has no other goal, in an uncapped
        place. So the search need not branch there.
        """
        required, _ = self.heuristic.analyse(state)
        if not required:
            return None
        for (cmd,) in local:
            effect = self._safe_effect(cmd, actor)
            if effect is not None and effect in required:
                return (cmd,)
        return None

    def _safe_effect(self, cmd: Command, actor: int) -> tuple | None:
        """The heuristic's effect triple that ``cmd`` makes, when making it early is safe (see ``eager``)."""
        v, x = cmd.verb, cmd.obj
        if x in self.risky:
            return None
        if v == "take":
            return ("in", x, actor)
        if v in ("open", "unlock"):
            return (v, x, None)
        if v == "turn_on":
            return ("lit", x, None)
        if v == "eat" and self.goal_count.get(x, 0) == 1:
            return ("eaten", x, None)
        if v in ("put_in", "put_on", "give") and self.goal_count.get(x, 0) == 1 \
                and x not in self.tools and cmd.obj2 in self.uncapped:
            return ("in", x, cmd.obj2)
        return None


def _walkthrough(world: World, parents: dict, state, nodes: int, quest_ids: list[int]) -> Solution:
    table = CommandTable(world)
    steps = []
    key = state.key()
    while parents[key] is not None:
        key, actor, cmds = parents[key]
        for cmd in reversed(cmds):
            steps.append((world.entities[actor].id, table.text(cmd)))
    steps.reverse()
    world.set_state(state)
    score = sum(quests.score(world, qi) for qi in quest_ids)
    max_score = sum(world.quests[qi].max_score for qi in quest_ids)
    return Solution(tuple(steps), score, max_score, nodes)
