"""Library errors in the reader's language (issue 16).

Under ``rnnbook.setup(lang="ko")`` every error the package raises is Korean, without an
English sentence; by default (and after ``setup(lang="en")``) it is English, as the other
tests of bad input expect.
"""

import warnings

import numpy as np
import pytest
import torch

import nbcheck
from figures import korean  # noqa: F401  (fixture)
from rnnbook import (compare, conventions, data, experiments, gradcheck, gradients, hangul, lm,
                     numpy_ref, seq2seq, show_source, torch_ref)

rng = np.random.default_rng(0)
RNN_PARAMS = numpy_ref.init_params("rnn", 3, 4, rng=0)
KERAS_RESET_BEFORE = {"kernel": np.zeros((4, 15)), "recurrent_kernel": np.zeros((5, 15)), "bias": np.zeros(15)}


def _bidirectional_lstm_bad_h0():
    lstm = torch_ref.LSTM(3, 4, bidirectional=True)
    lstm(torch.zeros(5, 2, 3), (torch.zeros(1, 2, 4), torch.zeros(2, 2, 4)))


def _unbatched_bidirectional_gru_bad_h0():
    torch_ref.GRU(3, 4, bidirectional=True)(torch.zeros(5, 3), torch.zeros(1, 4))


def _batch_first_state():
    torch_ref.GRU(3, 4, batch_first=True)(torch.zeros(2, 5, 3), torch.zeros(2, 1, 4))


def _setup_bad_threads():
    import rnnbook

    rnnbook.setup(lang=rnnbook.current_lang(), threads=0)  # the language in force, as a notebook would


def _grid_bad_model():
    from rnnbook import experiments

    experiments.adding_grid({"rnn": "rnn"}, [10], [0])


def _train_bad_cell():
    from rnnbook import train

    train.make_model("transformer", 2, 4, 1)


CASES = {  # one bad call per module, each failing in a different check
    "_validate.check_shape": lambda: numpy_ref.rnn_step(np.zeros((2, 3)), np.zeros((5, 4)), RNN_PARAMS),
    "_validate.check_keys": lambda: numpy_ref.rnn_step(np.zeros((2, 3)), None, {"weight_ih": np.zeros((4, 3))}),
    "_validate.float_array": lambda: numpy_ref.rnn_step(np.zeros((2, 3), dtype=int), None, RNN_PARAMS),
    "_validate.finite": lambda: numpy_ref.rnn_step(np.full((2, 3), np.nan), None, RNN_PARAMS),
    "_validate.check_choice": lambda: numpy_ref.rnn_step(np.zeros((2, 3)), None, RNN_PARAMS, nonlinearity="gelu"),
    "numpy_ref.state": lambda: numpy_ref.forward("lstm", np.zeros((2, 1, 3)), np.zeros((1, 4)),
                                                 numpy_ref.init_params("lstm", 3, 4, rng=0)),
    "numpy_ref.init_params": lambda: numpy_ref.init_params("rnn", 3, 4, rng="seed"),
    "conventions.reset_before": lambda: conventions.keras_to_torch_gru(KERAS_RESET_BEFORE, reset_after=False),
    "conventions.bias_3H": lambda: conventions.keras_to_torch_gru(KERAS_RESET_BEFORE),
    "data.one_hot": lambda: data.one_hot(np.array([0, 7]), 4),
    "data.windows": lambda: data.windows(np.zeros(5), 10),
    "gradcheck.float64": lambda: gradcheck.numerical_gradient(lambda x: float(x.sum()), np.zeros(3, np.float32)),
    "gradients.clip": lambda: gradients.clip_grad_norm([np.ones(3)], -1.0),
    "train.make_model": _train_bad_cell,
    "torch_ref.bidirectional_h0": _bidirectional_lstm_bad_h0,
    "torch_ref.unbatched_bidirectional_h0": _unbatched_bidirectional_gru_bad_h0,
    "torch_ref.batch_first_state": _batch_first_state,
    "torch_ref.input_dims": lambda: torch_ref.RNN(3, 4)(torch.zeros(2, 5, 3, 3)),
    "torch_ref.input_size": lambda: torch_ref.RNN(3, 4)(torch.zeros(5, 2, 6)),
    "torch_ref.dtype": lambda: torch_ref.GRU(3, 4)(torch.zeros(5, 2, 3, dtype=torch.float64)),
    "torch_ref.dropout": lambda: torch_ref.LSTM(3, 4, num_layers=2, dropout=1.5),
    "torch_ref.num_layers": lambda: torch_ref.RNN(3, 4, num_layers=0),
    "torch_ref.bool_flag": lambda: torch_ref.GRU(3, 4, bidirectional=1),
    "torch_ref.nonlinearity": lambda: torch_ref.RNNCell(3, 4, nonlinearity="gelu"),
    "torch_ref.cell_hx_pair": lambda: torch_ref.LSTMCell(3, 4)(torch.zeros(2, 3), torch.zeros(2, 4)),
    "torch_ref.cell_unbatched_h": lambda: torch_ref.GRUCell(3, 4)(torch.zeros(3), torch.zeros(2, 4)),
    "torch_ref.empty_sequence": lambda: torch_ref.LSTM(3, 4)(torch.zeros(0, 2, 3)),
    "torch_ref.not_finite": lambda: torch_ref.RNN(3, 4)(torch.full((5, 2, 3), float("nan"))),
    "setup.threads": _setup_bad_threads,
    "experiments.models": _grid_bad_model,
    "experiments.unknown_setting": lambda: experiments.Protocol().changed(learning_rate=0.1),
    "experiments.length": lambda: experiments.adding_run("rnn", 1, 0),
    "compare.adding_sweep": lambda: compare.adding_sweep(cells=()),
    "hangul.decompose": lambda: hangul.decompose("a"),
    "hangul.compose": lambda: hangul.compose("ab"),
    "lm.vocab": lambda: lm.Vocab("abc").encode("abd"),
    "lm.temperature": lambda: lm.softmax_t(np.zeros(4), temperature=0),
    "seq2seq.cell": lambda: seq2seq.Seq2Seq(5, 8, cell="transformer"),
    "display.show_source": lambda: show_source(),
    "data.validation_block": lambda: data.validation_block([10, 20], fraction=2.0),
}


def _message(call) -> str:
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    return str(info.value)


@pytest.mark.parametrize("name", CASES)
def test_errors_are_korean_under_setup_ko(name, korean):  # noqa: F811
    msg = _message(CASES[name])
    assert nbcheck.HANGUL.search(msg), f"{name}: not Korean under setup(lang='ko'): {msg}"
    assert nbcheck.english_sentences(msg) == [], f"{name}: English sentence in {msg!r}"


@pytest.mark.parametrize("name", CASES)
def test_errors_are_english_by_default(name):
    msg = _message(CASES[name])
    assert not nbcheck.HANGUL.search(msg), f"{name}: Korean in the default (English) message: {msg}"


def test_the_english_form_would_fail_the_korean_check():
    """The check above can fail: the English message of the same call has English sentences."""
    msg = _message(CASES["conventions.reset_before"])
    assert nbcheck.english_sentences(msg), msg


def test_setup_en_switches_back(korean):  # noqa: F811
    import rnnbook

    assert nbcheck.HANGUL.search(_message(CASES["data.one_hot"]))
    rnnbook.setup(lang="en")
    assert not nbcheck.HANGUL.search(_message(CASES["data.one_hot"]))


def _dropout_warning() -> str:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch_ref.GRU(3, 4, num_layers=1, dropout=0.5)
    assert len(caught) == 1, [str(w.message) for w in caught]
    return str(caught[0].message)


def test_dropout_warning_is_korean_under_setup_ko(korean):  # noqa: F811
    msg = _dropout_warning()
    assert nbcheck.HANGUL.search(msg), msg
    assert nbcheck.english_sentences(msg) == [], msg


def test_dropout_warning_is_english_by_default():
    msg = _dropout_warning()
    assert not nbcheck.HANGUL.search(msg), msg
    assert "dropout acts between stacked layers only" in msg


# Functions whose errors only an author of the package or of an exercise sees (registering a
# checker, writing a prediction), never a reader running a chapter.
# check_setup names an unknown language in both languages at once (tested below).
AUTHOR_FACING = {("exercises/_core.py", "register"), ("exercises/_core.py", "_time_limit"),
                 ("exercises/_predict.py", "_check_langs"), ("exercises/_predict.py", "number"),
                 ("_validate.py", "check_setup")}


def _english_only_raises(root) -> list:
    """``raise E("literal")`` / ``raise E(f"...")`` in reader-facing code: a message that
    bypasses :func:`rnnbook._validate.say` and so stays English under setup(lang='ko')."""
    import ast

    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("grade/"):  # the instructor's command-line tool, English by design
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        outer = [f for f in tree.body if isinstance(f, (ast.FunctionDef, ast.ClassDef))]
        methods = [m for c in outer if isinstance(c, ast.ClassDef) for m in c.body
                   if isinstance(m, ast.FunctionDef)]
        for func in [f for f in outer if isinstance(f, ast.FunctionDef)] + methods:
            if (rel, func.name) in AUTHOR_FACING:  # nested functions included
                continue
            for node in ast.walk(func):
                if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args
                        and isinstance(node.exc.args[0], (ast.Constant, ast.JoinedStr, ast.BinOp))):
                    found.append(f"{rel}:{node.lineno} in {func.name}()")
    return sorted(set(found))


def test_every_reader_facing_raise_goes_through_say():
    from pathlib import Path

    import rnnbook

    offenders = _english_only_raises(Path(rnnbook.__file__).parent)
    assert offenders == [], "messages not passed through _validate.say(en, ko):\n" + "\n".join(offenders)


def test_the_raise_scan_finds_a_literal_message(tmp_path):
    """The scan above can fail: a plain English raise in a module is reported."""
    (tmp_path / "mod.py").write_text("def f(x):\n    raise ValueError(f'x must be 1, got {x}')\n")
    assert _english_only_raises(tmp_path) == ["mod.py:2 in f()"]


def test_setup_with_an_unknown_language_answers_in_both():
    import rnnbook

    msg = _message(lambda: rnnbook.setup(lang="kr"))
    assert nbcheck.HANGUL.search(msg) and "lang must be one of" in msg, msg
