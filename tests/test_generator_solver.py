"""Generated worlds: solvable at every level, deterministic, varied; the solver is optimal."""

import pytest

from game.env import LanternEnv
from game.generator import LEVELS, generate, world_to_toml
from game.loader import world_from_dict
from game.solver import MovesLeft, Unsolvable, remaining_moves, solve
from game.world import LOCKED, OPPOSITE

import tomllib

from tests.engine_helpers import bfs_optimum


def _replay_wins(world, solution) -> dict:
    env = LanternEnv(world)
    _, info = env.reset(seed=0)
    for actor, command in solution.steps:
        obs, _, terminated, truncated, info = env.step(command, actor)
        assert not truncated, "walkthrough longer than the world's step limit"
    assert info["won"] and info["score"] == info["max_score"]
    return info


@pytest.mark.parametrize("difficulty", sorted(LEVELS)[:5])
@pytest.mark.parametrize("seed", range(4))
def test_generated_worlds_are_solvable_and_replay(difficulty, seed):
    world = generate(difficulty, seed)
    solution = solve(world)
    info = _replay_wins(world, solution)
    assert info["moves"] == len(solution)
    assert len(world.rooms) == LEVELS[difficulty].rooms
    assert sum(len(q.goals) for q in world.quests) == LEVELS[difficulty].goals


def test_level_shapes_grow_with_difficulty():
    one, five = generate(1, 0), generate(5, 0)
    assert len(one.rooms) == 2 and len(one.quests[0].goals) == 1 and not one.doors
    assert len(five.rooms) >= 12 and len(five.quests[0].goals) >= 6
    assert sum(1 for d in five.doors if five.initial_state.flags[d] & LOCKED) >= 2
    assert five.has_dark_rooms
    distractors = len(five.items) - len({g.subject for g in five.quests[0].goals})
    assert distractors >= 8
    assert len(solve(five)) > len(solve(one))


def test_same_seed_same_world_and_different_seeds_differ():
    assert world_to_toml(generate(3, 11)) == world_to_toml(generate(3, 11))
    names = {tuple(sorted(e.name for e in generate(3, s).entities)) for s in range(5)}
    assert len(names) == 5
    titles = {generate(2, s).title for s in range(8)}
    assert len(titles) > 2


def test_generated_toml_round_trips_through_the_loader():
    world = generate(4, 5)
    text = world_to_toml(world)
    again = world_from_dict(tomllib.loads(text), "round-trip")
    assert [e.name for e in again.entities] == [e.name for e in world.entities]
    assert again.initial_state.key() == world.initial_state.key()
    assert len(solve(again)) == len(solve(world))


@pytest.mark.parametrize("difficulty,seed", [(1, 0), (1, 3), (2, 0), (2, 1), (2, 2), (2, 5), (2, 7)])
def test_solver_is_optimal_against_plain_bfs(difficulty, seed):
    world = generate(difficulty, seed)
    assert len(solve(world)) == bfs_optimum(world)


def test_solver_is_optimal_on_the_tutorial():
    from game.loader import load_world
    from tests.conftest import WORLDS
    world = load_world(WORLDS / "tutorial.toml")
    assert len(solve(world)) == bfs_optimum(world) == 8   # Ada (in the kitchen) shares the quest


def test_solver_reports_unsolvable_worlds():
    # The only key is locked inside the chest it opens: the coin can never be had.
    world = world_from_dict({
        "rooms": [{"id": "hall", "name": "Hall", "exits": {"north": "den"}},
                  {"id": "den", "name": "Den", "exits": {"south": "hall"}}],
        "items": [
            {"id": "chest", "name": "iron chest", "location": "hall", "portable": False,
             "container": {"state": "locked", "key": "key"}},
            {"id": "key", "name": "small key", "location": "chest"},
            {"id": "coin", "name": "gold coin", "location": "chest"},
        ],
        "actors": [{"id": "player", "name": "you", "location": "hall"}],
        "quests": [{"id": "q", "goals": [{"type": "in", "item": "coin", "place": "den"}]}],
    }, "impossible")
    with pytest.raises(Unsolvable) as caught:
        solve(world)
    assert caught.value.exhausted
    with pytest.raises(Unsolvable) as limited:
        solve(generate(4, 0), max_nodes=2)
    assert not limited.value.exhausted


def test_a_door_that_starts_open_and_must_be_shut_is_walked_to_and_closed():
    # Nothing else is to be done beside the door: only its goal makes the walk to it worth while.
    world = world_from_dict({
        "rooms": [{"id": "hall", "name": "Hall", "exits": {"north": "den"}},
                  {"id": "den", "name": "Den", "exits": {"south": "hall", "east": {"to": "porch", "door": "door"}}},
                  {"id": "porch", "name": "Porch", "exits": {"west": {"to": "den", "door": "door"}}}],
        "doors": [{"id": "door", "name": "green door", "state": "open"}],
        "actors": [{"id": "player", "name": "you", "location": "hall"}],
        "quests": [{"id": "q", "goals": [{"type": "closed", "thing": "door"}]}],
    }, "open door")
    assert solve(world).commands == ["go north", "close green door"] and bfs_optimum(world) == 2


@pytest.mark.parametrize("difficulty, seed", [(2, 3), (3, 7), (4, 1)])
def test_solving_from_the_current_state_finishes_the_game_under_way(difficulty, seed):
    world = generate(difficulty, seed)
    full = solve(world).commands
    env = LanternEnv(world)
    env.reset(seed=0)
    for command in full[:3]:
        env.step(command)
    before = env.state_hash()
    rest = solve(env.world, from_current=True).commands
    assert env.state_hash() == before  # the game under way is left as it was
    assert len(rest) == len(full) - 3  # still optimal from here
    for command in rest:
        _, _, terminated, _, info = env.step(command)
    assert terminated and info["won"]


def test_solving_from_a_lost_or_won_state():
    env = LanternEnv(generate(1, 0))
    env.reset(seed=0)
    for command in solve(env.world).commands:
        env.step(command)
    assert solve(env.world, from_current=True).commands == []


def test_moves_left_step_by_step_are_remaining_moves_and_search_only_off_the_walkthrough(monkeypatch):
    from game import solver
    searches = []
    monkeypatch.setattr(solver, "solve", lambda world, **kw: searches.append(1) or solve(world, **kw))
    env = LanternEnv(generate(3, 7))
    env.reset(seed=0)
    left = MovesLeft(env.world)
    assert left.moves == len(solve(env.world)) and len(searches) == 1
    player = env.player_id

    def step(line: str) -> bool:  # True when MovesLeft searched
        before = len(searches)
        env.step(line)
        assert left.after(player, env.last_step.commands) == remaining_moves(env.world)
        return len(searches) > before + 1  # the check above searched once

    assert not step(left.plan.commands[0])                    # along the walkthrough: no search
    assert not step("frobnicate the moon") and env.last_step.commands == ()  # refused: same state
    way, back = next((c, f"go {OPPOSITE[c[3:]]}") for c in env.admissible()
                     if c.startswith("go ") and c != left.plan.commands[0])
    assert step(way)                                          # off the walkthrough: searched
    step(back)
    assert not step(way) and not step(back)                   # states seen before: known
    a, b = left.plan.commands[:2]
    assert step(f"{a}. {b}") and env.last_step.commands == (a, b)  # a line of two: searched
    while left.moves:
        assert not step(left.plan.commands[0])
    assert env.info()["won"] and left.moves == 0


def _pieces(world) -> set[str]:
    ents = world.entities
    found = {"dark room" for e in ents if e.dark} | {"light" for e in ents if e.light}
    found |= {"locked box" for e in ents if e.key is not None and e.container}
    found |= {"locked door" for e in ents if e.key is not None and e.rooms}
    found |= {"closed door" for e in ents if e.rooms and e.openable and e.key is None}
    return found


def test_mixed_mechanics_bring_bigger_levels_pieces_into_small_worlds_that_stay_solvable():
    from game.generator import mixed_mechanics
    seen = {1: set(), 2: set(), 3: set()}
    for difficulty in seen:
        for seed in range(24):
            world = generate(difficulty, seed, mechanics="mixed")
            config = mixed_mechanics(difficulty, seed)
            assert (len(world.rooms), sum(len(q.goals) for q in world.quests)) == \
                (LEVELS[difficulty].rooms, LEVELS[difficulty].goals)  # the level's size and quest
            assert ("dark room" in _pieces(world)) == bool(config.dark_rooms)
            if config.dark_rooms:
                assert "light" in _pieces(world)
            _replay_wins(world, solve(world))
            seen[difficulty] |= _pieces(world)
    # the level worlds of 1-3 have no dark room, light, closed door or locked box
    assert not {p for d in seen for s in range(24) for p in _pieces(generate(d, s))} & {"dark room", "light", "closed door", "locked box"}
    for difficulty, pieces in seen.items():
        assert {"dark room", "light", "locked box", "locked door"} <= pieces, (difficulty, pieces)
    assert "closed door" in seen[2] | seen[3]
    assert world_to_toml(generate(3, 7, mechanics="mixed")) == world_to_toml(generate(3, 7, mechanics="mixed"))
    assert world_to_toml(generate(3, 7)) == world_to_toml(generate(3, 7, mechanics="level"))
    with pytest.raises(ValueError, match="mechanics"):
        generate(3, 7, mechanics="all")


def test_training_draws_mixed_mechanics_worlds_when_asked():
    from agent.demos import solver_demos
    from agent.imitate_config import ImitateConfig
    from agent.train_config import TrainConfig
    from agent.worlds import WorldSource
    assert world_to_toml(WorldSource(mechanics="mixed").env(2, 5).world) == world_to_toml(generate(2, 5, mechanics="mixed"))
    settings = dict(out="unused", model="m", difficulty=1, max_difficulty=1, worlds=12, bundled=0, request_worlds=0,
                    expert="solver", alternatives=False, seed=0)
    lights = []
    for mechanics in ("level", "mixed"):
        demos = solver_demos(ImitateConfig(**settings, mechanics=mechanics))
        lights.append(sum(any(c.startswith("turn on") for c in d.candidates) for d in demos))
    assert lights[0] == 0 and lights[1] > 0  # difficulty 1 has lights only with mixed mechanics
    assert TrainConfig(model="m", out="o", mechanics="mixed").mechanics == "mixed"


def test_eval_measures_mixed_mechanics_worlds_on_held_out_seeds_and_refuses_them_for_world_files():
    from agent.cli import _eval_worlds
    from agent.eval_config import EvalConfig
    from game.errors import LanternError
    config = EvalConfig(difficulty=2, seeds=(1_000_000, 1_000_003), mechanics="mixed")
    worlds, _, description = _eval_worlds(config, None, lambda where: {}, lambda name: None)
    assert [world_to_toml(w) for _, w in worlds] == \
        [world_to_toml(generate(2, s, mechanics="mixed")) for s in range(1_000_000, 1_000_003)]
    assert description.endswith("mixed mechanics")
    with pytest.raises(LanternError, match="--mechanics mixed goes with --difficulty"):
        EvalConfig(world="assets/worlds/tutorial.toml", mechanics="mixed")

