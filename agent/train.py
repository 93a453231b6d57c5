"""Train the LM policy by policy gradient (REINFORCE or PPO) over N environments.

Reads top to bottom like the algorithm: each update plays one episode in each of
N environments (groups of ``group_size`` envs share a world and seed), computes
returns and advantages, takes gradient steps, logs, and checkpoints. Everything
random is either a pure function of the counters (world and env seeds) or drawn
from one ``torch.Generator`` that is checkpointed, so ``--resume`` continues
exactly where the run stopped.
"""

from __future__ import annotations

import random
import signal
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from agent import pg
from agent.checkpoint import latest_checkpoint, load_policy, load_training_state, machine, save_checkpoint
from agent.lora import lora_policy, lora_settings, model_name, trainable
from agent.metrics import MetricLogger, plot_learning_curve, read_metrics, trim_metrics
from agent.policy import LMPolicy
from agent.progress import progress_tracker
from agent.steady import steady_layer_norms
from agent.reference import Chunk, ReferenceScorer, load_reference, score
from agent.requests_train import RequestEnv, bundled_request_env
from agent.rollout import EpisodeResult, Group, Transition, play_episodes, sample_seed
from agent.train_config import TrainConfig
from agent.worlds import WorldMaker, WorldSource, pick_seed
from game.errors import LanternError
from game.files import FileWriteError, check_output_folder, write_text
from game.record import EpisodeRecorder
from game.turns import team

__all__ = ["Batch", "Trainer", "TrainConfig"]


@dataclass
class Batch:
    """A rollout as ``[T, N]`` tensors plus the flat list of valid transitions."""

    rewards: torch.Tensor      # shaped rewards
    values: torch.Tensor
    next_values: torch.Tensor  # V(s_{t+1}); bootstrap value after truncation, 0 after termination
    dones: torch.Tensor        # 1 where the episode terminated (won or lost)
    ends: torch.Tensor         # 1 where the episode ended for any reason
    mask: torch.Tensor
    groups: torch.Tensor       # [N]
    steps: list[Transition]    # valid transitions in [T, N] row-major order of mask


class Trainer:
    """Owns the policy, optimizer, counters and run folder of one training run."""

    def __init__(self, config: TrainConfig, resume: bool = False, progress_helper: bool | None = None,
                 worlds_ahead: bool = True) -> None:
        """``progress_helper``: search progress shaping's moves left in a helper process (None: when
        ``--cpu`` gives the run a second process, as it does the KL reference); with it and
        ``worlds_ahead``, generate the next update's worlds in another helper process."""
        self.config = config
        self.run = check_output_folder(config.out, "--out")  # before anything slow: the model, a world
        if config.export:
            check_output_folder(config.export, "--export")
        existing = latest_checkpoint(self.run) if self.run.exists() else None
        if existing is not None and not resume:
            raise LanternError(f"{self.run}: already holds a training run; add --resume to continue it, "
                               f"or choose another --out")
        if resume and existing is None:
            raise LanternError(f"{self.run}: no checkpoint to resume from; drop --resume to start a new run")
        world = None
        if config.world is not None:  # a bad world file fails before the model loads
            from game.assets import resolve_asset
            from game.loader import load_world
            world = load_world(resolve_asset(config.world))
        self.generator = torch.Generator().manual_seed(config.seed)
        torch.manual_seed(config.seed)  # value-head initialisation
        source = str(existing) if existing is not None else config.model
        self.policy: LMPolicy = build_policy(config, source, fresh=existing is None)
        self.policy.to(config.device)
        self.policy.model.eval()  # no dropout: acting and updating see the same function
        self.reference = self._reference() if config.kl_coef > 0 else None
        self.optimizer = torch.optim.Adam(trainable(self.policy), lr=config.lr, eps=1e-5)
        self.update = 0
        self.global_step = 0
        self.episodes = 0
        self.level = config.difficulty or 0
        self.recent_success: list[float] = []  # this level's last updates, for the curriculum
        self.start_model = config.model
        self._saved = -1  # the update of the newest checkpoint on disk
        if existing is not None:
            counters = load_training_state(existing, self.optimizer, self.generator)
            self.update, self.global_step = counters["update"], counters["global_step"]
            self.episodes, self.level = counters["episodes"], counters["level"]
            self.recent_success = list(counters.get("recent_success", []))
            self.start_model = counters.get("start_model", config.model)
            self._saved = self.update
        self.worlds = WorldSource(world, config.max_episode_steps, companion=config.companion,
                                  vocabulary=config.vocabulary, mechanics=config.mechanics)
        wanted = config.bundled_share or config.bundled_request_share
        walkthroughs = _bundled_walkthroughs(config.authored, config.authored_reskins, config.seed) if wanted else []
        self.bundled = _bundled_sources(walkthroughs, config.max_episode_steps) if config.bundled_share else []
        self._bundled_envs: list[int] = []  # env indices of this rollout's bundled-world groups
        self.request_worlds = WorldSource(companion=True)
        self.bundled_walkthroughs = walkthroughs if config.bundled_request_share else []
        self._request_envs: dict[int, RequestEnv] = {}  # env index -> this rollout's request episodes
        self._stop = False
        self.played: list = []  # the last rollout's envs as they ended, in env order
        self.rollouts = _rollouts(config, self.policy, source, existing is None)
        if progress_helper is None:
            progress_helper = config.workers > 1 and config.device == "cpu"
        self._progress_helper = progress_helper
        self._tracker = None  # made at the first shaped rollout played here
        # the next update's worlds are generated beside this one's rollout where a helper may run
        generated = world is None and (config.bundled_share < 1 or config.request_share > 0)
        self._maker = WorldMaker() if worlds_ahead and progress_helper and self.rollouts is None and generated else None

    def _reference(self) -> ReferenceScorer:
        """The KL penalty's frozen starting model; with ``workers`` > 1 (on the CPU) a helper
        process scores it on another core, to the same floats."""
        cfg = self.config
        where = (cfg.model, cfg.policy_overrides(), cfg.device)
        helper = where if cfg.workers > 1 and cfg.device == "cpu" else None
        return ReferenceScorer(load_reference(*where), helper)

    # -- the loop ---------------------------------------------------------------------------

    def train(self) -> int:
        """Run until the step/update budget is spent or Ctrl-C; returns an exit code."""
        self.run.mkdir(parents=True, exist_ok=True)
        trim_metrics(self.run / "metrics.jsonl", self.update)
        logger = MetricLogger(self.run)
        bar = _progress(self.config, self.global_step)
        try:
            with self._interruptible():
                self._loop(logger, bar)
        finally:
            logger.close()
            self.close_rollouts()
            if self.reference is not None:
                self.reference.close()
            if bar is not None:
                bar.close()
        folder = self.save()
        plot_learning_curve(self.run)
        if self.config.export and not self._stop:
            self._export(Path(self.config.export))
        if self._stop:
            print(f"interrupted: saved {folder}; continue with --resume --out {self.run}")
            return 130
        return 0

    def _loop(self, logger: MetricLogger, bar) -> None:
        cfg = self.config
        while not self._done():
            t0 = time.perf_counter()
            # ---- rollout: one episode per env ----
            drawn = self.generator.get_state()
            episodes = self._rollout()
            if episodes is None:  # Ctrl-C during the rollout: drop it, and the numbers it drew,
                self.generator.set_state(drawn)  # so the checkpoint is this update's start exactly
                break
            rollout_time = time.perf_counter() - t0
            # ---- returns and advantages ----
            batch = self._batch(episodes)
            advantages, returns = self._advantages(batch)
            # ---- policy-gradient update ----
            losses = self._update_policy(batch, advantages, returns)
            # ---- counters, curriculum, logging ----
            self.update += 1
            n_steps = int(batch.mask.sum())
            self.global_step += n_steps
            self.episodes += len(episodes)
            metrics = self._metrics(episodes, losses, n_steps, rollout_time, time.perf_counter() - t0)
            if "charts/success_rate" in metrics:  # an update of request episodes only has none
                self._curriculum(metrics["charts/success_rate"])
            logger.log(metrics)
            if bar is not None:
                bar.update(n_steps)
                bar.set_postfix(ret=f"{metrics['charts/episodic_return']:.2f}",
                                success=f"{metrics.get('charts/success_rate', float('nan')):.2f}",
                                sps=f"{metrics['charts/steps_per_second']:.0f}")
            # ---- checkpoint ----
            if self.update % cfg.checkpoint_every == 0:
                self.save()

    def close_rollouts(self) -> None:
        """Stop the rollout workers (and a Ray started for the run) and the progress helper; idempotent."""
        if self.rollouts is not None:
            self.rollouts.close()
            self.rollouts = None
        if self._tracker is not None:
            self._tracker.close()
            self._tracker = None
        if self._maker is not None:
            self._maker.close()
            self._maker = None

    def _done(self) -> bool:
        cfg = self.config
        return (self._stop or self.global_step >= cfg.steps
                or (cfg.updates is not None and self.update >= cfg.updates))

    @contextmanager
    def _interruptible(self):
        """First Ctrl-C finishes cleanly (checkpoint, exit); a second one stops at once."""
        def handler(signum, frame):
            if self._stop:
                raise KeyboardInterrupt
            self._stop = True
        try:
            previous = signal.signal(signal.SIGINT, handler)
        except ValueError:  # not the main thread: keep the default behaviour
            previous = None
        try:
            yield
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    # -- rollout ----------------------------------------------------------------------------

    def _rollout(self) -> list[EpisodeResult] | None:
        cfg = self.config
        envs, seeds = self._envs()
        self._make_ahead()
        shaped = cfg.progress_reward > 0
        progress = [shaped and i not in self._request_envs for i in range(len(envs))]
        teams = [[env.npc] if i in self._request_envs else team(env.world) for i, env in enumerate(envs)]
        quest = [i for i in range(len(envs)) if i not in self._request_envs]  # request episodes do not replay
        record = quest[0] if cfg.record_every and self.update % cfg.record_every == 0 and quest else None
        meta = {"model": self.start_model, "run": str(self.run), "update": self.update}
        self.played = envs
        if self.rollouts is not None:
            return self._play_groups(envs, seeds, progress, teams, record, meta)
        recorders = {} if record is None else {record: EpisodeRecorder(self._episode_path(), envs[record],
                                                                       seeds[record], meta=meta)}
        if self._tracker is None and any(progress):
            self._tracker = progress_tracker(self._progress_helper)
        return play_episodes(self.policy, envs, seeds, self.generator, recorders=recorders,
                             stop=lambda: self._stop, progress=progress, teams=teams, tracker=self._tracker)

    def _envs(self) -> tuple[list, list[int]]:
        """This update's envs and episode seeds, group after group (a pure function of counters)."""
        cfg = self.config
        envs, seeds = [], []
        self._bundled_envs, self._request_envs = [], {}
        for g in range(cfg.envs // cfg.group_size):
            world_seed = pick_seed(cfg.seed, self.update, g, cfg.train_seeds)
            env_seed = random.Random(f"env/{cfg.seed}/{self.update}/{g}").randrange(2**31)
            bundled = self._bundled_pick(g)
            case = None if bundled else self._request_pick(g)
            self._bundled_envs += [len(envs) + k for k in range(cfg.group_size)] if bundled else []
            for _ in range(cfg.group_size):
                if case is not None:  # the group shares world, request and env seed (group baseline)
                    self._request_envs[len(envs)] = self._request_env(g, world_seed, case)
                    envs.append(self._request_envs[len(envs)])
                else:
                    envs.append(bundled.env() if bundled else self.worlds.env(self.level, world_seed))
                seeds.append(env_seed)
        return envs, seeds

    def _make_ahead(self) -> None:
        """Start generating the next update's worlds in the helper process, if the run has one
        (at the level of now: a level the curriculum changes makes its worlds here instead)."""
        if self._maker is None:
            return
        cfg, update = self.config, self.update + 1
        quest, request = [], []
        for g in range(cfg.envs // cfg.group_size):
            if self._bundled_pick(g, update) is None:
                key = (self.level, pick_seed(cfg.seed, update, g, cfg.train_seeds))
                (quest if self._request_pick(g, update) is None else request).append(key)
        self.worlds.make_ahead(self._maker, quest)
        self.request_worlds.make_ahead(self._maker, request)

    def _episode_path(self) -> Path:
        return self.run / "episodes" / f"update-{self.update:06d}.jsonl"

    def _play_groups(self, envs: list, seeds: list[int], progress: list[bool], teams: list[list[str]],
                     record: int | None, meta: dict) -> list[EpisodeResult] | None:
        """Play each group on its own (``rollout_workers``), each with its own sampling seed."""
        cfg, size = self.config, self.config.group_size
        groups = [Group(envs[k:k + size], seeds[k:k + size], progress[k:k + size], teams[k:k + size],
                        sample_seed(cfg.seed, self.update, k // size), meta if record == k else None)
                  for k in range(0, len(envs), size)]
        self.rollouts.sync(self.policy, self.update)
        played = self.rollouts.play(groups, lambda: self._stop)
        if played is None:
            return None
        self.played = [env for group in played for env in group.envs]  # a worker's envs are copies
        self._request_envs = {i: self.played[i] for i in self._request_envs}
        for group in played:
            if group.recording is not None:
                self._episode_path().parent.mkdir(parents=True, exist_ok=True)
                write_text(self._episode_path(), group.recording)
        return [episode for group in played for episode in group.episodes]

    def _request_pick(self, group: int, update: int | None = None) -> int | None:
        """With chance ``request_share``, the request seed of this group's request episode at this
        update (or ``update``: a pure function of counters, so a resumed run draws the same); else None."""
        share = self.config.request_share
        if not share:
            return None
        rng = random.Random(f"request/{self.config.seed}/{self.update if update is None else update}/{group}")
        return rng.randrange(2**31) if rng.random() < share else None

    def _request_env(self, group: int, world_seed: int, case: int) -> RequestEnv:
        """This group's request episode: in a generated world, or with chance ``bundled_request_share``
        in a bundled one, asked at a state along its walkthrough (a pure function of counters)."""
        cfg = self.config
        options = {"reward": cfg.request_reward, "moves": cfg.request_moves}
        rng = random.Random(f"bundled-request/{cfg.seed}/{self.update}/{group}")
        if self.bundled_walkthroughs and rng.random() < cfg.bundled_request_share:
            world, steps = rng.choice(self.bundled_walkthroughs)
            return bundled_request_env(world, steps, case, cfg.request_kinds, **options)
        return RequestEnv(self.request_worlds.env(self.level, world_seed), case, cfg.request_kinds, **options)

    def _bundled_pick(self, group: int, update: int | None = None) -> WorldSource | None:
        """A bundled world for this group at this update (or ``update``), with chance ``bundled_share``
        (a pure function of counters, so a resumed run draws the same)."""
        if not self.bundled:
            return None
        rng = random.Random(f"bundled/{self.config.seed}/{self.update if update is None else update}/{group}")
        return rng.choice(self.bundled) if rng.random() < self.config.bundled_share else None

    def _batch(self, episodes: list[EpisodeResult]) -> Batch:
        """Lay episodes out as [T, N] tensors (shaped rewards, values, bootstrap values)."""
        cfg = self.config
        t_max, n = max(len(e.steps) for e in episodes), len(episodes)
        z = lambda: torch.zeros(t_max, n)  # noqa: E731
        rewards, values, next_values, dones, ends, mask = z(), z(), z(), z(), z(), z()
        boot = self._bootstrap_values(episodes) if cfg.algo == "ppo" else {}
        for j, ep in enumerate(episodes):
            k = len(ep.steps)
            mask[:k, j] = 1.0
            rewards[:k, j] = torch.tensor([s.reward * cfg.reward_scale - cfg.step_penalty
                                           + cfg.progress_reward * s.progress for s in ep.steps])
            values[:k, j] = torch.tensor([s.value for s in ep.steps])
            next_values[:k - 1, j] = values[1:k, j]
            next_values[k - 1, j] = boot.get(j, 0.0)
            dones[k - 1, j] = float(ep.terminated)
            ends[k - 1, j] = 1.0
        steps = [episodes[j].steps[t] for t in range(t_max) for j in range(n) if mask[t, j]]
        groups = torch.arange(n) // cfg.group_size
        return Batch(rewards, values, next_values, dones, ends, mask, groups, steps)

    @torch.no_grad()
    def _bootstrap_values(self, episodes: list[EpisodeResult]) -> dict[int, float]:
        """V(s_T) of episodes cut off by the step limit (PPO bootstraps through truncation)."""
        cut = [j for j, e in enumerate(episodes) if e.final_prompt is not None]
        if not cut:
            return {}
        values = self.policy.values([episodes[j].final_prompt for j in cut])
        return dict(zip(cut, values.tolist()))

    # -- advantages -------------------------------------------------------------------------

    def _advantages(self, b: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """Advantages and value targets, [T, N]."""
        cfg = self.config
        if cfg.algo == "ppo":
            advantages, returns = pg.gae(b.rewards, b.values, b.dones, b.next_values, cfg.gamma, cfg.gae_lambda)
        else:
            returns = pg.discounted_returns(b.rewards, b.ends, cfg.gamma)
            if cfg.baseline == "value":
                advantages = returns - b.values
            elif cfg.baseline == "group":
                advantages = returns - pg.group_baseline(returns, b.mask, b.groups)
            else:
                advantages = returns.clone()
        if cfg.normalize_advantages:
            advantages = pg.normalize_advantages(advantages, b.mask)
        return advantages * b.mask, returns * b.mask

    # -- update -----------------------------------------------------------------------------

    def _update_policy(self, b: Batch, advantages: torch.Tensor, returns: torch.Tensor) -> dict[str, float]:
        """REINFORCE: one gradient step on the whole rollout. PPO: epochs of minibatch steps."""
        cfg = self.config
        valid = b.mask.bool()
        dev = self.policy.device
        adv, ret = advantages[valid].to(dev), returns[valid].to(dev)  # [S] in b.steps order
        old_logp = torch.tensor([s.logp for s in b.steps], device=dev)
        old_values = b.values[valid].to(dev)
        n = len(b.steps)
        stats: dict[str, list[float]] = {}
        if cfg.algo == "reinforce":
            self.optimizer.zero_grad()
            chunks = torch.arange(n).split(cfg.batch)
            self._submit_reference(b.steps, chunks)
            for chunk in chunks:
                loss, parts = self._loss(b.steps, chunk, adv, ret, old_logp, old_values)
                (loss * len(chunk) / n).backward()
                _append(stats, parts)
            _append(stats, {"grad_norm": self._step()})
            with torch.no_grad():  # how far the step moved the policy, on the first chunk
                first = torch.arange(min(n, cfg.batch))
                new_logp = self._score(b.steps, first)[1]
                _append(stats, {"approx_kl": pg.approx_kl_old_new(new_logp, old_logp[first],
                                                                  torch.ones_like(new_logp)).item()})
            return _mean(stats)
        for _ in range(cfg.ppo_epochs):
            chunks = torch.randperm(n, generator=self.generator).split(cfg.batch)
            self._submit_reference(b.steps, chunks)
            kls = []
            for chunk in chunks:
                self.optimizer.zero_grad()
                loss, parts = self._loss(b.steps, chunk, adv, ret, old_logp, old_values)
                loss.backward()
                parts["grad_norm"] = self._step()
                _append(stats, parts)
                kls.append(parts["approx_kl"])
            if cfg.target_kl is not None and sum(kls) / len(kls) > cfg.target_kl:
                break
        return _mean(stats)

    def _loss(self, steps: list[Transition], idx: torch.Tensor, adv: torch.Tensor, ret: torch.Tensor,
              old_logp: torch.Tensor, old_values: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
        """The loss of one chunk of transitions, and its parts for logging."""
        cfg = self.config
        scored, logp = self._score(steps, idx)
        ones = torch.ones_like(logp)
        parts: dict[str, float] = {}
        if cfg.algo == "ppo":
            policy_loss, kl, clip_frac = pg.ppo_policy_loss(logp, old_logp[idx], adv[idx], ones, cfg.clip)
            v_loss = pg.value_loss(scored.values, ret[idx], ones, old_values[idx], cfg.clip)
            parts.update(approx_kl=float(kl), clip_fraction=float(clip_frac))
        else:
            policy_loss = pg.reinforce_loss(logp, adv[idx], ones)
            v_loss = pg.value_loss(scored.values, ret[idx], ones)
        use_value = cfg.algo == "ppo" or cfg.baseline == "value"
        entropy = scored.entropy.mean()
        loss = policy_loss - cfg.entropy_coef * entropy + (cfg.value_coef * v_loss if use_value else 0.0)
        if self.reference is not None:
            ref_kl = self._reference_kl(scored, logp)
            loss = loss + cfg.kl_coef * ref_kl
            parts["ref_kl"] = ref_kl.item()
        parts.update(policy_loss=policy_loss.item(), value_loss=v_loss.item(), entropy=entropy.item())
        return loss, parts

    def _score(self, steps: list[Transition], idx: torch.Tensor):
        """Score a chunk of transitions again: ``(Scored, log pi(a_t|s_t) [B])``."""
        return score(self.policy, _chunk([steps[i] for i in idx.tolist()]))

    def _submit_reference(self, steps: list[Transition], chunks: tuple[torch.Tensor, ...]) -> None:
        """Hand the reference this pass's chunks, in the order ``_loss`` will take them."""
        if self.reference is not None:
            self.reference.submit([_chunk([steps[i] for i in idx.tolist()]) for idx in chunks])

    def _reference_kl(self, scored, logp: torch.Tensor) -> torch.Tensor:
        """KL(pi || pi_ref) on the next submitted chunk: exact over candidates (choose), k3 sample
        estimate (generate)."""
        ref_all, ref_logp = self.reference.next()
        if self.config.mode == "choose":
            return pg.categorical_kl(scored.logp, ref_all, scored.valid).mean()
        return pg.sample_kl(logp, ref_logp).mean()

    def _step(self) -> float:
        norm = torch.nn.utils.clip_grad_norm_(self.policy.parameters(), self.config.max_grad_norm)
        self.optimizer.step()
        return float(norm)

    # -- bookkeeping ------------------------------------------------------------------------

    def _metrics(self, episodes: list[EpisodeResult], losses: dict[str, float], n_steps: int,
                 rollout_time: float, total_time: float) -> dict[str, float]:
        k = len(episodes)
        quests = [e for j, e in enumerate(episodes) if j not in self._request_envs]
        m = {"update": self.update, "global_step": self.global_step,
             "charts/episodic_return": sum(e.total_reward for e in episodes) / k}
        if quests:
            m["charts/success_rate"] = sum(e.won for e in quests) / len(quests)
        m.update({"charts/episode_length": sum(len(e.steps) for e in episodes) / k,
                  "charts/difficulty": self.level,
                  "charts/steps_per_second": n_steps / max(total_time, 1e-9),
                  "charts/rollout_steps_per_second": n_steps / max(rollout_time, 1e-9)})
        if self.config.request_share:
            asked = list(self._request_envs.values())
            m["charts/request_episodes"] = len(asked)
            if asked:
                m["charts/request_success_rate"] = sum(env.fulfilled for env in asked) / len(asked)
        if self.bundled:
            played = [episodes[j] for j in self._bundled_envs]
            m["charts/bundled_episodes"] = len(played)
            if played:
                m["charts/bundled_success_rate"] = sum(e.won for e in played) / len(played)
        m.update({f"losses/{name}": value for name, value in losses.items()})
        return m

    def _curriculum(self, success: float) -> None:
        cfg = self.config
        if not cfg.max_difficulty or self.level >= cfg.max_difficulty:
            return
        self.recent_success = (self.recent_success + [success])[-cfg.promote_window:]
        window = self.recent_success
        if len(window) == cfg.promote_window and sum(window) / len(window) >= cfg.promote_at:
            self.level += 1
            self.recent_success = []

    def save(self) -> Path:
        """Checkpoint now (model, value head, optimizer, generator, counters); a checkpoint
        of this update that already exists is kept as it is.

        Raises:
            FileWriteError: the checkpoint could not be written (the earlier ones are whole).
        """
        cfg = self.config
        name = f"update-{self.update:06d}"
        if self._saved == self.update:
            return self.run / "checkpoints" / name
        counters = {"update": self.update, "global_step": self.global_step, "episodes": self.episodes,
                    "level": self.level, "recent_success": self.recent_success,
                    "start_model": self.start_model, "config": asdict(cfg)}
        meta = {"trained_on": self._trained_on(), "start_model": self.start_model}
        try:
            folder = save_checkpoint(self.run, name, self.policy, self.optimizer, self.generator, counters, meta)
        except FileWriteError as exc:
            kept = ("no earlier checkpoint" if self._saved < 0 else
                    f"checkpoint update-{self._saved:06d} is whole: make room, then add --resume")
            raise FileWriteError(f"{exc} ({kept})", exc.cause) from None
        self._saved = self.update
        return folder

    def _export(self, folder: Path) -> None:
        from agent.checkpoint import TRAIN_RECORD, export_policy
        rows, _ = read_metrics(self.run / "metrics.jsonl")
        record = {"config": asdict(self.config), "update": self.update, "global_step": self.global_step,
                  "episodes": self.episodes, "level": self.level,
                  "last_metrics": rows[-1] if rows else None, "machine": machine()}
        export_policy(self.policy, folder, {"trained_on": self._trained_on(), "start_model": self.start_model},
                      {TRAIN_RECORD: record})
        print(f"exported the trained policy to {folder}")

    def _trained_on(self) -> dict:
        cfg = self.config
        if cfg.world is not None:
            return {"world": cfg.world}
        trained = {"difficulty": [cfg.difficulty, cfg.max_difficulty or cfg.difficulty], "seeds": list(cfg.train_seeds)}
        if cfg.vocabulary != "plain":
            trained["vocabulary"] = cfg.vocabulary
        if cfg.mechanics != "level":
            trained["mechanics"] = cfg.mechanics
        if cfg.bundled_share:
            trained["bundled_share"] = cfg.bundled_share  # the bundled worlds were played too
        if cfg.companion:
            trained["companion"] = True
        if cfg.request_share:
            trained["request_share"] = cfg.request_share
        if cfg.request_share and cfg.bundled_request_share:
            trained["bundled_request_share"] = cfg.bundled_request_share
        return trained


def build_policy(config: TrainConfig, source: str, fresh: bool) -> LMPolicy:
    """The run's policy from ``source`` (its model, or the checkpoint it resumes), on the CPU:
    with fresh LoRA adapters when a LoRA run starts (a checkpoint holds its adapter)."""
    policy = load_policy(source, **config.policy_overrides())
    steady_layer_norms(policy.model)  # training on N threads gives the 1-thread floats; workers act as the learner
    if config.lora and fresh:
        lora_policy(policy, lora_settings(config), model_name(config.model))
    policy.model.eval()
    return policy


def _rollouts(config: TrainConfig, policy: LMPolicy, source: str, fresh: bool):
    """Who plays the groups with ``rollout_workers`` (None: the whole rollout in one batch here)."""
    if not config.rollout_workers:
        return None
    from agent.ray_rollout import LocalRollouts, RayRollouts
    return RayRollouts(config, source, fresh) if config.ray else LocalRollouts(policy)


def _bundled_sources(walkthroughs: list[tuple[object, list[tuple[str, str]]]], cap: int | None) -> list[WorldSource]:
    """The bundled worlds, each allowed ``cap`` moves or twice its optimum, whichever is more
    (the manor's optimum is 35)."""
    return [WorldSource(world, max(cap or world.max_steps, 2 * len(steps))) for world, steps in walkthroughs]


def _bundled_walkthroughs(authored: bool = False, reskins: int = 0,
                          seed: int = 0) -> list[tuple[object, list[tuple[str, str]]]]:
    """Each bundled world (and with ``authored`` each of ``assets/authored/``, or ``reskins``
    reskins of each) with its shortest walkthrough (its step limit in training, and the states its
    request episodes start from)."""
    from game.assets import learning_worlds
    from game.solver import solve
    return [(world, list(solve(world).steps)) for _, world in learning_worlds(authored, reskins, seed)]


def _progress(cfg: TrainConfig, start: int):
    if not cfg.progress:
        return None
    from tqdm import tqdm
    total = cfg.steps if cfg.updates is None else None  # with --updates the step total is unknown
    return tqdm(total=total, initial=start, unit="step", dynamic_ncols=True)


def _chunk(steps: list[Transition]) -> Chunk:
    return [s.prompt for s in steps], [s.candidates for s in steps], [s.words for s in steps], [s.action for s in steps]


def _append(stats: dict[str, list[float]], parts: dict[str, float]) -> None:
    for k, v in parts.items():
        stats.setdefault(k, []).append(v)


def _mean(stats: dict[str, list[float]]) -> dict[str, float]:
    return {k: sum(v) / len(v) for k, v in stats.items()}
