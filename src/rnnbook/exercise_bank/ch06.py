"""Exercises of chapter 06 (recurrent layers in practice: layouts, directions, padding).

Each learner function takes and returns NumPy arrays:

- ``to_time_major``: ``fn(output) -> array``, a batch-first ``(B, T, F)`` array as the
  time-major ``(T, B, F)`` array holding the same samples (``output.transpose(1, 0, 2)``).
- ``last_real_output``: ``fn(output, lengths) -> array (B, F)``, from a time-major padded
  output ``(T, B, F)`` and the true lengths ``(B,)``, row b = ``output[lengths[b] - 1, b]``.
- ``top_layer_final``: ``fn(h_n, num_layers) -> array (B, 2H)``, from ``h_n`` of a
  bidirectional ``torch.nn.LSTM`` ``(2·num_layers, B, H)`` (layer by layer, forward before
  reverse), the top layer's forward and reverse final states side by side, forward first.
- ``masked_mean``: ``fn(losses, lengths) -> float``, from per-step losses ``(T, B)`` of a
  padded batch (time-major; the padded entries hold whatever the model produced there)
  and the true lengths ``(B,)``, the mean over the real steps only,
  sum(m ⊙ losses) / sum(m) with m[t, b] = (t < lengths[b]).

How a wrong answer is named: each exercise has a small model whose knobs are the known
mistakes (``reshape`` in place of a transpose, ``output[-1]`` in place of the last real
step, one step too far, time and batch axes swapped, the direction-major reading of
``h_n``, the two directions swapped, …). The checker runs every knob setting on the same
cases as the learner's function and names the one whose results equal the learner's on
all of them; a setting that raises (an index out of range) matches a learner's function
that raises on the same case.

Reference: PyTorch documentation of ``torch.nn.LSTM`` (the layout of ``output`` and
``h_n``); pytorch/pytorch#4145 (``batch_first`` does not apply to ``h_n``).

Explained in chapters/<lang>/06_in_practice.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..exercises import LearnerError, Verdict, call_learner, case_seed, register

TOL = 1e-12

# -- the cases: distinct random numbers, so that a value taken from the wrong place shows --


def _rng(k: int) -> np.random.Generator:
    # the notebook's cases are fixed; under the grader every run draws new values
    return np.random.default_rng(case_seed(6_000 + k))


# (B, T, F): B = 1 (where a reshape happens to be right), B = T, B ≠ T
TIME_MAJOR_CASES = ((3, 5, 4), (1, 4, 2), (4, 4, 3), (5, 2, 1))
# (T, lengths): the first two pad every sequence (max length < T), so that one step too
# far stays in range, and have max length <= B <= T, so that swapped axes stay in range
# too; the others include full-length sequences, B > T and B = 1.
LAST_REAL_CASES = ((6, (3, 5, 1, 4, 2)), (5, (2, 4, 3, 1)), (4, (4, 1, 3, 2, 4)), (3, (2,)),
                   (7, (7, 2, 5)))
LAST_REAL_F = 3
# (num_layers, B, H)
TOP_LAYER_CASES = ((2, 3, 4), (3, 2, 2), (1, 4, 3), (2, 1, 5), (4, 3, 2))


def _not_array(got, what: str, case: str) -> Verdict | None:
    if got is None:
        return Verdict.fail("returned_none")
    if not isinstance(got, np.ndarray):
        return Verdict.fail("ch06.wrong_type", diagnosis="wrong_type", what=what,
                            got=type(got).__name__, case=case)
    return None


def _same(a, b) -> bool:
    if isinstance(a, BaseException) or isinstance(b, BaseException):
        return isinstance(a, BaseException) and isinstance(b, BaseException)
    return (a.shape == b.shape and np.issubdtype(a.dtype, np.number)
            and np.allclose(a, b, rtol=0, atol=TOL))


def _run(model, args):
    """A model's result on one case, or the exception it raises (an index out of range)."""
    try:
        return model(*args)
    except (IndexError, ValueError) as exc:
        return exc


class _Knobs:
    """The sentences naming every wrong knob of a mistake model, in the page's language."""

    def __init__(self, codes):
        self.codes = list(codes)

    def render(self, lang: str, extra=None) -> str:
        return " ".join(MESSAGES[lang][code] for code in self.codes)


def _diagnose(exercise: str, fn, cases, make_args, knobs: dict, model, labels,
              as_result=None):
    """Run the learner on every case; pass, name the knob setting that reproduces the
    learner's results, or say where they differ.

    ``knobs`` maps each knob to its values, the right one first; ``model(*args, **setting)``
    computes one setting's answer. ``labels[k]`` names case k in messages. ``as_result``
    turns the learner's value into an array or returns a failing verdict (default: the
    value must be an ndarray).
    """
    as_result = as_result or (lambda got, label: _not_array(got, "result", label) or got)
    names = list(knobs)
    settings = [dict(zip(names, values)) for values in itertools.product(*knobs.values())]
    right = settings[0]
    answers, learner_errors = [], {}
    for k, args in enumerate(make_args()):
        saved = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        try:
            got = call_learner(fn, args, case=labels[k])
        except LearnerError as err:
            if err.verdict.diagnosis == "not_attempted" or not isinstance(
                    _exception_of(err), (IndexError, ValueError)):
                raise
            learner_errors[k] = err
            answers.append(_exception_of(err))
            continue
        if any(isinstance(a, np.ndarray) and not np.array_equal(a, s)
               for a, s in zip(args, saved)):
            return Verdict.fail("ch06.mutated", diagnosis="mutated_input", case=labels[k])
        got = as_result(got, labels[k])
        if isinstance(got, Verdict):
            return got
        answers.append(got)
    cases_args = list(make_args())
    expected = [model(*args, **right) for args in cases_args]
    if all(_same(a, e) for a, e in zip(answers, expected)):
        return Verdict.ok(len(answers))
    for setting in settings[1:]:
        results = [_run(lambda *a: model(*a, **setting), args) for args in cases_args]
        # matching raises alone says nothing: at least one case must be compared by value
        if (all(_same(a, r) for a, r in zip(answers, results))
                and any(isinstance(a, np.ndarray) for a in answers)):
            wrong = [f"{exercise}.{name}.{setting[name]}" for name in names
                     if setting[name] != right[name]]
            return Verdict.fail(f"{exercise}.mistake", diagnosis=wrong[0].split(".", 1)[1],
                                knobs=_Knobs(wrong), details={"knobs": tuple(wrong)})
    if learner_errors:
        raise next(iter(learner_errors.values()))
    k = next(k for k, (a, e) in enumerate(zip(answers, expected)) if not _same(a, e))
    got, want = answers[k], expected[k]
    if want.ndim == 0 and got.ndim == 0:
        return Verdict.fail("ch06.wrong_value", diagnosis="mismatch", case=labels[k],
                            got=f"{float(got):.6g}", expected=f"{float(want):.6g}")
    if got.shape != want.shape:
        return Verdict.fail("ch06.wrong_shape", diagnosis="wrong_shape", case=labels[k],
                            got=tuple(got.shape), expected=tuple(want.shape))
    return Verdict.fail("ch06.mismatch", diagnosis="mismatch", case=labels[k])


def _exception_of(err: LearnerError) -> BaseException:
    """The learner's exception type, rebuilt from the verdict (enough for matching)."""
    name = err.verdict.details.get("exception", "")
    return {"IndexError": IndexError(), "ValueError": ValueError()}.get(name, RuntimeError())


# -- to_time_major ------------------------------------------------------------------------


def _time_major_model(output, method="transpose"):
    B, T, F = output.shape
    if method == "transpose":
        return output.transpose(1, 0, 2)  # (T, B, F)
    if method == "reshape":
        return output.reshape(T, B, F)  # right shape, samples mixed
    if method == "full_transpose":
        return output.T  # (F, T, B)
    if method == "last_two":
        return output.transpose(0, 2, 1)  # (B, F, T)
    return output  # "unchanged"


def _time_major_args():
    return [(_rng(k).standard_normal(shape),) for k, shape in enumerate(TIME_MAJOR_CASES)]


def _check_to_time_major(fn) -> Verdict:
    labels = [f"(B, T, F) = {shape}" for shape in TIME_MAJOR_CASES]
    knobs = {"method": ("transpose", "reshape", "full_transpose", "last_two", "unchanged")}
    return _diagnose("to_time_major", fn, TIME_MAJOR_CASES, _time_major_args, knobs,
                     _time_major_model, labels)


# -- last_real_output ---------------------------------------------------------------------


def _last_real_model(output, lengths, step="last_real", axes="time_major", pair=True):
    T, B, F = output.shape
    lengths = np.asarray(lengths)
    t = {"last_real": lengths - 1, "one_past": lengths, "padded_end": np.full(B, T - 1),
         "first": np.zeros(B, dtype=int)}[step]
    b = np.arange(B)
    if axes == "batch_first":  # output read as (B, T, F): first index is the sample
        return output[b, t] if pair else output[:, t]
    return output[t, b] if pair else output[t]  # unpaired: (B, B, F)


def _last_real_args():
    args = []
    for k, (T, lengths) in enumerate(LAST_REAL_CASES):
        output = _rng(100 + k).standard_normal((T, len(lengths), LAST_REAL_F))
        lengths = np.array(lengths)
        # padding as torch.nn's pad_packed_sequence leaves it: zeros after the end
        output[np.arange(T)[:, None] >= lengths[None, :]] = 0.0
        args.append((output, lengths))
    return args


def _check_last_real_output(fn) -> Verdict:
    labels = [f"T={T}, lengths={list(lengths)}" for T, lengths in LAST_REAL_CASES]
    knobs = {"step": ("last_real", "padded_end", "one_past", "first"),
             "axes": ("time_major", "batch_first"), "pair": (True, False)}
    return _diagnose("last_real_output", fn, LAST_REAL_CASES, _last_real_args, knobs,
                     _last_real_model, labels)


# -- top_layer_final ----------------------------------------------------------------------


def _top_layer_model(h_n, num_layers, layout="layer_major", take="both",
                     order="forward_first", combine="concatenate"):
    L = int(num_layers)
    _, B, H = h_n.shape
    if layout == "layer_major":  # torch.nn: [l0 fwd, l0 rev, l1 fwd, l1 rev, ...]
        fwd, rev = h_n[2 * L - 2], h_n[2 * L - 1]
    elif layout == "direction_major":  # read as [all forward layers, all reverse layers]
        fwd, rev = h_n[L - 1], h_n[2 * L - 1]
    else:  # "bottom": the first layer's pair, h_n[0] and h_n[1]
        fwd, rev = h_n[0], h_n[1]
    if take == "last_only":
        return rev  # h_n[-1]: the reverse direction alone, (B, H)
    if take == "forward_only":
        return fwd
    pair = (fwd, rev) if order == "forward_first" else (rev, fwd)
    if combine == "concatenate":
        return np.concatenate(pair, axis=1)  # (B, 2H)
    return np.stack(pair).reshape(B, 2 * H)  # (2, B, H) read as (B, 2H): samples mixed


def _top_layer_args():
    return [(_rng(200 + k).standard_normal((2 * L, B, H)), L)
            for k, (L, B, H) in enumerate(TOP_LAYER_CASES)]


def _check_top_layer_final(fn) -> Verdict:
    labels = [f"num_layers={L}, B={B}, H={H}" for L, B, H in TOP_LAYER_CASES]
    knobs = {"layout": ("layer_major", "direction_major", "bottom"),
             "take": ("both", "last_only", "forward_only"),
             "order": ("forward_first", "backward_first"),
             "combine": ("concatenate", "reshape")}
    return _diagnose("top_layer_final", fn, TOP_LAYER_CASES, _top_layer_args, knobs,
                     _top_layer_model, labels)


# -- masked_mean --------------------------------------------------------------------------


def _masked_mean_model(losses, lengths, mask="lengths", divide="real_steps"):
    T, B = losses.shape
    t = np.arange(T)[:, None]
    n = np.asarray(lengths)[None, :]
    m = {"lengths": t < n, "none": np.ones((T, B), dtype=bool), "one_short": t < n - 1,
         "one_long": t <= n}[mask]
    kept = losses * m
    if divide == "real_steps":
        return np.asarray(kept.sum() / m.sum())
    if divide == "all_positions":
        return np.asarray(kept.sum() / (T * B))
    if divide == "per_sequence":  # mean over sequences of each sequence's own mean
        return np.asarray(np.mean(kept.sum(axis=0) / np.maximum(m.sum(axis=0), 1)))
    return np.asarray(kept.sum() / B)  # "batch": sum over time, mean over the batch


# (T, lengths): B = 1, B > T, B < T, a batch of full-length sequences
MASKED_MEAN_CASES = ((5, (3, 5, 1, 4)), (4, (4, 2)), (6, (2,)), (3, (3, 1, 2, 3, 2)),
                     (4, (4, 4, 4)))


def _masked_mean_args():
    args = []
    for k, (T, lengths) in enumerate(MASKED_MEAN_CASES):
        rng = _rng(300 + k)
        losses = rng.uniform(0.0, 1.0, size=(T, len(lengths)))
        pad = np.arange(T)[:, None] >= np.array(lengths)[None, :]
        losses[pad] = rng.uniform(5.0, 10.0, size=int(pad.sum()))  # what the model says there
        args.append((losses, np.array(lengths)))
    return args


def _as_number(got, label):
    if got is None:
        return Verdict.fail("returned_none")
    if isinstance(got, np.ndarray) and got.size == 1:
        got = got.reshape(())[()]
    if isinstance(got, bool) or not isinstance(got, (int, float, np.integer, np.floating)):
        return Verdict.fail("masked_mean.wrong_type", diagnosis="wrong_type",
                            got=type(got).__name__, case=label)
    return np.asarray(float(got))


def _check_masked_mean(fn) -> Verdict:
    labels = [f"T={T}, lengths={list(lengths)}" for T, lengths in MASKED_MEAN_CASES]
    knobs = {"mask": ("lengths", "none", "one_short", "one_long"),
             "divide": ("real_steps", "all_positions", "per_sequence", "batch")}
    return _diagnose("masked_mean", fn, MASKED_MEAN_CASES, _masked_mean_args, knobs,
                     _masked_mean_model, labels, as_result=_as_number)


MESSAGES = {
    "en": {
        "ch06.wrong_type": ("Return a NumPy array; for {case} your function returned "
                            "{got}."),
        "ch06.mutated": ("Your function changes its input in place ({case}); return a new "
                         "array (or a view) and leave the argument as it was."),
        "ch06.wrong_shape": "For {case} the result has shape {got}; expected {expected}.",
        "ch06.wrong_value": ("For {case} you return {got}; expected {expected}. No known "
                             "mistake reproduces your results."),
        "ch06.mismatch": ("For {case} the result has the right shape but wrong values, and "
                          "no known mistake reproduces it. Compare your result with the "
                          "input entry by entry for one sample."),
        "to_time_major.mistake": "{knobs}",
        "to_time_major.method.reshape": (
            "You reshape (B, T, F) to (T, B, F). The shape is right but the samples are "
            "mixed: reshape keeps the order of the numbers in memory, so row t of the "
            "result takes the next F·B numbers, which belong to other samples. Swap the "
            "axes instead: `output.transpose(1, 0, 2)` (`permute(1, 0, 2)` in torch)."),
        "to_time_major.method.full_transpose": (
            "You return `output.T`, which reverses all three axes: (F, T, B). Swap only "
            "the first two: `output.transpose(1, 0, 2)`."),
        "to_time_major.method.last_two": (
            "You swap the last two axes, (B, F, T). Time-major means (T, B, F): swap the "
            "first two, `output.transpose(1, 0, 2)`."),
        "to_time_major.method.unchanged": (
            "You return the batch-first array unchanged; time-major puts time first: "
            "(T, B, F)."),
        "last_real_output.mistake": "{knobs}",
        "last_real_output.step.padded_end": (
            "You take the output at the last padded step, output[-1]. For a sequence "
            "shorter than T that is a padded position, not its last real step; the last "
            "real step of sample b is lengths[b] − 1."),
        "last_real_output.step.one_past": (
            "You index time with lengths[b], one step too far: a sequence of length n "
            "ends at index n − 1 (for a sequence of full length, index n is out of range)."),
        "last_real_output.step.first": (
            "You take the first time step; the last real step of sample b is "
            "lengths[b] − 1."),
        "last_real_output.axes.batch_first": (
            "You index the output as if it were batch-first (B, T, F): output[b, t]. It "
            "is time-major (T, B, F): output[t, b]."),
        "last_real_output.pair.False": (
            "You index time with the array of lengths but leave the batch axis whole, so "
            "every length is applied to every sample: the result is (B, B, F). Index both "
            "axes with arrays of the same length, output[lengths − 1, np.arange(B)]."),
        "top_layer_final.mistake": "{knobs}",
        "top_layer_final.layout.direction_major": (
            "You read h_n as [all forward layers, then all reverse layers]. torch.nn stores "
            "it layer by layer: [layer 0 forward, layer 0 reverse, layer 1 forward, …], so "
            "the top layer is h_n[2·num_layers − 2] and h_n[2·num_layers − 1] "
            "(`h_n.view(num_layers, 2, B, H)[-1]`)."),
        "top_layer_final.layout.bottom": (
            "You take the first layer's states, h_n[0] and h_n[1]; the top layer is the "
            "last pair, h_n[-2] and h_n[-1]."),
        "top_layer_final.take.last_only": (
            "You return h_n[-1] only: the top layer's reverse direction, (B, H). The "
            "forward direction is h_n[-2]; return both, forward first, (B, 2H)."),
        "top_layer_final.take.forward_only": (
            "You return only the forward direction of the top layer, (B, H); add the "
            "reverse one, (B, 2H)."),
        "top_layer_final.order.backward_first": (
            "The two directions are swapped: you put the reverse direction first. "
            "torch.nn's output concatenates [forward, reverse]; keep that order."),
        "top_layer_final.combine.reshape": (
            "You stack the two directions into (2, B, H) and reshape that to (B, 2H), "
            "which mixes samples: row 0 of the result holds forward states of samples 0 "
            "and 1. Concatenate along the feature axis instead, "
            "`np.concatenate([forward, reverse], axis=1)`."),
        "masked_mean.wrong_type": ("Return one number (a float); for {case} your function "
                                   "returned {got}."),
        "masked_mean.mistake": "{knobs}",
        "masked_mean.mask.none": (
            "You average over every position, padding included: the values at the padded "
            "steps enter the loss. Keep only the steps with t < lengths[b]."),
        "masked_mean.mask.one_short": (
            "Your mask drops the last real step of every sequence (t < lengths[b] − 1); a "
            "sequence of length n has real steps 0, …, n − 1."),
        "masked_mean.mask.one_long": (
            "Your mask keeps one padded step per sequence (t <= lengths[b]); a sequence of "
            "length n has real steps 0, …, n − 1."),
        "masked_mean.divide.all_positions": (
            "You divide by T·B, the number of all positions, so the padding still lowers "
            "the loss. Divide by the number of real steps, sum(mask)."),
        "masked_mean.divide.per_sequence": (
            "You average each sequence's own mean, which weighs a short sequence's steps "
            "more than a long one's. Equation (6.3) weighs every real step equally: "
            "sum(mask · losses) / sum(mask)."),
        "masked_mean.divide.batch": (
            "You divide by the batch size B only: that is the summed loss per sequence, not "
            "the mean per step. Divide by the number of real steps, sum(mask)."),
    },
    "ko": {
        "ch06.wrong_type": "NumPy 배열을 반환해야 합니다. {case}에서 반환된 것은 {got}입니다.",
        "ch06.mutated": ("함수가 입력 배열을 제자리에서 바꿉니다({case}). 새 배열(또는 뷰)을 "
                         "반환하고 인자는 그대로 두세요."),
        "ch06.wrong_shape": "{case}에서 결과의 모양은 {got}이고, 기대한 모양은 {expected}입니다.",
        "ch06.wrong_value": ("{case}에서 반환한 값은 {got}이고, 기대한 값은 {expected}입니다. "
                             "알려진 실수 가운데 이 결과를 재현하는 것이 없습니다."),
        "ch06.mismatch": ("{case}에서 결과의 모양은 맞지만 값이 틀렸고, 알려진 실수 가운데 이 "
                          "결과를 재현하는 것이 없습니다. 샘플 하나를 골라 결과와 입력을 원소별로 "
                          "비교해 보세요."),
        "to_time_major.mistake": "{knobs}",
        "to_time_major.method.reshape": (
            "(B, T, F)를 reshape로 (T, B, F)로 바꿨습니다. 모양은 맞지만 샘플이 섞입니다. "
            "reshape는 메모리에 놓인 숫자의 순서를 그대로 두기 때문에, 결과의 t번째 행은 "
            "다음 F·B개의 숫자, 곧 다른 샘플의 값을 가져옵니다. 축을 맞바꿔야 합니다: "
            "`output.transpose(1, 0, 2)`(torch에서는 `permute(1, 0, 2)`)."),
        "to_time_major.method.full_transpose": (
            "`output.T`를 반환했습니다. 세 축이 모두 뒤집혀 (F, T, B)가 됩니다. 앞의 두 축만 "
            "바꿔야 합니다: `output.transpose(1, 0, 2)`."),
        "to_time_major.method.last_two": (
            "마지막 두 축을 바꿔 (B, F, T)가 되었습니다. 시간 축 우선은 (T, B, F)이므로 앞의 "
            "두 축을 바꿔야 합니다: `output.transpose(1, 0, 2)`."),
        "to_time_major.method.unchanged": (
            "배치 우선 배열을 그대로 반환했습니다. 시간 축 우선은 시간이 맨 앞에 오는 "
            "(T, B, F)입니다."),
        "last_real_output.mistake": "{knobs}",
        "last_real_output.step.padded_end": (
            "마지막 패딩 위치의 출력 output[-1]을 가져왔습니다. T보다 짧은 시퀀스에서는 이 "
            "자리가 실제 마지막 시간 단계가 아니라 패딩입니다. 샘플 b의 실제 마지막 단계는 "
            "lengths[b] − 1입니다."),
        "last_real_output.step.one_past": (
            "시간 축을 lengths[b]로 인덱싱했습니다. 한 단계 지나칩니다. 길이가 n인 시퀀스는 "
            "인덱스 n − 1에서 끝납니다(길이가 T인 시퀀스라면 인덱스 n은 범위를 벗어납니다)."),
        "last_real_output.step.first": (
            "첫 시간 단계를 가져왔습니다. 샘플 b의 실제 마지막 단계는 lengths[b] − 1입니다."),
        "last_real_output.axes.batch_first": (
            "출력을 배치 우선 (B, T, F)인 것처럼 output[b, t]로 인덱싱했습니다. 이 출력은 "
            "시간 축 우선 (T, B, F)이므로 output[t, b]입니다."),
        "last_real_output.pair.False": (
            "시간 축은 길이 배열로 인덱싱했지만 배치 축은 통째로 두어, 모든 길이가 모든 샘플에 "
            "적용되었습니다. 결과가 (B, B, F)가 됩니다. 두 축을 같은 길이의 배열로 함께 "
            "인덱싱해야 합니다: output[lengths − 1, np.arange(B)]."),
        "top_layer_final.mistake": "{knobs}",
        "top_layer_final.layout.direction_major": (
            "h_n을 [정방향 층 전부, 그다음 역방향 층 전부]로 읽었습니다. torch.nn은 층 순서로 "
            "저장합니다: [0층 정방향, 0층 역방향, 1층 정방향, …]. 맨 위층은 "
            "h_n[2·num_layers − 2]와 h_n[2·num_layers − 1]입니다"
            "(`h_n.view(num_layers, 2, B, H)[-1]`)."),
        "top_layer_final.layout.bottom": (
            "첫 층의 상태 h_n[0], h_n[1]을 가져왔습니다. 맨 위층은 마지막 한 쌍, h_n[-2]와 "
            "h_n[-1]입니다."),
        "top_layer_final.take.last_only": (
            "h_n[-1]만 반환했습니다. 이것은 맨 위층의 역방향 하나, (B, H)입니다. 정방향은 "
            "h_n[-2]이니 둘 다 정방향을 앞에 두어 (B, 2H)로 반환해야 합니다."),
        "top_layer_final.take.forward_only": (
            "맨 위층의 정방향만 (B, H)로 반환했습니다. 역방향을 더해 (B, 2H)로 반환해야 합니다."),
        "top_layer_final.order.backward_first": (
            "두 방향의 순서가 바뀌었습니다. 역방향을 앞에 두었습니다. torch.nn의 출력은 "
            "[정방향, 역방향] 순서로 이어 붙이므로 그 순서를 지켜야 합니다."),
        "top_layer_final.combine.reshape": (
            "두 방향을 (2, B, H)로 쌓은 뒤 reshape로 (B, 2H)를 만들었습니다. 이렇게 하면 "
            "샘플이 섞입니다. 결과의 0번 행에 샘플 0과 1의 정방향 상태가 들어갑니다. 특성 축을 "
            "따라 이어 붙여야 합니다: `np.concatenate([forward, reverse], axis=1)`."),
        "masked_mean.wrong_type": ("숫자(float) 하나를 반환해야 합니다. {case}에서 반환된 것은 "
                                   "{got}입니다."),
        "masked_mean.mistake": "{knobs}",
        "masked_mean.mask.none": (
            "패딩을 포함한 모든 위치의 평균을 냈습니다. 패딩 단계의 값이 손실에 들어갑니다. "
            "t < lengths[b]인 단계만 남겨야 합니다."),
        "masked_mean.mask.one_short": (
            "마스크가 시퀀스마다 실제 마지막 단계를 빼 버립니다(t < lengths[b] − 1). 길이가 n인 "
            "시퀀스의 실제 단계는 0, …, n − 1입니다."),
        "masked_mean.mask.one_long": (
            "마스크가 시퀀스마다 패딩 단계 하나를 남깁니다(t <= lengths[b]). 길이가 n인 "
            "시퀀스의 실제 단계는 0, …, n − 1입니다."),
        "masked_mean.divide.all_positions": (
            "전체 위치의 수 T·B로 나눴습니다. 그러면 패딩이 여전히 손실을 낮춥니다. 실제 단계의 "
            "수 sum(mask)로 나눠야 합니다."),
        "masked_mean.divide.per_sequence": (
            "시퀀스마다 평균을 낸 뒤 그 평균들의 평균을 냈습니다. 이렇게 하면 짧은 시퀀스의 "
            "단계가 긴 시퀀스의 단계보다 무겁게 들어갑니다. 식 (6.3)은 실제 단계 하나하나를 "
            "똑같이 셉니다: sum(mask · losses) / sum(mask)."),
        "masked_mean.divide.batch": (
            "배치 크기 B로만 나눴습니다. 이것은 단계당 평균이 아니라 시퀀스당 손실의 합입니다. "
            "실제 단계의 수 sum(mask)로 나눠야 합니다."),
    },
}

register("to_time_major", _check_to_time_major, messages=MESSAGES)
register("last_real_output", _check_last_real_output, messages=MESSAGES)
register("top_layer_final", _check_top_layer_final, messages=MESSAGES)
register("masked_mean", _check_masked_mean, messages=MESSAGES)
