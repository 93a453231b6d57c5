"""Games TextWorld makes, imported and checked both ways (the ``textworld`` extra).

Each kind of game tw-make offers (coin collector, treasure hunter, simple, custom) is made
here with TextWorld's API, seeded, in a temporary folder and imported with
``import-textworld``. Lantern's optimal walkthrough must win the game in TextWorld's own
engine, and TextWorld's walkthrough must win the imported world in Lantern's.
"""

from __future__ import annotations

import pytest

textworld = pytest.importorskip("textworld")

import textworld.challenges  # noqa: E402 (registers tw-make's challenges)

import main  # noqa: E402
from game.env import LanternEnv  # noqa: E402
from game.loader import load_world  # noqa: E402
from game.solver import solve  # noqa: E402

# Jericho, under TextWorld's engine, warns that it does not know these games' scoring;
# TextWorld's own won/lost flags are what the tests read.
pytestmark = pytest.mark.filterwarnings("ignore:Game .* is not fully supported")

GAMES = {
    "coin_collector": ("tw-coin_collector", {"level": 5}, 11),
    "treasure_hunter": ("tw-treasure_hunter", {"level": 12}, 12),
    "simple": ("tw-simple", {"rewards": "dense", "goal": "detailed", "test": False}, 13),
    "custom": ("custom", {"rooms": 4, "objects": 8, "length": 4}, 14),
}


def make_game(folder, kind: str):
    """Make and compile one game as tw-make would; return the path of its .z8."""
    challenge, settings, seed = GAMES[kind]
    options = textworld.GameOptions()
    options.seeds = seed
    options.path = str(folder / f"{kind}.z8")
    options.force_recompile = True
    if challenge == "custom":
        options.nb_rooms, options.nb_objects = settings["rooms"], settings["objects"]
        options.chaining.min_length = options.chaining.max_length = settings["length"]
        options.chaining.max_depth = settings["length"]
        return textworld.make(options)[0]
    _, make, _ = textworld.challenges.CHALLENGES[challenge]
    return textworld.generator.compile_game(make(settings, options), options)


def play_in_textworld(game_file: str, commands: list[str]) -> dict:
    env = textworld.start(game_file, request_infos=textworld.EnvInfos(won=True, lost=True))
    try:
        state = env.reset()
        for command in commands:
            state, _, done = env.step(command)
            if done:
                break
        return {"won": state["won"], "lost": state["lost"], "last": state.feedback}
    finally:
        env.close()


@pytest.fixture(scope="module", params=sorted(GAMES))
def imported(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    game_file = make_game(folder, request.param)
    json_file = game_file.rsplit(".", 1)[0] + ".json"
    out = folder / "world.toml"
    assert main.main(["import-textworld", json_file, "--out", str(out)]) == 0
    return game_file, textworld.Game.load(json_file), load_world(out)


def test_lanterns_optimal_walkthrough_wins_in_textworlds_engine(imported):
    game_file, _, world = imported
    commands = solve(world).commands
    result = play_in_textworld(game_file, commands)
    assert result["won"] and not result["lost"], (commands, result["last"])


def test_textworlds_walkthrough_wins_in_lantern(imported):
    _, game, world = imported
    env = LanternEnv(world)
    env.reset(seed=0)
    assert game.walkthrough
    for command in game.walkthrough:
        *_, info = env.step(command)
    assert info["won"] and not info["lost"]


def test_textworlds_names_and_objective_carry_over(imported):
    _, game, world = imported
    names = {world.entities[e].name for e in world.items + world.doors}
    wanted = {i.name for i in game.infos.values() if i.type not in ("P", "I", "r") and i.name}
    assert names == wanted
    rooms = {world.entities[r].name.lower() for r in world.rooms}
    assert rooms == {i.name.lower() for i in game.infos.values() if i.type == "r"}
    assert world.quests[0].description == " ".join(game.objective.split())
