"""The one DAgger round quests and requests share: every state the policy reaches is labelled
before it acts there, the env moves by the policy's own commands, and an episode stops where
it ends or where the expert has nothing to say."""

import pytest

torch = pytest.importorskip("torch")

from agent.checkpoint import load_policy  # noqa: E402
from agent.dagger import Episode, dagger_round  # noqa: E402
from agent.demos import expert_plan  # noqa: E402
from game.env import LanternEnv  # noqa: E402
from game.generator import generate  # noqa: E402
from tests.agent_fixtures.tiny import model_dir  # noqa: E402,F401 (fixture)

WORLD = (1, 1)  # a generated quest: the player alone, four moves from winning


def play(policy, seed: int = 0):
    """A round over two episodes of ``WORLD`` (6 moves at most); the expert gives up on the second
    after two moves, and counts each of the second's steps as a success."""
    envs = [LanternEnv(generate(*WORLD), max_steps=6) for _ in range(2)]
    episodes = [Episode(env, (0, k), *env.reset(seed=0)) for k, env in enumerate(envs)]
    asked = []  # (episode, its steps so far), in the order the expert was asked

    def label(env, actor):
        assert actor is None  # the env's own actor
        asked.append((envs.index(env), env.steps))
        return None if env is envs[1] and env.steps == 2 else expert_plan(env)

    demos, successes = dagger_round(policy, episodes, torch.Generator().manual_seed(seed), label,
                                    lambda env, info: env is envs[1], lambda env, command, cands: (len(cands) - 1,))
    return envs, episodes, asked, demos, successes


def test_a_round_labels_every_state_the_policy_reaches_with_the_expert_command_from_there(model_dir):
    policy = load_policy(str(model_dir))
    envs, episodes, asked, demos, successes = play(policy)
    first, second = ([d for d in demos if d.world == (0, k)] for k in range(2))
    ended = envs[0].steps == 6 or envs[0].info()["won"]
    assert ended and len(first) == envs[0].steps  # played to its end, one state per move
    assert len(second) == envs[1].steps == 2 and successes == 2  # stopped where the expert gave up
    assert asked[:6] == [(0, 0), (1, 0), (0, 1), (1, 1), (0, 2), (1, 2)]  # all live labelled, then all act
    taken = [command for _, command in episodes[0].history]
    assert len(taken) == len(first)
    replay = LanternEnv(generate(*WORLD), max_steps=6)
    replay.reset(seed=0)
    for k, demo in enumerate(first):  # each label is the expert's from the state the policy reached
        command, rewards = expert_plan(replay)
        assert demo.candidates[demo.action] == command and demo.rewards == rewards
        assert demo.candidates == replay.info()["admissible_commands"]
        assert [c for _, c in demo.view.history] == taken[:k]  # the policy's own moves, not the labels
        assert demo.also == (len(demo.candidates) - 1,)
        replay.step(taken[k])
    assert replay.state_hash() == envs[0].state_hash()


def test_a_round_is_a_function_of_the_generator_seed(model_dir):
    policy = load_policy(str(model_dir))
    once, again = play(policy, seed=3), play(policy, seed=3)
    assert [e.history for e in once[1]] == [e.history for e in again[1]]
    assert [(d.candidates, d.action) for d in once[3]] == [(d.candidates, d.action) for d in again[3]]


def test_a_team_round_plays_each_actor_in_turn_and_labels_it_with_its_own_next_command(model_dir):
    from game.assets import bundled_worlds
    from game.turns import team
    world = dict(bundled_worlds())["lighthouse"]
    actors = tuple(team(world))
    assert actors == ("player", "ada")
    policy = load_policy(str(model_dir))
    env = LanternEnv(world, max_steps=12).clone()
    episode = Episode(env, (0, 0), *env.reset(seed=5), team=actors)
    demos, _ = dagger_round(policy, [episode], torch.Generator().manual_seed(1),
                            lambda env, actor: expert_plan(env, actor), lambda env, info: bool(info["won"]))
    assert episode.moves == env.steps == 12 and episode.history == []
    mine = {a: episode.histories[a] for a in actors}
    assert [len(mine[a]) for a in actors] == [6, 6]
    replay = LanternEnv(world, max_steps=12).clone()
    replay.reset(seed=5)
    taught, whose = iter(demos), set()
    for move in range(12):  # the player, then Ada, each seeing its own text and history
        actor = actors[move % 2]
        obs, command = mine[actor][move // 2]
        assert obs == replay.observation(actor)
        label, rewards = expert_plan(replay, actor)
        if label in replay.info(actor)["admissible_commands"]:
            demo = next(taught)
            assert demo.candidates[demo.action] == label and demo.rewards == rewards
            assert demo.candidates == replay.info(actor)["admissible_commands"]
            assert demo.view.history == mine[actor][:move // 2]
            whose.add(actor)
        replay.step(command, actor=actor)
    assert next(taught, None) is None and whose == set(actors)


def test_an_actor_with_no_admissible_command_waits_and_is_not_taught(model_dir):
    """As a rollout does: 'wait' where nothing is admissible (a keeper shut in the dark), and
    nothing to learn there."""
    env = LanternEnv(generate(*WORLD), max_steps=2)
    episode = Episode(env, (0, 0), *env.reset(seed=0))
    episode.info = {**episode.info, "admissible_commands": []}
    demos, _ = dagger_round(load_policy(str(model_dir)), [episode], torch.Generator().manual_seed(0),
                            lambda env, actor: expert_plan(env), lambda env, info: False)
    assert episode.history[0][1] == "wait" and len(demos) == 1  # the second state had its commands


def test_a_team_label_never_teaches_a_step_that_comes_too_early_under_turns():
    """In the lighthouse, Ada's one step left in the plan is closing the gallery door; taken while
    Wren has still to walk out through it, it costs two moves, so it is not taught; Wren's is."""
    from agent.demos import moves_left_key, team_plan
    from game.assets import bundled_worlds
    from game.solver import remaining_moves
    env = LanternEnv(dict(bundled_worlds())["lighthouse"])
    env.reset(seed=0)
    for actor, command in [("ada", "go east"), ("ada", "open sea gate"), ("player", "go north"),
                           ("player", "give letter to ada"), ("ada", "go east"), ("ada", "go up"), ("ada", "go up")]:
        env.step(command, actor=actor)
    before, left = env.state_hash(), remaining_moves(env.world)
    assert expert_plan(env, "ada")[0] == "close gallery door"
    cache = {}
    assert team_plan(env, "ada", moves_left=cache) == (None, expert_plan(env, "ada")[1])
    command, _ = team_plan(env, "player", moves_left=cache)
    assert command == expert_plan(env, "player")[0]
    assert env.state_hash() == before and cache[moves_left_key(env)] == left  # put back; kept by state
    env.step(command, actor="player")
    assert remaining_moves(env.world) == left - 1


def test_a_team_member_with_nothing_left_to_do_is_taught_to_hold_not_to_undo():
    """The lamp is lit and Wren keeps lookout on the gallery; only Ada's step is left (shutting the
    door). Wren is taught a command that leaves the moves left as they are, not walking back in."""
    from agent.demos import team_plan
    from game.assets import bundled_worlds
    from game.solver import remaining_moves
    env = LanternEnv(dict(bundled_worlds())["lighthouse"])
    env.reset(seed=0)
    for actor, command in [("ada", "go east"), ("ada", "open sea gate"), ("player", "go north"),
                           ("player", "give letter to ada"), ("player", "go east"), ("player", "go up"),
                           ("player", "go up"), ("player", "unlock lens cage with lens key"),
                           ("player", "open lens cage"), ("player", "turn on great lamp"), ("player", "go out"),
                           ("ada", "go east"), ("ada", "go up"), ("ada", "go up")]:
        env.step(command, actor=actor)
    assert remaining_moves(env.world) == 1 and expert_plan(env, "player")[0] is None
    assert set(env.info("player")["admissible_commands"]) == {"drop lens key", "go in"}
    assert team_plan(env, "player")[0] == "drop lens key"
    assert team_plan(env, "ada")[0] == "close gallery door"
