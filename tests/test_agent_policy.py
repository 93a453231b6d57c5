"""The LM policy: candidate probabilities, batching invariance, generation, prompts."""

import pytest

torch = pytest.importorskip("torch")

from agent.checkpoint import load_policy  # noqa: E402
from agent.prompt import PromptBuilder, View  # noqa: E402
from agent.worlds import WorldSource  # noqa: E402
from tests.agent_fixtures.tiny import model_dir  # noqa: E402,F401 (fixture)


def states(n=4):
    """Views and admissible commands of the first state of n different generated worlds."""
    src = WorldSource()
    views, cands = [], []
    for seed in range(n):
        env = src.env(2, seed)
        obs, info = env.reset(seed=0)
        if seed % 2:  # give some states a history, so prompts differ in length
            cmd = info["admissible_commands"][0]
            obs2, _, _, _, info = env.step(cmd)
            views.append(View.from_info(obs2, info, [(obs, cmd)]))
        else:
            views.append(View.from_info(obs, info, []))
        cands.append(info["admissible_commands"])
    return views, cands


@pytest.mark.parametrize("norm", ["none", "token", "word"])
def test_candidate_probabilities_sum_to_one_and_ignore_batch_and_padding(model_dir, norm):
    torch.manual_seed(0)
    policy = load_policy(str(model_dir), length_norm=norm)
    views, cands = states()
    prompts = policy.encode_views(views)
    ids, words = policy.encode_candidates(cands)
    together = policy.score(prompts, ids, words)
    sums = (together.logp.exp() * together.valid).sum(-1)
    assert sums.tolist() == pytest.approx([1.0] * len(views), abs=1e-6)
    assert len({len(p) for p in prompts}) > 1  # prompts really are padded
    for i in range(len(views)):
        alone = policy.score([prompts[i]], [ids[i]], [words[i]])
        k = len(ids[i])
        assert torch.allclose(alone.logp[0, :k], together.logp[i, :k], atol=1e-5)
        assert torch.allclose(alone.values[0], together.values[i], atol=1e-5)
    reordered = policy.score(prompts[::-1], ids[::-1], words[::-1])
    for i in range(len(views)):
        k = len(ids[i])
        assert torch.allclose(reordered.logp[len(views) - 1 - i, :k], together.logp[i, :k], atol=1e-5)
    for method in ("full", "packed", "cached"):  # auto is flat here; the other paths give the same numbers
        other = policy.score(prompts, ids, words, method=method)
        assert torch.allclose(other.logp, together.logp, atol=1e-5), method
        assert torch.allclose(other.values, together.values, atol=1e-5), method
    assert policy._packed_ok  # GPT-2 honours 4-D masks, so 'packed' really was the packed path


def test_length_normalisation_is_the_documented_formula(model_dir):
    policy = load_policy(str(model_dir), length_norm="token")
    views, cands = states(1)
    prompts = policy.encode_views(views)
    ids, words = policy.encode_candidates(cands)
    tok_logp, tok_mask, _, _ = policy.token_logprobs(prompts, ids[0], [0] * len(ids[0]))
    expected = torch.log_softmax(tok_logp.sum(1) / tok_mask.sum(1), 0)
    got = policy.score(prompts, ids, words).logp[0]
    assert torch.allclose(got, expected, atol=1e-6)


def test_act_samples_admissible_commands_reproducibly(model_dir):
    policy = load_policy(str(model_dir))
    views, cands = states()
    a1, *_ = policy.act(views, cands, torch.Generator().manual_seed(3))
    a2, *_ = policy.act(views, cands, torch.Generator().manual_seed(3))
    assert a1.commands == a2.commands
    assert all(c in options for c, options in zip(a1.commands, cands))
    greedy, *_ = policy.act(views, cands, greedy=True)
    for command, probs, options in zip(greedy.commands, greedy.probs, cands):
        assert command == options[max(range(len(probs)), key=probs.__getitem__)]


def test_free_generate_mode_logprob_matches_rescoring_and_stops(model_dir):
    policy = load_policy(str(model_dir), mode="generate", generate_over="free", max_command_tokens=6,
                         temperature=1.5, top_k=0)
    views, cands = states()
    acted, prompts, seqs, words = policy.act(views, cands, torch.Generator().manual_seed(0))
    assert len(acted.commands) == len(views)
    for tokens in acted.actions:
        assert 1 <= len(tokens) <= 6
        assert all(t not in policy.stop_ids.tolist() for t in tokens[:-1])  # stops at the first stop token
    for method in ("flat", "cached", "packed"):
        rescored = policy.score(prompts, seqs, words, method=method)
        assert torch.allclose(rescored.logp[:, 0], acted.logp, atol=1e-4), method
    assert (rescored.entropy > 0).all()


def test_generate_mode_writes_only_admissible_commands_with_the_trie_probability(model_dir):
    policy = load_policy(str(model_dir), mode="generate", temperature=1.5)
    views, cands = states()
    for seed in range(3):
        acted, prompts, cand_ids, words = policy.act(views, cands, torch.Generator().manual_seed(seed))
        assert all(c in options for c, options in zip(acted.commands, cands))  # written, and always admissible
        assert [options[a[0]] for a, options in zip(acted.actions, cands)] == acted.commands
        for method in ("flat", "cached", "packed", "full"):
            s = policy.score(prompts, cand_ids, words, method=method)
            assert torch.allclose((s.logp.exp() * s.valid).sum(-1), torch.ones(len(views)), atol=1e-5)
            picked = s.logp.gather(1, torch.tensor(acted.actions))[:, 0]
            assert torch.allclose(picked, acted.logp, atol=1e-4), method
    # Directly: the model's next-token probabilities after prompt + prefix, renormalised over the
    # tokens some candidate continues the prefix with, multiplied along the written command.
    with torch.no_grad():
        for prompt, ids, k, logp in zip(prompts, cand_ids, [a[0] for a in acted.actions], acted.logp):
            written, total = ids[k], 0.0
            for j, token in enumerate(written):
                allowed = sorted({c[j] for c in ids if c[:j] == written[:j]})
                logits = policy.model(input_ids=torch.tensor([prompt + written[:j]])).logits[0, -1] / 1.5
                total += float(logits[token] - torch.logsumexp(logits[allowed], 0))
            assert abs(total - float(logp)) < 1e-4
    greedy = policy.act(views, cands, greedy=True)[0]
    assert greedy.commands == policy.act(views, cands, greedy=True)[0].commands
    s = policy.score(prompts, cand_ids, words)
    s.logp.sum().backward()  # the trie's normaliser passes gradients (and no NaN from padding)
    assert all(torch.isfinite(p.grad).all() for p in policy.model.parameters() if p.grad is not None)


def test_value_head_gets_gradients(model_dir):
    policy = load_policy(str(model_dir))
    views, cands = states(2)
    prompts = policy.encode_views(views)
    ids, words = policy.encode_candidates(cands)
    s = policy.score(prompts, ids, words)
    assert torch.allclose(s.values, policy.values(prompts), atol=1e-5)
    s.values.sum().backward()
    assert policy.value_head.weight.grad is not None and policy.value_head.weight.grad.abs().sum() > 0


class WordTokenizer:
    """One token per character: enough to check the budget arithmetic."""

    chat_template = None

    def encode(self, text, add_special_tokens=False):
        return [ord(c) for c in text]


def test_prompt_drops_oldest_history_first_and_keeps_budget():
    view = View("win", "now", ["lamp"], None, [("o1", "c1"), ("o2", "c2"), ("o3", "c3")], ["Win."])
    text = lambda ids: "".join(map(chr, ids))  # noqa: E731
    full = text(PromptBuilder(WordTokenizer(), 1000, 8).build(view))
    assert full == "Goal: win\n\no1\n> c1\no2\n> c2\no3\n> c3\nnow\nTo do: Win.\nCarrying: lamp\n>"
    budget = len(full) - 1
    cut = text(PromptBuilder(WordTokenizer(), budget, 8).build(view))
    assert "o1" not in cut and cut.endswith("o2\n> c2\no3\n> c3\nnow\nTo do: Win.\nCarrying: lamp\n>")
    assert len(cut) <= budget
    assert "o1" not in text(PromptBuilder(WordTokenizer(), 1000, 2).build(view))
    tiny = PromptBuilder(WordTokenizer(), 63, 8).build(View("win", "x" * 50, [], "fetch it", []))
    assert len(tiny) == 63 and text(tiny) == "Goal: win\n\nxx\nTo do: nothing\nTold: fetch it\nCarrying: nothing\n>"
    assert text(PromptBuilder(WordTokenizer(), 20, 8).build(View("win", "x" * 50, [], None, []))) == \
        "\nCarrying: nothing\n>"  # nothing fits: the end, nearest the command, is kept
    journal = View("win", "now", [], None, [("o1", "c1")], ["Win."], ["Here: lamp", "Elsewhere: Hall (west): key"])
    assert text(PromptBuilder(WordTokenizer(), 1000, 8, journal=True).build(journal)) == \
        "Goal: win\n\no1\n> c1\nnow\nHere: lamp\nElsewhere: Hall (west): key\nTo do: Win.\nCarrying: nothing\n>"
    assert text(PromptBuilder(WordTokenizer(), 1000, 8).build(journal)) == \
        "Goal: win\n\no1\n> c1\nnow\nTo do: Win.\nCarrying: nothing\n>"  # a model trained without it
    kept = text(PromptBuilder(WordTokenizer(), 80, 8, journal=True).build(journal))
    assert "o1" not in kept and kept.endswith("Here: lamp\nElsewhere: Hall (west): key\nTo do: Win.\nCarrying: nothing\n>")


def test_chat_template_is_used_when_the_tokenizer_has_one(model_dir):
    policy = load_policy(str(model_dir))
    tok = policy.tokenizer
    tok.chat_template = ("{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}\n{% endfor %}"
                         "{% if add_generation_prompt %}<assistant>{% endif %}")
    builder = PromptBuilder(tok, 200, 4)
    view = View("win", "A room.", [], None, [(f"obs {i} " * 10, "go north") for i in range(10)])
    ids = builder.build(view)
    text = tok.decode(ids)
    assert text.startswith("<system>") and text.endswith("<assistant>") and len(ids) <= 200
    assert "obs 9" in text and "obs 0" not in text
    assert builder.command_text("go north") == "go north\n"


def test_ordered_fit_drops_what_matters_least_first_and_never_the_state():
    text = lambda ids: "".join(map(chr, ids))  # noqa: E731
    room = ("-= Hall =-\nA long hall. Old portraits line it. Dust lies thick. Rain beats on the glass.\n"
            "You see a lamp. In the box is a key.\nExits: west.")
    view = View("Meet the terms. Take the lamp. Open the box.", room, ["coin"], "fetch the key",
                [("o1", "c1"), ("o2", "c2")], ["Take the lamp.", "Open the box."],
                ["Here: lamp, box", "Elsewhere: Yard (west): cart; Barn (west): hay", "Wanted: lamp here; box here"])
    whole = lambda fit, budget: text(PromptBuilder(WordTokenizer(), budget, 8, True, fit).build(view))  # noqa: E731
    full = whole("oldest", 10_000)
    assert whole("ordered", len(full)) == full  # within the budget: laid out whole, as the shipped NPC was trained
    state = ("Here: lamp, box\nElsewhere: Yard (west): cart\nWanted: lamp here; box here\n"
             "To do: Take the lamp. Open the box.\nTold: fetch the key\nCarrying: coin\n>")
    steps = []
    for budget in range(len(full) - 1, 0, -1):
        fitted = whole("ordered", budget)
        assert len(fitted) <= budget
        steps.append(fitted)
        if "Elsewhere: Yard (west): cart\n" in fitted and "Barn" not in fitted:
            break
    # the order: older pair, goal repeats, prose beyond two sentences, latest pair, prose beyond one, goal line
    kept_pair = next(s for s in steps if "o1" not in s)
    assert "o2\n> c2\n" in kept_pair and "Dust lies thick." in kept_pair
    short_goal = next(s for s in steps if "Take the lamp. Open the box.\n\n" not in s)
    assert short_goal.startswith("Goal: Meet the terms.\n\no2") and "Dust lies thick." in short_goal
    two = next(s for s in steps if "Dust" not in s)
    assert "A long hall. Old portraits line it.\nYou see a lamp. In the box is a key.\n" in two and "o2" in two
    assert "o2" not in steps[-1] and "Goal:" not in steps[-1] and "portraits" not in steps[-1]
    assert steps[-1] == "-= Hall =-\nA long hall.\nYou see a lamp. In the box is a key.\nExits: west.\n" + state
    assert whole("oldest", len(steps[-1])).startswith("Goal: Meet")  # the old rule cuts the room's first lines


def test_read_commands_and_journal_wording_reach_the_npc_only_as_its_settings_say(model_dir):
    from agent.npc import LMNPC
    from agent.rollout import play_episodes
    from game.env import LanternEnv
    from game.loader import world_from_dict
    from tests.test_guide import NOTE
    env = LanternEnv(world_from_dict({**NOTE, "items": [*NOTE["items"], {"id": "ink", "name": "Indigo ink",
                                                                         "location": "hall"}]}, "note"))
    env.reset(seed=0)
    for read, wording, here in ((False, 1, "Here: folded note, Indigo ink"), (True, 2, "Here: folded note, indigo ink")):
        npc = LMNPC(load_policy(str(model_dir), read_commands=read, journal=True, journal_wording=wording))
        decision = npc.act(env, "player")
        assert ("read folded note" in [c for c, _ in decision.candidates]) == read
        assert decision.notes[0].startswith(here)
    assert env.read_commands is False and env.info()["notes"][0].startswith("Here: folded note, indigo ink")
    policy = load_policy(str(model_dir), mode="generate", read_commands=True)
    result = play_episodes(policy, [env.clone()], [0], torch.Generator().manual_seed(0))[0]
    assert all(len(t.candidates) > t.action >= 0 for t in result.steps)  # an index among the admissible commands
    assert any(len(t.candidates) == 4 for t in result.steps)  # go north, read note, take note, take ink


def test_request_first_puts_the_quest_on_hold_while_a_request_is_open():
    text = lambda ids: "".join(map(chr, ids))  # noqa: E731
    notes = ["Here: lamp", "Elsewhere: Hall (west): key", "Wanted: box unseen"]
    told = View("Open the box.", "now", ["coin"], "fetch the key, please", [("o1", "c1")], ["Open the box."], notes)
    first = PromptBuilder(WordTokenizer(), 1000, 8, journal=True, request_first=True)
    assert text(first.build(told)) == ("o1\n> c1\nnow\nHere: lamp\nElsewhere: Hall (west): key\n"
                                       "Told: fetch the key, please\nCarrying: coin\n>")
    untold = View("Open the box.", "now", ["coin"], None, [("o1", "c1")], ["Open the box."], notes)
    both = PromptBuilder(WordTokenizer(), 1000, 8, journal=True)
    assert text(first.build(untold)) == text(both.build(untold))  # no request: the quest as ever
    assert "To do: Open the box.\nTold: fetch the key" in text(both.build(told))  # older models read both


def test_request_names_puts_a_named_line_in_the_wanted_lines_place_only_while_told():
    text = lambda ids: "".join(map(chr, ids))  # noqa: E731
    notes = ["Here: lamp", "Wanted: box unseen"]
    told = View("Open the box.", "now", [], "fetch the key", [], ["Open the box."], notes, named="key west (Hall); Wren")
    names = PromptBuilder(WordTokenizer(), 1000, 8, journal=True, request_first=True, request_names=True)
    assert text(names.build(told)) == ("now\nHere: lamp\nNamed: key west (Hall); Wren\nTold: fetch the key\n"
                                       "Carrying: nothing\n>")
    plain = PromptBuilder(WordTokenizer(), 1000, 8, journal=True, request_first=True)
    assert "Named" not in text(plain.build(told))  # a model trained without it reads none
    blind = PromptBuilder(WordTokenizer(), 1000, 8, journal=False, request_first=True, request_names=True)
    assert "Named" not in text(blind.build(told))  # nor one that reads no journal
    untold = View("Open the box.", "now", [], None, [], ["Open the box."], notes, named="")
    assert text(names.build(untold)) == text(plain.build(untold))  # no request: the quest as ever


def test_the_mind_panel_gets_the_journal_lines_the_npc_read_while_told(model_dir):
    from agent.npc import LMNPC
    from game.env import LanternEnv
    from game.loader import world_from_dict
    from tests.test_requests import HOUSE
    env = LanternEnv(world_from_dict(HOUSE, "<house>"))
    env.reset(seed=0)
    env.request("ada", "bring the lamp to the kitchen", None, by="wren")
    named = LMNPC(load_policy(str(model_dir), journal=True, journal_wording=2, request_first=True,
                              request_names=True), seed=0)
    notes = named.act(env, "ada").notes
    assert notes[0].startswith("Here: ") and notes[-1].startswith("Named: ")
    assert not any(n.startswith("Wanted: ") for n in notes)  # the quest is on hold in its prompt
    both = LMNPC(load_policy(str(model_dir), journal=True, journal_wording=2), seed=0)
    assert any(n.startswith("Wanted: ") for n in both.act(env, "ada").notes)  # an older model reads both
    assert LMNPC(load_policy(str(model_dir)), seed=0).act(env, "ada").notes == []  # no journal, no lines
