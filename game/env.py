"""A Gymnasium-style environment over one world with several actors.

``reset(seed=...) -> (obs, info)`` and ``step(command, actor=...) -> (obs, reward,
terminated, truncated, info)``. Observations are the game's replies as text;
``info`` carries what an agent may use (see ``LanternEnv.info``). Every command is
issued by some actor; by default the world's player. A step's reward is the change
of the acting actor's score: the points of goals it made hold, less those of goals
it undid (a goal's points are held only while it holds), so rewards can be negative.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from game import quests, speech
from game.admissible import admissible_commands
from game.commands import TALK_VERBS, Command, CommandTable
from game.errors import LanternError
from game.journal import WORDING, WORDINGS, Journal
from game.loader import load_world
from game.narration import account, account_unparsed, describe_room
from game.parser import ParseResult, Parser, ParserContext
from game.requests import PENDING, Request, RequestGoal, hand_over, settle, understand
from game.rules import Outcome, execute
from game.world import State, World


@dataclass(slots=True)
class StepResult:
    """One actor's step, kept for recorders and viewers."""

    actor: str
    command: str
    reply: str
    reward: int
    commands: tuple[str, ...]  # canonical texts of what actually ran
    own: str = ""  # the reply to this command alone (``reply`` minus the news before it)
    deeds: tuple[tuple[Command, Outcome], ...] = ()  # each command that ran or was refused
    said: tuple[str, ...] = ()  # what NPCs said after the step (a request met or ruled out)


@dataclass(slots=True)
class EnvSnapshot:
    """Everything needed to put an environment back exactly where it was."""

    state: State
    steps: int
    contexts: dict[int, ParserContext]
    inbox: dict[int, list[str]]
    last_obs: dict[int, str]
    requests: dict[int, Request]
    rng_state: object
    done: dict[int, bool]
    journals: dict[int, Journal]


class LanternEnv:
    """The game as an environment for people and agents.

    Args:
        world: a World, or a path to a world file.
        max_steps: steps (all actors together) before the episode is truncated;
            defaults to the world's ``max_steps``.
        include_info_commands: also list look/inventory/examine/read among the
            admissible commands (they never change the state).
        journal: keep each actor's journal (``info["notes"]``; empty when off). Off
            saves about a fifth of a random agent's step time when nothing reads it.
        read_commands: also list ``read X`` for each readable thing in reach that the actor
            has not read yet (reading changes nothing, but what is written may say what to
            do; a text read once says nothing new, and offering it again invites a loop).
        journal_wording: how ``info["notes"]`` name things (``game.journal.WORDINGS``).
    """

    def __init__(self, world: World | str | Path, *, max_steps: int | None = None,
                 include_info_commands: bool = False, journal: bool = True, read_commands: bool = False,
                 journal_wording: int = WORDING) -> None:
        self.world = world if isinstance(world, World) else load_world(world)
        self.max_steps = max_steps if max_steps is not None else self.world.max_steps
        if self.max_steps < 1:
            raise LanternError(f"max_steps must be at least 1, got {self.max_steps}")
        self.include_info_commands = include_info_commands
        self.keep_journal = journal
        self.read_commands = False
        self.journal_wording = WORDING
        self.for_agent(read_commands=read_commands, journal_wording=journal_wording)
        self.table = CommandTable(self.world)
        self.parser = Parser(self.world)
        self.actor_ids = [self.world.entities[a].id for a in self.world.actors]
        self.player_id = self.world.entities[self.world.player].id
        self._multi_actor = len(self.world.actors) > 1
        self.rng = random.Random(0)
        # Static per actor: which quests are theirs, and the goal text.
        self._quests = {a: quests.quests_of(self.world, a) for a in self.world.actors}
        self._goal_text = {a: quests.goal_text(self.world, a) for a in self.world.actors}
        self._max_score = {a: sum(self.world.quests[qi].max_score for qi in self._quests[a])
                           for a in self.world.actors}
        self.steps = 0
        self.last_step: StepResult | None = None
        self._reset_actors()

    def for_agent(self, *, read_commands: bool, journal_wording: int) -> None:
        """Show the world as an agent's model was trained to read it (its ``info`` from now on)."""
        if journal_wording not in WORDINGS:
            raise LanternError(f"journal_wording must be one of {', '.join(map(str, WORDINGS))}, "
                               f"got {journal_wording!r}")
        self.read_commands = read_commands
        self.journal_wording = journal_wording

    def _reset_actors(self) -> None:
        actors = self.world.actors
        self.contexts = {a: ParserContext() for a in actors}
        self.inbox: dict[int, list[str]] = {a: [] for a in actors}
        self.requests: dict[int, Request] = {}  # per NPC: its latest request (see game/requests.py)
        self.done = {a: False for a in actors}
        self.last_obs = {a: describe_room(self.world, a) for a in actors}
        self.journals = {a: Journal() for a in actors} if self.keep_journal else {}
        for a, journal in self.journals.items():
            journal.observe(self.world, a)

    # -- Gymnasium API -----------------------------------------------------------------

    def reset(self, seed: int | None = None, options: dict | None = None) -> tuple[str, dict]:
        """Start a new episode; return the player's first observation and info.

        Args:
            seed: seeds the environment's random generator (the one source of
                randomness in an episode).
            options: ``{"actor": id}`` to observe as another actor.
        """
        self.rng = random.Random(seed)
        self.world.reset()
        self.steps = 0
        self.last_step = None
        quests.update(self.world)
        self._reset_actors()
        actor = self._actor((options or {}).get("actor"))
        intro = self.world.intro + "\n\n" if self.world.intro else ""
        self.last_obs[actor] = intro + self.last_obs[actor]
        return self.last_obs[actor], self.info(actor)

    def step(self, command: str, actor: str | int | None = None) -> tuple[str, int, bool, bool, dict]:
        """One command by one actor. A command that is not understood changes nothing."""
        a = self._actor(actor)
        world = self.world
        context = self.contexts[a]
        cmd = self.table.lookup(command) if context.pending is None else None
        if cmd is not None:
            context.last_commands = (cmd,)
            if cmd.obj is not None:
                context.last_objects = (cmd.obj,)
            reply, ran, deeds = self._run(a, (cmd,))
        else:
            reply, ran, deeds = self._run_line(a, self.parser.parse(command, a, context))
        if self.keep_journal:
            self.journals[a].observe(world, a)
            self.journals[a].read.update(self.table.text(c) for c, outcome in deeds if c.verb == "read" and outcome.ok)
        said = self._settle_requests() if self.requests else ()
        if said:
            reply = "\n".join((reply, *said))
        change = quests.update(world)
        reward = sum(change[qi] for qi in self._quests[a])
        self.steps += 1
        own, news = reply, self.inbox[a]
        if news:  # what others did since this actor's last step, told before its reply
            reply = "\n".join(news) + "\n\n" + reply
            news.clear()
        self.last_obs[a] = reply
        info = self.info(a)
        terminated = info["won"] or info["lost"]
        self.done[a] = terminated
        truncated = not terminated and self.steps >= self.max_steps
        self.last_step = StepResult(self.world.entities[a].id, command, reply, reward, ran, own, deeds, said)
        return reply, reward, terminated, truncated, info

    def not_understood(self, line: str, actor: str | int | None = None) -> str | None:
        """The parser's reply if ``line`` makes no command and asks nothing back, else None.

        Such a line ("xyzzy", "take the moon") is a parser error: a front end shows the reply
        and takes no turn, as interpreters do; the actor's parser context moves on as a step
        would move it (a question left unanswered is dropped). Parsing changes nothing else.
        """
        a = self._actor(actor)
        context = self.contexts[a]
        if context.pending is None and self.table.lookup(line) is not None:
            return None
        trial = ParserContext(context.pending, context.last_objects, context.last_commands)
        parsed = self.parser.parse(line, a, trial)
        if parsed.commands or parsed.pending is not None or trial.pending is not None:
            return None
        self.contexts[a] = trial
        return parsed.reply

    def _run_line(self, a: int, parsed: ParseResult
                  ) -> tuple[str, tuple[str, ...], tuple[tuple[Command, Outcome], ...]]:
        """Run a parsed line: its command(s), then each further command typed on the line
        ('take the lamp. go north'), parsed only when its turn comes; stop at the first refused."""
        replies: list[str] = []
        ran: tuple[str, ...] = ()
        deeds: tuple[tuple[Command, Outcome], ...] = ()
        while True:
            if not parsed.commands:
                replies.append(parsed.reply)
                break
            reply, done, did = self._run(a, parsed.commands)
            replies.append(parsed.note + "\n" + reply if parsed.note else reply)
            ran, deeds = ran + done, deeds + did
            if not parsed.rest or len(done) < len(parsed.commands) or self._ends(a):
                break
            parsed = self.parser.parse(" ".join(parsed.rest), a, self.contexts[a])
        return "\n\n".join(replies), ran, deeds

    def _run(self, a: int, commands: tuple[Command, ...]
             ) -> tuple[str, tuple[str, ...], tuple[tuple[Command, Outcome], ...]]:
        """Execute parsed commands in order; deliver what others see; return reply, texts and deeds."""
        world = self.world
        replies, ran, deeds = [], [], []
        for cmd in commands:
            outcome = execute(world, a, cmd)
            deeds.append((cmd, outcome))
            message = outcome.message
            if outcome.ok and cmd.verb in TALK_VERBS:
                message += "\n" + self._hear(cmd, a)
            if outcome.ok:
                ran.append(self.table.text(cmd))
            if self._multi_actor:
                for room, text in outcome.notices:
                    for other in world.actors_in(room):
                        if other != a:
                            self.inbox[other].append(text)
            if len(commands) > 1 and cmd.obj is not None:
                replies.append(f"{world.name(cmd.obj)}: {message}")
            else:
                replies.append(message)
            if outcome.changed and len(commands) > 1 and self._ends(a):
                break  # the game is over: the rest of the line is not run
        return "\n".join(replies), tuple(ran), tuple(deeds)

    def _ends(self, a: int) -> bool:
        """Has the last command won or lost one of ``a``'s quests?"""
        return any(quests.ends_now(self.world, qi) for qi in self._quests[a])

    # -- requests and speech (game/requests.py, game/speech.py) ----------------------------

    def _hear(self, cmd: Command, by: int) -> str:
        """An NPC hears a request or a question; return what it says back."""
        npc = cmd.obj
        if cmd.verb == "ask":
            return speech.spoken(self.world, npc, speech.answer(self.parser, npc, cmd.text, self.journals.get(npc)))
        goal = understand(self.parser, cmd.text, npc, by)
        return self.request(npc, cmd.text, goal, by)

    def request(self, npc: str | int, words: str, goal: RequestGoal | None, by: str | int | None = None) -> str:
        """Give ``npc`` a request (the words, and the goal when known) as ``tell`` does; return
        what the NPC says. Training and evaluation call it to give requests they generated."""
        npc, by = self._actor(npc), self._actor(by)
        world = self.world
        current, ended = hand_over(self.requests.get(npc), Request(words, goal, by))
        if current is not None:
            self.requests[npc] = current
        if goal is not None and goal.kind == "stop":
            said = speech.report(world, ended) if ended is not None else "I wasn't doing anything for you."
            return speech.spoken(world, npc, said)
        settled = settle(world, current, self.journals.get(npc))
        self.requests[npc] = settled
        if settled.state == PENDING:
            said = speech.acknowledge(world, goal, by)
        else:
            said = speech.report(world, settled, already=True)
        return speech.spoken(world, npc, said)

    def _settle_requests(self) -> tuple[str, ...]:
        """After a step: requests met or ruled out end; returns what their NPCs say about it."""
        said = []
        for npc, req in list(self.requests.items()):
            if req.open:
                settled = settle(self.world, req, self.journals.get(npc))
                if settled is not req:
                    self.requests[npc] = settled
                    said.append(speech.spoken(self.world, npc, speech.report(self.world, settled)))
        return tuple(said)

    # -- what agents may use -------------------------------------------------------------

    def info(self, actor: str | int | None = None) -> dict:
        """The facts an agent may use about ``actor``'s situation now."""
        a = self._actor(actor)
        world = self.world
        mine = self._quests[a]
        state = world.state
        won = bool(mine) and all(quests.is_won(world, qi) for qi in mine)
        lost = any(state.lost[qi] for qi in mine)
        room = state.parent[a]
        return {
            "actor": world.entities[a].id,
            "admissible_commands": self._offered(a),
            "score": self._score(a),
            "max_score": self._max_score[a],
            "won": won,
            "lost": lost,
            "goal": self._goal_text[a],
            "pending_goals": quests.pending_goals(world, a),
            "directive": self._directive(a),
            "named": self._named(a),
            "request": self._request_info(a),
            "inventory": [world.entities[h].name for h in world.held(a)],
            "location": world.entities[room].name if room >= 0 else "",
            "notes": self.journals[a].notes(world, a, self.journal_wording) if self.keep_journal else [],
            "moves": state.moves[world.actor_slot[a]],
            "steps": self.steps,
        }

    def _directive(self, a: int) -> str | None:
        """The words of the actor's open request (what its prompt reads), else None."""
        req = self.requests.get(a)
        return req.words if req is not None and req.open else None

    def _named(self, a: int) -> str:
        """The journal's 'Named' text for the actor's open request: where it remembers what the
        words name, and the asker ('' without an open request or a journal)."""
        req = self.requests.get(a)
        if req is None or not req.open or not self.keep_journal:
            return ""
        return self.journals[a].named(self.world, a, req.words, req.by, self.journal_wording)

    def _request_info(self, a: int) -> dict | None:
        """The actor's latest request: words, kind (None when not understood), state, reason."""
        req = self.requests.get(a)
        if req is None:
            return None
        return {"words": req.words, "kind": req.kind, "state": req.state, "reason": req.reason}

    def _score(self, a: int) -> int:
        return sum(quests.score(self.world, qi) for qi in self._quests[a])

    def admissible(self, actor: str | int | None = None) -> list[str]:
        return self._offered(self._actor(actor))

    def _offered(self, a: int) -> list[str]:
        """The actor's admissible commands (with ``read_commands``, less texts it has read)."""
        commands = admissible_commands(self.world, self.table, a, include_info=self.include_info_commands,
                                       reading=self.read_commands)
        done = self.journals[a].read if self.keep_journal and not self.include_info_commands else ()
        return [c for c in commands if c not in done] if done else commands

    def observation(self, actor: str | int | None = None) -> str:
        """The latest text an actor was shown (its last reply, or the room on reset)."""
        return self.last_obs[self._actor(actor)]

    def narration(self, viewer: str | int | None = None) -> str:
        """The last step as a person playing ``viewer`` reads it, at the moment it happens.

        The viewer's own step gives its reply without the news of others' acts
        (those were told as they happened); another actor's step is told in the
        third person ("Ada gives you the letter."), wherever it took place. Agents
        read ``step``'s observation instead, which keeps the news. Ask right after
        the step: it is told from the state the step left.
        """
        step = self.last_step
        if step is None:
            return ""
        v, world = self._actor(viewer), self.world
        if world.entities[v].id == step.actor:
            return step.own
        actor = world.by_id[step.actor].index
        told = [account(world, actor, v, cmd, outcome) for cmd, outcome in step.deeds] or \
            [account_unparsed(world, actor, step.command)]
        return "\n".join((*told, *step.said))

    def state_hash(self) -> str:
        """A hash of the world state, identical on every machine for the same history."""
        return self.world.state.digest()

    # -- snapshots ------------------------------------------------------------------------

    def snapshot(self) -> EnvSnapshot:
        """A cheap copy of the whole episode state, for search and branching replays."""
        return EnvSnapshot(
            self.world.state.copy(), self.steps,
            {a: ParserContext(c.pending, c.last_objects, c.last_commands) for a, c in self.contexts.items()},
            {a: list(v) for a, v in self.inbox.items()}, dict(self.last_obs), dict(self.requests),
            self.rng.getstate(), dict(self.done), {a: j.copy() for a, j in self.journals.items()})

    def restore(self, snap: EnvSnapshot) -> None:
        self.world.restore(snap.state)
        self.steps = snap.steps
        self.contexts = {a: ParserContext(c.pending, c.last_objects, c.last_commands)
                         for a, c in snap.contexts.items()}
        self.inbox = {a: list(v) for a, v in snap.inbox.items()}
        self.last_obs = dict(snap.last_obs)
        self.requests = dict(snap.requests)
        self.rng.setstate(snap.rng_state)
        self.done = dict(snap.done)
        self.journals = {a: j.copy() for a, j in snap.journals.items()}

    def clone(self) -> LanternEnv:
        """An independent environment in the same state (shares only static data)."""
        other = object.__new__(LanternEnv)
        other.__dict__.update(self.__dict__)
        world = object.__new__(World)
        world.__dict__.update(self.world.__dict__)
        world.state = self.world.state.copy()
        world._contents = None
        other.world = world
        other.table = CommandTable(world)
        other.parser = Parser(world)
        other.rng = random.Random()
        other.restore(self.snapshot())
        return other

    # -- helpers ---------------------------------------------------------------------------

    def _actor(self, actor: str | int | None) -> int:
        if actor is None:
            return self.world.player
        if actor.__class__ is int and actor in self.world.actor_slot:
            return actor
        if isinstance(actor, int):
            if actor in self.world.actor_slot:
                return actor
        else:
            ent = self.world.by_id.get(actor)
            if ent is not None and ent.index in self.world.actor_slot:
                return ent.index
        raise LanternError(f"no actor {actor!r} in this world (actors: {', '.join(self.actor_ids)})")
