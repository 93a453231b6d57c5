"""Play mode through the window's event handler: commands, the NPC's turn, tell, recording."""

import time

import pygame

from game.loader import load_world
from game.env import LanternEnv
from game.generator import generate
from game.npc import Decision
from game.record import read_episode, replay
from game.view import theme
from game.view.app import Viewer
from game.view.play import NPC_PERIOD, PlaySession
from tests.view_helpers import ROOT_WORLDS, ScriptedNPC, count_colour, key, type_line, typed, workshop_env


def play_viewer(tmp_path, commands=(), episodes=True, threaded=False):
    env = workshop_env(tmp_path)
    session = PlaySession(env, ScriptedNPC(list(commands)), seed=3,
                          episodes=tmp_path / "episodes" if episodes else None, threaded=threaded)
    return Viewer(session)


def test_command_shows_in_transcript_in_the_players_colour(tmp_path):
    viewer = play_viewer(tmp_path)
    viewer.draw(None)
    amber_before = count_colour(viewer.screen, viewer.layout.transcript, theme.AMBER)
    type_line(viewer, "go east")
    viewer.draw(None)
    texts = viewer.session.transcript.texts()
    assert "You › go east" in texts
    assert any(t.startswith("-= Tool Shed =-") for t in texts)
    assert count_colour(viewer.screen, viewer.layout.transcript, theme.AMBER) > amber_before + 100
    assert viewer.session.env.info("player")["location"] == "Tool Shed"


def test_npc_acts_after_each_person_command_and_its_mind_is_shown(tmp_path):
    viewer = play_viewer(tmp_path, ["go east", "take key"])
    viewer.draw(None)
    teal_before = count_colour(viewer.screen, viewer.layout.npc, theme.TEAL)
    type_line(viewer, "open front door")
    texts = viewer.session.transcript.texts()
    assert texts.index("You › open front door") < texts.index("Ada › go east")
    assert viewer.session.decision.command == "go east"
    viewer.draw(None)
    assert count_colour(viewer.screen, viewer.layout.npc, theme.TEAL) > teal_before + 200  # the chosen bar
    type_line(viewer, "go north")
    assert "Ada › take key" in viewer.session.transcript.texts()
    assert viewer.session.env.info("ada")["inventory"] == ["brass key"]


def test_bad_command_gets_an_in_game_reply_and_changes_nothing():
    env = LanternEnv(generate(1, 0))                           # solo: nobody else acts after it
    viewer = Viewer(PlaySession(env, ScriptedNPC([]), threaded=False))
    before = env.state_hash()
    type_line(viewer, "frobnicate the moon")
    entries = viewer.session.transcript.entries
    assert entries[-2].text == "You › frobnicate the moon"
    assert entries[-1].kind == "reply" and entries[-1].text
    assert env.state_hash() == before and env.steps == 0       # a parser error takes no turn
    assert viewer.session.over is None


def test_a_line_not_understood_gives_the_npc_no_turn_in_the_window(tmp_path):
    viewer = play_viewer(tmp_path, ["go east", "go east"])
    type_line(viewer, "xyzzy")
    texts = viewer.session.transcript.texts()
    assert texts[-2:] == ["You › xyzzy", "I don't know the word 'xyzzy'."]
    assert viewer.session.env.steps == 0 and not any(t.startswith("Ada ›") for t in texts)
    type_line(viewer, "go east")                              # a command: the NPC's turn follows
    assert viewer.session.env.steps == 2 and "Ada › go east" in viewer.session.transcript.texts()


def test_tab_and_history_through_the_window(tmp_path):
    viewer = play_viewer(tmp_path)
    viewer.handle_event(typed("op"))
    viewer.handle_event(key(pygame.K_TAB))
    assert viewer.input.text == "open front door"
    viewer.handle_event(key(pygame.K_RETURN))
    viewer.update(0)
    viewer.handle_event(key(pygame.K_UP))
    assert viewer.input.text == "open front door"


def test_tell_field_gives_the_npc_a_goal_in_words(tmp_path):
    viewer = play_viewer(tmp_path)
    viewer.handle_event(key(pygame.K_F3))
    assert viewer.session.tell_mode
    type_line(viewer, "bring the book to the courtyard")
    assert "You › tell Ada to bring the book to the courtyard" in viewer.session.transcript.texts()
    assert "bring the book to the courtyard" in viewer.session.env.info("ada")["directive"]
    viewer.draw(None)                                          # the NPC panel shows it


def test_timer_mode_lets_the_npc_act_without_the_person(tmp_path):
    viewer = play_viewer(tmp_path, ["go east"])
    viewer.handle_event(key(pygame.K_F2))
    assert viewer.session.timer_mode
    viewer.update(NPC_PERIOD / 2)
    assert viewer.session.env.steps == 0
    viewer.update(NPC_PERIOD / 2 + 0.01)
    viewer.update(0)
    assert viewer.session.env.steps == 1
    assert "Ada › go east" in viewer.session.transcript.texts()


class SlowNPC:
    name = "slow"

    def act(self, env, actor):
        time.sleep(0.3)
        return Decision("go east", [("go east", 1.0)], value=-0.5)


def test_a_slow_npc_never_freezes_the_window(tmp_path):
    env = workshop_env(tmp_path)
    viewer = Viewer(PlaySession(env, SlowNPC(), threaded=True))
    start = time.perf_counter()
    type_line(viewer, "wait")
    viewer.draw(1 / 60)
    assert time.perf_counter() - start < 0.25                 # the frame did not wait for the NPC
    assert viewer.session.thinking
    type_line(viewer, "look")                                 # held until the NPC has had its turn
    assert viewer.session.waiting == ["look"]
    deadline = time.perf_counter() + 5
    while (viewer.session.thinking or viewer.session.waiting) and time.perf_counter() < deadline:
        viewer.update(0.01)
        time.sleep(0.01)
    texts = viewer.session.transcript.texts()
    assert texts.index("Ada › go east") < texts.index("You › look")
    assert viewer.session.decision.value == -0.5


def test_episode_is_recorded_and_replays(tmp_path):
    viewer = play_viewer(tmp_path, ["go east", "take key"])
    for line in ("open front door", "go north"):
        type_line(viewer, line)
    viewer.handle_event(pygame.event.Event(pygame.QUIT))
    assert not viewer.running
    viewer.session.close()
    files = list((tmp_path / "episodes").glob("*.jsonl"))
    assert len(files) == 1 and "ada-s-workshop" in files[0].name
    episode = read_episode(files[0])
    assert episode.header["mode"] == "play" and episode.header["model"] == "scripted"
    assert [s["actor"] for s in episode.steps] == ["player", "ada", "player", "ada"]
    assert episode.steps[1]["candidates"][0] == {"command": "go east", "prob": 0.7}
    assert len(list(replay(episode))) == 4


def test_new_episode_and_help(tmp_path):
    viewer = play_viewer(tmp_path)
    type_line(viewer, "go east")
    type_line(viewer, "help")
    assert viewer.session.help_open
    viewer.draw(None)
    viewer.handle_event(key(pygame.K_ESCAPE))                 # closes help, does not quit
    assert not viewer.session.help_open and viewer.running
    viewer.handle_event(key(pygame.K_n, pygame.KMOD_CTRL))
    assert viewer.session.env.steps == 0 and viewer.session.seed == 4
    assert len(viewer.session.discovered) == 1
    assert len(list((tmp_path / "episodes").glob("*.jsonl"))) == 1   # the first one is finished
    viewer.handle_event(key(pygame.K_n, pygame.KMOD_CTRL))
    viewer.session.close()
    assert len(list((tmp_path / "episodes").iterdir())) == 1         # an episode with no steps is not kept


def test_winning_ends_the_episode_and_says_so():
    env = LanternEnv(load_world(ROOT_WORLDS / "tutorial.toml"))
    viewer = Viewer(PlaySession(env, ScriptedNPC([]), threaded=False))
    for line in ("n", "take lamp", "take apple", "turn on lamp", "e", "put apple in basket", "w", "s",
                 "put lamp on hook"):
        type_line(viewer, line)
    session = viewer.session
    assert session.over is not None and session.over.good and "won" in session.over.text
    viewer.draw(None)
    steps = env.steps
    type_line(viewer, "look")
    assert env.steps == steps                                 # nothing runs after the end


def test_tab_in_the_tell_field_completes_from_the_npcs_commands(tmp_path):
    viewer = play_viewer(tmp_path)
    type_line(viewer, "go east")                               # the person goes; Ada stays (waits)
    viewer.handle_event(key(pygame.K_F3))
    viewer.handle_event(typed("op"))
    viewer.handle_event(key(pygame.K_TAB))
    assert viewer.input.text == "open front door"
    viewer.handle_event(key(pygame.K_RETURN))
    viewer.update(0)
    assert viewer.session.env.info("ada")["directive"].endswith("open front door")


def test_scoring_shows_a_fading_plus_one_over_the_score_bar(tmp_path):
    viewer = play_viewer(tmp_path)
    for line in ("go east", "take key"):
        type_line(viewer, line)
    assert viewer.toast is not None and viewer.toast[0] == 1
    assert any(e.kind == "reward" for e in viewer.session.transcript.entries)
    top = viewer.layout.top
    viewer.draw(1 / 60)
    assert count_colour(viewer.screen, top, theme.GREEN) > 60     # the bar, and the '+1'
    viewer.update(5.0)
    assert viewer._toast_age() is None


def test_undoing_a_goal_shows_a_minus_one_and_the_score_going_down(tmp_path):
    viewer = play_viewer(tmp_path)
    for line in ("go east", "take key", "drop key"):                # 'Fetch the brass key', then undone
        type_line(viewer, line)
    assert viewer.toast is not None and viewer.toast[0] == -1
    reward = [e for e in viewer.session.transcript.entries if e.kind == "reward"][-1]
    assert reward.text == "−1 point · score 0 of 2"
    viewer.draw(1 / 60)
    assert count_colour(viewer.screen, viewer.layout.top, theme.ROSE) > 0  # the '−1' in rose


def test_the_tell_fields_example_is_made_of_what_the_person_sees():
    env = LanternEnv(load_world(ROOT_WORLDS / "tutorial.toml"))   # Ada waits in the kitchen
    viewer = Viewer(PlaySession(env, ScriptedNPC([]), threaded=False))
    viewer.handle_event(key(pygame.K_F3))
    assert viewer.session.prompt()[2][0] == "in your words, e.g. go to the parlour"   # only a hook on the porch
    viewer.handle_event(key(pygame.K_F3))
    type_line(viewer, "go north")
    viewer.handle_event(key(pygame.K_F3))
    assert viewer.session.prompt()[2] == ("in your words, e.g. go to the porch or take the brass lamp",
                                          "e.g. go to the porch or take the brass lamp", "e.g. go to the porch")
    for size, shown in (((1280, 800), 0), ((1024, 700), 1)):          # the longest that fits is drawn
        small = Viewer(viewer.session, size)
        small.draw(None)
        box = small.layout.input
        room = box.right - 14 - (box.x + 14 + small.fonts.mono_bold.size("tell Ada to ›")[0] + 10)
        fits = [small.fonts.ui.size(text)[0] <= room for text in viewer.session.prompt()[2]]
        assert fits.index(True) == shown, (size, fits)


def test_solo_world_lists_the_commands_that_work_now():
    env = LanternEnv(generate(1, 0))
    viewer = Viewer(PlaySession(env, ScriptedNPC([]), threaded=False))
    assert viewer.session.npc_actor is None
    type_line(viewer, "take die")                                         # generated: no companion
    viewer.draw(None)
    assert viewer.session.transcript.texts()[-2] == "You › take die"      # the NPC did not act
    assert "drop cedar die" in viewer.session.info("player")["admissible_commands"]
    assert count_colour(viewer.screen, viewer.layout.npc, theme.MUTED) > 200  # the list is drawn


def test_timer_mode_rethinks_at_once_when_the_person_moved_meanwhile(tmp_path):
    env = workshop_env(tmp_path)
    viewer = Viewer(PlaySession(env, SlowNPC(), threaded=True))
    viewer.handle_event(key(pygame.K_F2))
    viewer.update(NPC_PERIOD + 0.01)                          # the NPC starts thinking ...
    assert viewer.session.thinking
    type_line(viewer, "look")                                 # ... the person acts meanwhile
    deadline = time.perf_counter() + 5
    while "Ada › go east" not in viewer.session.transcript.texts() and time.perf_counter() < deadline:
        viewer.update(0.01)                                   # well under one NPC period in all
        time.sleep(0.01)
    texts = viewer.session.transcript.texts()
    assert texts.index("You › look") < texts.index("Ada › go east")
    assert viewer.time < NPC_PERIOD + 1.0


class JournalNPC(ScriptedNPC):
    """A scripted NPC that, like a model made with --journal, reports the journal it read."""

    def act(self, env, actor):
        decision = super().act(env, actor)
        decision.notes = env.info(actor)["notes"]
        return decision


def test_the_journal_the_npc_read_is_shown_and_recorded(tmp_path):
    from game.view.session import decision_of
    bar_top = {}
    for npc in (ScriptedNPC(["go east"]), JournalNPC(["go east"])):
        folder = tmp_path / npc.__class__.__name__
        folder.mkdir()
        viewer = Viewer(PlaySession(workshop_env(folder), npc, seed=3, episodes=folder / "episodes", threaded=False))
        type_line(viewer, "open front door")
        viewer.draw(None)
        chosen = pygame.mask.from_threshold(viewer.screen.subsurface(viewer.layout.npc), (*theme.TEAL, 255),
                                            (1, 1, 1, 255))  # the title's dot, then the chosen bar's frame
        bar_top[npc.__class__.__name__] = sorted(r.top for r in chosen.get_bounding_rects())[-1]
        viewer.session.close()
        steps = read_episode(next((folder / "episodes").glob("*.jsonl"))).steps
        notes = decision_of(steps[1]).notes
        if isinstance(npc, JournalNPC):
            assert notes and notes[0].startswith("Here: ") and steps[1]["notes"] == notes
        else:
            assert notes == [] and "notes" not in steps[1]
    line = pygame.font.Font(None, 12).get_linesize()
    assert bar_top["JournalNPC"] >= bar_top["ScriptedNPC"] + 2 * line  # two journal lines above the candidates


def test_the_npcs_acts_are_told_in_the_third_person_when_they_happen(tmp_path):
    from game.view.replay import ReplaySession
    viewer = play_viewer(tmp_path, ["go east", "take key", "go east", "give key to you"])
    session = viewer.session
    for line in ("go east", "wait", "wait", "look"):
        type_line(viewer, line)
    texts = session.transcript.texts()
    after = {t: texts[i + 1] for i, t in enumerate(texts[:-1])}
    assert after["Ada › go east"] in ("Ada arrives.", "Ada tries to go east, but cannot.")
    assert after["Ada › take key"] == "Ada takes the brass key."
    assert after["Ada › give key to you"] == "Ada gives you the brass key."
    assert "Ada tries to go east, but cannot." in texts
    assert after["You › wait"] == "Time passes."             # no news of Ada glued in front
    assert not any(t.startswith(("You give", "You take")) for t in texts)
    session.close()
    (path,) = (tmp_path / "episodes").glob("*.jsonl")
    replayed = [e.text for block in ReplaySession(read_episode(path)).blocks for e in block]
    # a replay tells it the same way, and says the recording stopped before the episode ended
    assert replayed == texts[2:] + ["The recording stops here: it was stopped before the episode ended."]


def test_screenshot_commands_play_the_persons_turns_with_the_npcs_between(tmp_path, monkeypatch, capsys):
    import main
    npc = ScriptedNPC(["go west", "take red apple"])
    monkeypatch.setattr(main, "make_npc", lambda model, seed: npc)
    seen = {}
    save = Viewer.save

    def keep_and_save(viewer, path):
        seen["texts"], seen["ada"] = viewer.session.transcript.texts(), viewer.session.env.info("ada")
        return save(viewer, path)

    monkeypatch.setattr(Viewer, "save", keep_and_save)
    shot = tmp_path / "shot.png"
    assert main.main(["play", "--world", "assets/worlds/tutorial.toml", "--screenshot", str(shot),
                      "--commands", "go north; tell ada to bring me the apple;"]) == 0
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    texts = seen["texts"]
    assert texts.index("You › go north") < texts.index("Ada › go west") \
        < texts.index("You › tell ada to bring me the apple") < texts.index("Ada › take red apple")
    assert npc.calls == 2 and seen["ada"]["inventory"] == ["red apple"]
    capsys.readouterr()
    assert main.main(["play", "--commands", "look"]) == 2   # only for a screenshot: in play, you type
    assert capsys.readouterr().err.strip() == \
        "error: --commands goes with --screenshot: when you play, type the commands yourself"


def test_what_an_actor_says_is_its_own_entry_in_its_colour():
    from game.view.transcript import REPLY, step_entries
    entries = step_entries("player", "You", "tell ada to go east", 'You tell Ada: \u201cgo east\u201d\nAda: "On my way."',
                           0, {"steps": 1}, {"Ada": "ada", "Wren": "player"})
    replies = [(e.actor, e.text) for e in entries if e.kind == REPLY]
    assert replies == [("player", "You tell Ada: \u201cgo east\u201d"), ("ada", 'Ada: "On my way."')]
    plain = step_entries("player", "You", "look", "A room.", 0, {"steps": 2})
    assert [(e.actor, e.text) for e in plain if e.kind == REPLY] == [("player", "A room.")]
