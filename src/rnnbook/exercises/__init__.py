"""Self-checking exercises: ``check(exercise_id, fn)`` tests a learner's function.

``check`` runs the function on fixed, seeded test cases, compares it with
:mod:`rnnbook.numpy_ref` and names the mistake it sees.

How a mistake is named: each step exercise has a small *model* of its cell whose knobs
are the known mistakes (gate order, an activation per gate, a missing bias, the GRU's
``1 − z`` on the wrong side, the reset gate before the matmul, …). When the learner's
outputs differ from the reference, the checker looks for the one or two knob settings
whose outputs equal the learner's on every test case and describes them. When none
fits, it *probes*: it solves the cell's last equation for one gate's value and checks
whether that value stays put when only the other gates' weights change — if it does,
that gate alone is wrong.

The checker never raises and never prints: the learner's output is captured, exceptions
become messages, and a failure inside the checker itself becomes an ``"error"`` result.
Results display as one deterministic block (``text/plain`` and ``text/html``), so
notebooks can store them and nbval can compare them.

Built-in ids and the learner's function each expects (chapters register more):

- ``rnn_step``, ``lstm_step``, ``gru_step``: the signatures of :mod:`rnnbook.numpy_ref`'s
  step functions, e.g. ``lstm_step(x, (h, c), params) -> (h_next, c_next)``.
- ``rnn_param_count``, ``lstm_param_count``, ``gru_param_count``:
  ``fn(input_size, hidden_size) -> int``, the parameter count of the torch.nn module.
- ``clip_grad_norm``: ``fn(grads, max_norm) -> list`` of arrays scaled by
  ``min(1, max_norm / ‖g‖)`` with ‖g‖ the norm of all gradients together; inputs unchanged.
- ``rnn_shapes``: ``fn(T, B, I, H) -> dict`` of shape tuples of a one-layer, time-major
  torch.nn.RNN: ``weight_ih, weight_hh, bias_ih, bias_hh, output, h_n``.
- ``textbook_gru_to_torch``: ``fn(params) -> params`` for PyTorch's GRU, from a GRU that
  weighs the past by ``1 − z`` (see :func:`rnnbook.conventions.textbook_gru_to_torch`).
- ``lstm_cell_backward``: ``fn(dh_next, dc_next, x, (h, c), params) -> dict`` with keys
  ``x, h, c, weight_ih, weight_hh, bias_ih, bias_hh``: the gradients of
  ``sum(dh_next ⊙ h_next) + sum(dc_next ⊙ c_next)`` for one LSTM step, checked against
  central differences.

Grading: ``python -m rnnbook.grade`` runs these same checkers in its own process, with
a proxy that forwards each call of the learner's function to a sandboxed child process,
and with test values drawn afresh (:func:`grading_cases`; checkers draw every random test
value from ``default_rng(case_seed(n))``). The checker never imports the grader.

Modules: ``_core`` (results, verdicts, the registry, :func:`check`), ``_text`` and
``_messages`` (sentences in every language), ``_cases`` (shared test cases and answer
checks), ``_mistakes`` (cell models with the known mistakes, gate probing), ``_steps``
(the step checkers), ``_layout`` (parameter counts, shapes, textbook GRU → PyTorch),
``_backward`` (the one checker of every backward-pass exercise: answer checks, central
differences, mistake-model search) and ``_gradients`` (gradient clipping, the LSTM step's
backward pass).

References: PyTorch's torch.nn.RNN / LSTM / GRU documentation (equations and layout);
Cho et al. (2014) and Chung et al. (2014) for the GRU and its reset-gate variants;
Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
networks", for clipping by the global gradient norm.

Explained in chapters/<lang>/00_how_to_use.
"""

from __future__ import annotations

from . import _gradients, _layout, _steps  # noqa: F401  importing them registers the built-in ids
from ._cases import _outputs, _reference, _step_cases  # noqa: F401  used by the tests
from ._core import (LearnerError, Result, Verdict, call_learner, case_seed, check,
                    grading_cases, grading_seed, known_ids, prepare_grading, register)
from ._mistakes import _MODELS, _variants  # noqa: F401  used by the tests

__all__ = ["check", "register", "known_ids", "call_learner", "Result", "Verdict",
           "LearnerError", "case_seed", "grading_cases", "grading_seed", "prepare_grading"]
