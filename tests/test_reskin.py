"""Reskins of hand-written worlds (game/reskin.py): other names and a turned compass, the same
world to play."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.assets import AUTHORED_DIR, HELDOUT_DIR, WORLDS_DIR, learning_worlds
from game.guide import guided_game
from game.loader import read_world_data, world_files, world_from_dict
from game.reskin import COMPASS, _turn_directions, compass_turn, reskin, reskinned_folder
from game.world import OPPOSITE

WORLD_FILES = world_files(AUTHORED_DIR) + world_files(WORLDS_DIR) + world_files(HELDOUT_DIR)


def _inverse(turn: dict[str, str]) -> dict[str, str]:
    return {new: old for old, new in turn.items()}


@pytest.mark.parametrize("seed", range(16))
def test_a_compass_turn_keeps_opposites_and_right_angles(seed):
    turn = compass_turn(random.Random(seed))
    assert sorted(turn.values()) == sorted(COMPASS)
    for word in COMPASS:
        assert turn[OPPOSITE[word]] == OPPOSITE[turn[word]]
    # neighbours stay neighbours: a turn or a mirroring, never a shuffle
    for i, word in enumerate(COMPASS):
        gap = (COMPASS.index(turn[COMPASS[(i + 1) % 8]]) - COMPASS.index(turn[word])) % 8
        assert gap in (1, 7)


def test_the_eight_turns_are_all_drawn():
    drawn = {tuple(compass_turn(random.Random(s)).values()) for s in range(200)}
    assert len(drawn) == 8


def test_direction_words_turn_in_every_spelling():
    turn = {"north": "east", "northeast": "southeast", "east": "south", "southeast": "southwest",
            "south": "west", "southwest": "northwest", "west": "north", "northwest": "northeast"}
    text = "North of here; the north-east tower, a northerly wind? westward, Southern gate, south east. Northwest!"
    assert _turn_directions(text, turn) == (
        "East of here; the south-east tower, a northerly wind? northward, Western gate, west south. Northeast!")


_FILLER = st.sampled_from(["the", "Tower", "go", "lies", ",", ".", "north-east", "North", "southern", "westward",
                           "northwest", "EAST", "shore", "south east", "Eastern", "southwards", "wind"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_FILLER, max_size=20), st.integers(0, 10_000))
def test_turning_directions_back_gives_the_text_again(words, seed):
    text = " ".join(words)
    turn = compass_turn(random.Random(seed))
    assert _turn_directions(_turn_directions(text, turn), _inverse(turn)).lower() == text.lower()


@pytest.mark.parametrize("path", WORLD_FILES, ids=lambda p: p.stem)
def test_a_reskin_is_the_same_world_to_play(path):
    """Same map (turned), same puzzles: the guide wins it in as many moves as the world as written."""
    data = read_world_data(path)
    written = guided_game(world_from_dict(data, str(path)))
    for seed in range(2):
        drawn = reskin(data, random.Random(seed))
        env, steps, _ = guided_game(world_from_dict(drawn, "reskin"))
        assert env.info(env.player_id)["won"]
        assert len(steps) == len(written[1])
        assert drawn != data and data == read_world_data(path)  # the dict given is left as it was


@pytest.mark.parametrize("path", WORLD_FILES, ids=lambda p: p.stem)
def test_a_reskin_renames_everything_but_actors_and_turns_the_map(path):
    data = read_world_data(path)
    drawn = reskin(data, random.Random(3))
    for section in ("rooms", "doors", "items"):
        for old, new in zip(data.get(section, []), drawn.get(section, [])):
            assert new["id"] == old["id"] and new["name"].lower() != old["name"].lower()
    assert [a["name"] for a in drawn.get("actors", [])] == [a["name"] for a in data.get("actors", [])]
    turns = {tuple(sorted(compass_turn(random.Random(s)).items())) for s in range(100)}
    matching = [turn for turn in map(dict, turns)
                if all(new.get("exits") == {turn.get(way, way): to for way, to in old.get("exits", {}).items()}
                       for old, new in zip(data["rooms"], drawn["rooms"]))]
    assert len(matching) >= 1  # every room's exits turned by one and the same turn of the compass


@pytest.mark.parametrize("path", WORLD_FILES, ids=lambda p: p.stem)
def test_no_old_name_of_several_words_is_left_in_the_prose(path):
    data = read_world_data(path)
    drawn = reskin(data, random.Random(7))
    new_names = {e["name"].lower() for s in ("rooms", "doors", "items") for e in drawn.get(s, [])}
    prose = " ".join(_prose(drawn)).lower()
    for section in ("rooms", "doors", "items"):
        for entity in data.get(section, []):
            old = entity["name"].lower()
            if " " in old and not any(old in new for new in new_names):
                assert not re.search(rf"\b{re.escape(old)}\b", prose), old


def _prose(value, key=None):
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in ("id", "exits", "name", "adjectives", "synonyms"):
                yield from _prose(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _prose(v, key)
    elif isinstance(value, str):
        yield value


def test_reskins_are_drawn_from_their_seed():
    one = [(stem, w.title, [e.name for e in w.entities]) for stem, w in reskinned_folder(AUTHORED_DIR, 2, seed=5)]
    again = [(stem, w.title, [e.name for e in w.entities]) for stem, w in reskinned_folder(AUTHORED_DIR, 2, seed=5)]
    other = [(stem, w.title, [e.name for e in w.entities]) for stem, w in reskinned_folder(AUTHORED_DIR, 2, seed=6)]
    assert one == again != other
    assert [stem for stem, *_ in one][:2] == [f"{world_files(AUTHORED_DIR)[0].stem}~0",
                                              f"{world_files(AUTHORED_DIR)[0].stem}~1"]
    assert one[0][2] != one[1][2]


def test_learning_worlds_with_reskins_keep_the_bundled_worlds_as_written():
    bundled = [stem for stem, _ in learning_worlds()]
    reskinned = learning_worlds(authored=True, reskins=2, seed=1)
    assert [stem for stem, _ in reskinned[:len(bundled)]] == bundled
    assert len(reskinned) == len(bundled) + 2 * len(world_files(AUTHORED_DIR))
    written_titles = {w.title for _, w in learning_worlds(authored=True)}
    assert all("~" in stem for stem, _ in reskinned[len(bundled):])
    assert written_titles  # the folder as written still loads


def test_imitation_learns_reskinned_walkthroughs_and_refuses_a_negative_count():
    from agent.demos import bundled_demos
    from agent.imitate_config import ImitateConfig
    from game.errors import LanternError
    with pytest.raises(LanternError, match="--authored-reskins must be at least 0"):
        ImitateConfig(out="unused", authored=True, authored_reskins=-1)
    bundled = len(learning_worlds())
    demos = bundled_demos(1, "guide", authored=True, reskins=1, seed=2)
    written = bundled_demos(1, "guide", authored=True)
    assert len({d.world for d in demos}) == len({d.world for d in written}) == bundled + len(world_files(AUTHORED_DIR))
    # the same walkthroughs, state for state, in other words
    assert len(demos) == len(written)
    first = len(bundled_demos(1, "guide"))
    assert [d.view.observation for d in demos[:first]] == [d.view.observation for d in written[:first]]
    assert all(a.view.observation != b.view.observation for a, b in zip(demos[first:], written[first:]))


def test_ppo_plays_reskins_of_the_hand_written_worlds_when_asked():
    from agent.train import _bundled_walkthroughs
    from agent.train_config import TrainConfig
    from game.errors import LanternError
    with pytest.raises(LanternError, match="--authored-reskins must be at least 0"):
        TrainConfig(out="unused", authored=True, authored_reskins=-1)
    played = _bundled_walkthroughs(authored=True, reskins=1, seed=4)
    written = _bundled_walkthroughs(authored=True)
    assert [len(steps) for _, steps in played] == [len(steps) for _, steps in written]
    bundled = len(learning_worlds())
    assert [w.title for w, _ in played[:bundled]] == [w.title for w, _ in written[:bundled]]
    assert all({e.name for e in a.entities} != {e.name for e in b.entities}
               for (a, _), (b, _) in zip(played[bundled:], written[bundled:]))


def test_the_reskin_command_writes_a_world_the_guide_wins_in_as_many_moves(tmp_path, capsys):
    import main
    from game.loader import load_world
    out = tmp_path / "manor-1.toml"
    assert main.main(["reskin", "assets/worlds/manor.toml", "--seed", "1", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    written = guided_game(load_world(WORLDS_DIR / "manor.toml"))
    env, steps, _ = guided_game(load_world(out))
    assert env.info()["won"] and len(steps) == len(written[1]) and f"in {len(steps)} commands" in said
    rooms = [load_world(path).entities[i].name for path in (out, WORLDS_DIR / "manor.toml")
             for i in load_world(path).rooms]
    assert not set(rooms[:len(rooms) // 2]) & set(rooms[len(rooms) // 2:])  # every room renamed
    assert main.main(["reskin", "assets/worlds/manor.toml", "--out", str(out)]) == 2  # no silent overwrite
    assert "already exists" in capsys.readouterr().err
    assert main.main(["reskin", str(tmp_path / "none.toml"), "--out", str(tmp_path / "x.toml")]) == 2
    assert "no such world file" in capsys.readouterr().err and not (tmp_path / "x.toml").exists()
