"""The Gymnasium environment: registered ids, spaces, masks, seeding, vector envs."""

import warnings

import numpy as np
import pytest

gymnasium = pytest.importorskip("gymnasium")

from gymnasium.utils.env_checker import check_env  # noqa: E402

from game.gym_env import MAX_COMMANDS, REFUSED, LanternGymEnv, text_observation  # noqa: E402
from tests.conftest import WORLDS  # noqa: E402

IDS = ["lantern/World-v0", "lantern/Generated-v0"] + [f"lantern/Generated-d{d}-v0" for d in range(1, 7)]


@pytest.mark.parametrize("env_id", IDS)
def test_every_id_passes_gymnasiums_checker_without_a_warning(env_id):
    env = gymnasium.make(env_id)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped)


def test_the_module_path_form_imports_and_registers():
    env = gymnasium.make("game.gym_env:lantern/World-v0", world=str(WORLDS / "tutorial.toml"))
    obs, info = env.reset(seed=0)
    assert "Lamplighter" in obs or info["location"]


def test_actions_index_the_admissible_commands_and_the_mask_says_which():
    env = LanternGymEnv(world=WORLDS / "tutorial.toml")
    obs, info = env.reset(seed=0)
    commands = info["admissible_commands"]
    assert info["action_mask"].tolist() == [1] * len(commands) + [0] * (MAX_COMMANDS - len(commands))
    assert (env.action_masks() == info["action_mask"]).all()
    before = env.unwrapped.lantern.state_hash()
    obs, reward, terminated, truncated, info = env.step(len(commands))  # no command behind it
    assert obs == REFUSED and reward == 0 and env.lantern.state_hash() == before
    obs, reward, terminated, truncated, info = env.step(commands.index("go north"))
    assert obs != REFUSED and info["location"] != "Porch" and env.lantern.state_hash() != before


def test_text_actions_are_parsed_like_a_players():
    env = LanternGymEnv(world=WORLDS / "tutorial.toml")
    env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step("inventory")
    assert "carrying" in obs.lower() or "empty" in obs.lower()


def test_the_same_seed_gives_the_same_world_and_episode():
    def run(seed):
        env = LanternGymEnv(difficulty=2)
        obs, info = env.reset(seed=seed)
        seen = [obs]
        for _ in range(5):
            obs, *_rest, info = env.step(int(np.flatnonzero(info["action_mask"])[-1]))
            seen.append(obs)
        return seen, env.lantern.state_hash()
    assert run(7) == run(7)
    assert run(7)[0][0] != run(8)[0][0] or run(7)[1] != run(8)[1]


def test_a_fixed_world_seed_keeps_the_world_and_a_companion_joins_it():
    env = LanternGymEnv(difficulty=1, world_seed=5, companion=True)
    env.reset(seed=0)
    first = env.lantern
    env.reset(seed=1)
    assert env.lantern is first and len(first.actor_ids) == 2


def test_wide_vocabulary_worlds_are_the_same_puzzles_in_other_words():
    from game.generator import generate, world_to_toml
    wide = LanternGymEnv(difficulty=2, world_seed=7, vocabulary="wide")
    obs, _ = wide.reset(seed=0)
    assert world_to_toml(wide.lantern.world) == world_to_toml(generate(2, 7, vocabulary="wide"))
    assert wide.observation_space.contains(obs)
    with pytest.raises(Exception, match="vocabulary 'huge'"):
        LanternGymEnv(difficulty=2, vocabulary="huge")


def test_observations_stay_in_the_text_space():
    assert text_observation("Ada: \u201cyes\u201d \u2603") == "Ada: \u201cyes\u201d ?"


def test_vector_envs_step_in_lockstep():
    vec = gymnasium.make_vec("lantern/Generated-d2-v0", num_envs=3, vectorization_mode="sync")
    obs, infos = vec.reset(seed=0)
    assert len(obs) == 3 and infos["action_mask"].shape == (3, MAX_COMMANDS)
    actions = np.array([int(np.flatnonzero(m)[0]) for m in infos["action_mask"]])
    obs, rewards, terminated, truncated, infos = vec.step(actions)
    assert rewards.shape == (3,) and not truncated.any()
    vec.close()
