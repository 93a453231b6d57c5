"""The journal: each actor's memory of rooms and things, as the env reports it in ``info["notes"]``."""

import random

from game.env import LanternEnv
from game.generator import generate
from game.loader import world_from_dict
from game.world import ITEM
from tests.conftest import WORLDS
from tests.test_env import TWO_ACTORS

DARK = {
    "rooms": [{"id": "hall", "name": "Hall", "description": "A hall.", "exits": {"down": "cellar"}},
              {"id": "cellar", "name": "Cellar", "dark": True, "description": "Barrels.", "exits": {"up": "hall"}}],
    "items": [{"id": "lamp", "name": "brass lamp", "location": "hall", "light": "off"},
              {"id": "wine", "name": "old wine", "location": "cellar"}],
    "actors": [{"id": "player", "name": "you", "location": "hall"}],
    "quests": [{"goals": [{"type": "in", "item": "wine", "place": "hall"}]}],
}


def notes_after(env, commands):
    out = [env.reset(seed=0)[1]["notes"]]
    for command in commands:
        out.append(env.step(command)[4]["notes"])
    return out


def test_tutorial_walk_remembers_rooms_things_and_the_first_step_back():
    env = LanternEnv(WORLDS / "tutorial.toml")
    seen = notes_after(env, ["go north", "take brass lamp", "go south", "go north", "go east", "go west"])
    journal = [[line for line in notes if not line.startswith("Wanted: ")] for notes in seen]
    assert journal[0] == ["Here: iron hook; unexplored: north"]
    assert journal[1] == ["Here: brass lamp, red apple; unexplored: east", "Elsewhere: Porch (south): iron hook"]
    assert journal[2] == ["Here: red apple; unexplored: east", "Elsewhere: Porch (south): iron hook"]
    # No new way out here: the first step towards the nearest room that has one.
    assert journal[3] == ["Here: iron hook; unexplored beyond: north (Parlour)",
                          "Elsewhere: Parlour (north): red apple, unexplored exits"]
    kitchen = journal[5]
    assert kitchen[0].startswith("Here: pine table, wicker basket")
    # The porch is two rooms away: the first step from the kitchen is west, through the parlour.
    assert kitchen[1] == "Elsewhere: Parlour (west): red apple; Porch (west): iron hook"
    # Nearest first, then in the order of the room's exits.
    assert journal[6][1] == "Elsewhere: Porch (south): iron hook; Kitchen (east): " + kitchen[0][len("Here: "):]


def test_wanted_says_where_the_unmet_goals_things_are_remembered():
    """Every thing an unmet goal names, in goal order: carried, here, the first step and the
    room it was seen in, or unseen; a goal met drops out."""
    env = LanternEnv(WORLDS / "tutorial.toml")
    seen = notes_after(env, ["go north", "take brass lamp", "go south", "go north", "go east"])
    wanted = [notes[-1] for notes in seen]
    assert wanted[0] == "Wanted: red apple unseen to wicker basket unseen; brass lamp unseen to iron hook here"
    assert wanted[1] == "Wanted: red apple here to wicker basket unseen; brass lamp here to iron hook south (Porch)"
    assert wanted[2] == ("Wanted: red apple here to wicker basket unseen; brass lamp carried to "
                         "iron hook south (Porch)")
    assert wanted[5] == ("Wanted: red apple west (Parlour) to wicker basket here; brass lamp carried to "
                         "iron hook west (Porch)")
    for command in ["go west", "take red apple", "go east", "put red apple in wicker basket"]:
        env.step(command)
    assert env.info()["notes"][-1] == "Wanted: brass lamp carried to iron hook west (Porch)"


def test_a_goal_met_without_anything_moving_leaves_wanted():
    env = LanternEnv(world_from_dict({**DARK, "quests": [{"goals": [{"type": "lit", "item": "lamp"},
                                                                      {"type": "in", "item": "wine", "place": "hall"}]}]},
                                     "lamp"))
    seen = notes_after(env, ["take lamp", "turn on lamp"])
    assert [notes[-1] for notes in seen] == ["Wanted: brass lamp here; old wine unseen to Hall here",
                                             "Wanted: brass lamp carried; old wine unseen to Hall here",
                                             "Wanted: old wine unseen to Hall here"]


def test_wanted_names_rooms_by_the_way_there_and_leaves_out_actors():
    env = LanternEnv(world_from_dict(DARK, "dark"))
    seen = notes_after(env, ["down", "up"])
    assert [notes[-1] for notes in seen] == ["Wanted: old wine unseen to Hall here",
                                             "Wanted: old wine unseen to Hall up",
                                             "Wanted: old wine unseen to Hall here"]
    env = LanternEnv(world_from_dict(TWO_ACTORS, "two"))
    env.reset(seed=0)
    assert env.info("wren")["notes"][-1] == "Wanted: brass lamp here; red apple unseen"  # 'give ... to Ada'


ROOF = {
    "rooms": [{"id": "attic", "name": "Attic", "description": "Rafters.", "exits": {"up": "roof"}},
              {"id": "roof", "name": "Roof Leads", "description": "Slates.", "exits": {"down": "attic"}}],
    "items": [{"id": "lamp", "name": "Argand lamp", "location": "attic", "light": "off"}],
    "actors": [{"id": "player", "name": "Wren", "location": "attic"},
               {"id": "ada", "name": "Ada", "location": "attic"}],
    "quests": [{"actors": ["player", "ada"],
                "goals": [{"type": "lit", "item": "lamp"}, {"type": "at", "actor": "player", "room": "roof"},
                          {"type": "at", "actor": "ada", "room": "roof"}]}],
}


def test_wanted_reads_a_reach_a_room_goal_as_you_to_the_room_and_names_things_as_commands_do():
    env = LanternEnv(world_from_dict(ROOF, "roof"))
    seen = notes_after(env, ["turn on argand lamp", "up", "down"])
    assert seen[0] == ["Here: argand lamp; unexplored: up",
                       "Wanted: argand lamp here; you to Roof Leads (unexplored); Ada here to Roof Leads (unexplored)"]
    assert seen[2][-1] == "Wanted: Ada to Roof Leads here"  # yours is met; Ada stayed below, out of sight
    assert seen[3][-1] == "Wanted: you to Roof Leads up; Ada here to Roof Leads up"
    assert env.info("ada")["notes"][-1] == "Wanted: Wren here to Roof Leads (unexplored); you to Roof Leads (unexplored)"
    assert "turn on argand lamp" in env.reset(seed=0)[1]["admissible_commands"]  # the journal's spelling
    # Wording 1, which the shipped NPC was trained on, stays as it was.
    old = LanternEnv(world_from_dict(ROOF, "roof"), journal_wording=1)
    assert old.reset(seed=0)[1]["notes"] == [
        "Here: Argand lamp; unexplored: up",
        "Wanted: Argand lamp here; Wren unseen to Roof Leads unseen; Ada unseen to Roof Leads unseen"]
    old.for_agent(read_commands=False, journal_wording=2)  # a cached text is not reused in another wording
    assert old.info()["notes"] == seen[0]


def test_a_bad_command_leaves_the_notes_as_they_were():
    env = LanternEnv(WORLDS / "tutorial.toml")
    before, after = notes_after(env, ["dance wildly"])
    assert before == after


def test_memory_is_what_the_actor_saw_not_the_truth():
    env = LanternEnv(world_from_dict(TWO_ACTORS, "two"))
    env.reset(seed=0)
    env.step("east")
    env.step("west")
    assert env.info("wren")["notes"][1] == "Elsewhere: Yard (east): red apple"
    env.step("east", actor="ada")
    env.step("take apple", actor="ada")
    assert env.info("wren")["notes"][1] == "Elsewhere: Yard (east): red apple"  # Wren did not see it go
    assert env.info("ada")["notes"][:2] == ["Here: nothing", "Elsewhere: Hall (west): brass lamp"]
    assert env.step("east")[4]["notes"][0] == "Here: nothing"  # looked again


def test_dark_room_shows_nothing_until_lit():
    env = LanternEnv(world_from_dict(DARK, "dark"))
    seen = notes_after(env, ["down", "up", "take lamp", "turn on lamp", "down"])
    assert seen[1][:2] == ["Here: too dark to see", "Elsewhere: Hall (up): brass lamp"]
    assert seen[2][:-1] == ["Here: brass lamp"]
    assert seen[5][:-1] == ["Here: old wine"]


def test_snapshot_restore_and_clone_carry_the_journal():
    env = LanternEnv(generate(3, 4))
    env.reset(seed=0)
    rng = random.Random(1)
    for _ in range(12):
        env.step(rng.choice(env.admissible()))
    snap, notes = env.snapshot(), env.info()["notes"]
    twin = env.clone()
    for _ in range(6):
        env.step(rng.choice(env.admissible()))
    env.restore(snap)
    assert env.info()["notes"] == notes == twin.info()["notes"]
    env.reset(seed=0)
    assert twin.info()["notes"] == notes  # the clone's journal is its own


def test_notes_agree_with_the_room_and_the_map_on_random_walks():
    """Here lists exactly the visible things not carried; every first step is a real exit."""
    for difficulty, seed in [(2, 0), (3, 1), (4, 2), (5, 3)]:
        env = LanternEnv(generate(difficulty, seed), max_steps=10_000)
        _, info = env.reset(seed=0)
        rng = random.Random(seed)
        world = env.world
        for _ in range(120):
            _, _, terminated, _, info = env.step(rng.choice(info["admissible_commands"]))
            if terminated:
                break
            me = world.player
            room = world.state.parent[me]
            here = info["notes"][0]
            if world.is_lit(room):
                visible = sorted(e for e in world.in_reach(me)
                                 if world.entities[e].kind == ITEM and not world.is_inside(e, me))
                names = ", ".join(world.entities[e].name for e in visible) or "nothing"
                assert here.split("; unexplored")[0] == f"Here: {names}"
            exits = world.entities[room].exits
            if "; unexplored beyond: " in here:
                assert here.split("; unexplored beyond: ")[1].split(" (")[0] in exits
            for line in info["notes"][1:]:
                if line.startswith("Elsewhere: "):
                    for part in line[len("Elsewhere: "):].split("; "):
                        assert part.split("(")[1].split(")")[0] in exits
                else:  # Wanted: each thing's first step is a real exit too
                    for goal in line[len("Wanted: "):].split("; "):
                        for part in goal.split(" to "):  # a thing, and the place it must go
                            where = part.rsplit(" (", 1)[0].split(" ")[-1]
                            assert where in ("here", "carried", "unseen") or where in exits
                    journal = env.journals[me]
                    journal._wanted = None  # the cached line is what a fresh look gives
                    assert line == "Wanted: " + journal.wanted(world, me)


def test_an_env_without_a_journal_plays_the_same_game_with_empty_notes():
    world = generate(3, 4)
    rng = random.Random(5)
    kept, bare = LanternEnv(world), LanternEnv(generate(3, 4), journal=False)
    _, info = kept.reset(seed=0)
    _, plain = bare.reset(seed=0)
    assert plain["notes"] == [] and info["notes"]
    for _ in range(25):
        command = rng.choice(info["admissible_commands"])
        a, b = kept.step(command), bare.step(command)
        info, plain = a[4], b[4]
        assert a[:4] == b[:4] and kept.state_hash() == bare.state_hash() and plain["notes"] == []
        assert {k: v for k, v in info.items() if k != "notes"} == {k: v for k, v in plain.items() if k != "notes"}
    assert bare.clone().info()["notes"] == []


def test_named_says_where_the_npc_saw_what_a_request_names_and_nothing_it_has_not_seen():
    from tests.test_requests import HOUSE
    env = LanternEnv(world_from_dict(HOUSE, "<house>"))
    env.reset(seed=0)
    env.step("go east", "ada")  # Ada sees the kitchen, the apple and the table
    env.step("go west", "ada")
    env.request("ada", "Put the red apple on the table, then fetch the coin", None, by="wren")
    named = env.info("ada")["named"]
    # the apple and the table where she saw them, the coin (never seen) not at all, then who asked
    assert named == "red apple east (Kitchen); oak table east (Kitchen); Wren here"
    env.request("ada", "take the lamp to the kitchen", None, by="wren")
    assert env.info("ada")["named"] == "brass lamp here; Kitchen east; Wren here"
    env.step("take brass lamp", "ada")
    env.step("go east", "ada")
    assert env.info("ada")["named"] == "brass lamp carried; Kitchen here; Wren"  # she does not see Wren
    assert env.info("wren")["named"] == ""  # no request of his own


def test_named_keeps_the_things_that_match_most_words_of_a_shared_noun():
    from tests.test_requests import HOUSE
    data = {**HOUSE, "items": [*HOUSE["items"], {"id": "lamp2", "name": "tin lamp", "location": "hall"}]}
    env = LanternEnv(world_from_dict(data, "<house>"))
    env.reset(seed=0)
    env.request("ada", "grab the tin lamp", None, by="wren")
    assert env.info("ada")["named"] == "tin lamp here; Wren here"
    env.request("ada", "grab a lamp", None, by="wren")
    assert env.info("ada")["named"] == "brass lamp here; tin lamp here; Wren here"


def test_named_calls_a_player_named_you_the_player():
    world = generate(1, 3, companion=True)
    env = LanternEnv(world)
    env.reset(seed=0)
    npc = next(world.entities[a].id for a in world.actors if a != world.player)
    env.request(npc, "come here", None)
    assert env.info(npc)["named"] == "the player here"
