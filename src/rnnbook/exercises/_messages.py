"""Message catalogues of :mod:`rnnbook.exercises`, one dict per language.

A message is a template filled with ``str.format``; arguments that depend on the language
(gate names, activations, nested sentences) are rendered by :mod:`rnnbook.exercises._text`
before formatting. Korean sentences are written so that no particle follows a value that
changes (``{got}``, ``{what}``): the copula (``…입니다``, ``…인데``) or a fixed noun
(``모양``, ``타입``) stands between them, so 은/는 and 이/가 never have to be chosen at run time.
Terms follow the book's glossary (은닉 상태, 셀 상태, 게이트, 편향, 가중치, 배치, 기울기).
"""

MESSAGES = {
    "en": {
        # results that every exercise can give
        "passed": "Correct: all {n} test cases pass.",
        "passed.step": ("Correct: all {n} test cases pass (batch sizes 1 and more than 1, "
                        "I ≠ H, random non-zero weights and biases, float64)."),
        "not_attempted": ("Not attempted yet: the function still raises NotImplementedError. "
                          "Write your code in place of `raise NotImplementedError` and run "
                          "this cell again."),
        "unknown_id": "Unknown exercise id {id}. Known ids: {known}.",
        "not_callable": ("check needs your function as its second argument, but received "
                         "an object of type {type}."),
        "exception": "Your function raised {etype} on test case {case}: {emsg}{where}.",
        "exception.where": " (in {func}, line {line}: `{code}`)",
        "time_limit": ("Your function did not return within {seconds} s on test case {case}, "
                       "so it was stopped. Is there a loop that never ends?"),
        "checker_error": ("The checker itself failed ({etype}: {emsg}). This is a bug in "
                          "rnnbook, not in your code; please report it."),
        "returned_none": "Your function returned None. Did you forget the `return` statement?",
        "wrong_type": "{what} should be {expected}, but your function returned {got}.",
        "wrong_shape": "{what} has shape {got}; expected {expected}.",
        "dropped_batch": ("{what} has shape {got}: the batch axis is missing. Keep it: "
                          "expected (B, H) = {expected}."),
        "transposed": "{what} is transposed: shape {got} instead of (B, H) = {expected}.",
        "wrong_dtype": ("{what} has dtype {got}; the inputs are float64, so the result "
                        "should be float64 too."),
        "nonfinite": "{what} contains NaN or inf (test case {case}).",
        "mutated_input": ("Your function changes its inputs in place ({names}). The caller "
                          "still needs them: compute new arrays (`new = old * 2`, "
                          "`new = old.copy()`) instead of writing into the arguments "
                          "(`old *= 2`, `old += ...`, `old[:] = ...`)."),
        "batch1_only": ("Works for batch size 1 but not for B > 1 (test case {case}: "
                        "{problem}) Write every product for the whole batch, e.g. "
                        "`x @ params['weight_ih'].T` of shape (B, G·H), without indexing "
                        "a single example or reshaping to one row."),
        "mismatch": "{what} is wrong: max error {err} (test case {case}).",
        "mismatch.other_ok": "{what} is right.",
        "case_note": "(Test case {case}.)",
        "float32": ("{what} differs from the reference by at most {err} (test case {case}): "
                    "that is float32 rounding. Compute in float64, the dtype of the inputs "
                    "(no `.astype(np.float32)` or float32 tensors on the way)."),
        "returns_state": ("{what} equals the previous state you were given: the function "
                          "returns its input instead of computing the new state."),
        "gru.returns_n": ("h_next equals the candidate n: the last step is missing, "
                          "h_next = (1 − z) ⊙ n + z ⊙ h mixes n with the previous state h."),
        "exception.no_text": "(its message cannot be shown: its __str__ raised an error)",
        # step functions: structure of the result
        "lstm.swapped_hc": "You return (c_next, h_next); the order is (h_next, c_next).",
        "lstm.only_h": "You return only h_next; return the pair (h_next, c_next).",
        "lstm.structure": "Return a tuple (h_next, c_next); your function returned {got}.",
        "lstm.list": "Return a tuple (h_next, c_next), not a list.",
        # step functions: known mistakes
        "gate_order": ("Gates in the wrong order: {swaps}. PyTorch stacks the weight rows "
                       "in the order {order}."),
        "gate_order.swap": "{a} and {b} are swapped",
        "gate_order.move": "the rows of {src} are used for {dst}",
        "activation": "Wrong activation: {gate} uses {got} instead of {expected}.",
        "activation.none": "Missing activation: {gate} needs {expected}, but your code applies none.",
        "activation.none_many": ("Missing activations: {gate} need {expected}, but your code "
                                 "applies none."),
        "rnn.ignores_nonlinearity": ("With nonlinearity=\"relu\" your function applies tanh: "
                                     "check how it uses the `nonlinearity` argument."),
        "no_bias_ih": "The bias bias_ih is never added.",
        "no_bias_hh": "The bias bias_hh is never added.",
        "no_bias": "Neither bias is added (bias_ih and bias_hh).",
        "rnn.hh_not_transposed": ("The hidden state is multiplied by weight_hh instead of its "
                                  "transpose: use `h @ params['weight_hh'].T`."),
        "rnn.no_hh": ("The previous hidden state h is not used: the term "
                      "`h @ params['weight_hh'].T` is missing."),
        "lstm.no_tanh_c": ("The tanh on the cell state is missing: h_next = o ⊙ tanh(c_next), "
                           "not o ⊙ c_next."),
        "lstm.h_from_old_c": ("h_next uses the old cell state c; it must use the new one: "
                              "h_next = o ⊙ tanh(c_next)."),
        "gru.z_flipped": ("The update gate convention is flipped: you compute "
                          "z ⊙ n + (1 − z) ⊙ h, but PyTorch (and this book) uses "
                          "h_next = (1 − z) ⊙ n + z ⊙ h."),
        "gru.reset_before": ("The reset gate is applied before the matmul, "
                             "weight_hn (r ⊙ h) + bias_hn; PyTorch applies it after: "
                             "r ⊙ (weight_hn h + bias_hn)."),
        "gru.reset_bias_outside": ("The reset gate multiplies weight_hn h but not bias_hn: "
                                   "it must be r ⊙ (weight_hn h + bias_hn)."),
        "gru.no_reset": ("The reset gate r is never used: the candidate is "
                         "n = tanh(weight_in x + bias_in + r ⊙ (weight_hn h + bias_hn))."),
        # step functions: what probing the learner's function shows
        "probe.gate": ("The values point at {gate}: it is computed wrongly, while the other "
                       "gates look right."),
        "probe.h_only": "c_next is right, so the mistake is in h_next = o ⊙ tanh(c_next).",
        "probe.candidate": ("The update gate z looks right; the mistake is in the candidate n "
                            "(its activation, or how the reset gate enters it)."),
        # parameter counts
        "count.wrong_type": "Return an int; your function returned {got}.",
        "count.mismatch": ("Wrong count for input_size={I}, hidden_size={H}: you return {got}, "
                           "{cellname} has {expected}."),
        "count.one_bias": ("You count one bias vector; PyTorch keeps two, bias_ih and bias_hh, "
                           "each with {gh} entries."),
        "count.no_bias": "You leave out the biases bias_ih and bias_hh (2 · {gh} numbers).",
        "count.no_gate_factor": ("You count one block only; {cellname} stacks {G} gate blocks, "
                                 "so every weight and bias has {G}·H rows."),
        "count.wrong_gates": "You count {got_g} gate blocks; {cellname} has {G}.",
        "count.no_hh": "You leave out the recurrent weights weight_hh ({gh} × H).",
        # gradient clipping
        "clip.returned_none": ("Your function returned None. Return the list of clipped "
                               "gradients (and leave the input arrays unchanged)."),
        "clip.wrong_type": "Return a list of arrays; your function returned {got}.",
        "clip.wrong_length": "You return {got} arrays for {expected} gradients.",
        "clip.wrong_shape": "Gradient {k} has shape {got}; expected {expected}.",
        "clip.mismatch": "Gradient {k} is wrong: max error {err} (test case {case}).",
        "clip.per_tensor": ("Each gradient is clipped by its own norm. Clipping uses one "
                            "global norm over all gradients together, "
                            "‖g‖ = sqrt(Σ_k ‖g_k‖²), so the direction of the whole update "
                            "is kept."),
        "clip.always_scale": ("Gradients whose total norm is already below max_norm are "
                              "scaled up; leave them unchanged (scale only when "
                              "‖g‖ > max_norm)."),
        "clip.by_value": ("You clip each entry to [−max_norm, max_norm] (clipping by value); "
                          "this exercise asks for clipping by norm: g ← g · max_norm / ‖g‖ "
                          "when ‖g‖ > max_norm."),
        "clip.sum_of_norms": ("The total norm is the sum of the norms ‖g_k‖; it must be "
                              "sqrt(Σ_k ‖g_k‖²)."),
        "clip.squared_norm": "The total norm is missing the square root: ‖g‖ = sqrt(Σ_k ‖g_k‖²).",
        "clip.inverted": ("The scale factor is inverted: multiply by max_norm / ‖g‖, not "
                          "‖g‖ / max_norm."),
        # shapes of torch.nn.RNN
        "shapes.wrong_type": "Return a dict; your function returned {got}.",
        "shapes.missing_keys": "Keys missing from the dict: {keys}.",
        "shapes.bad_value": "The value for {key} is not a shape tuple: {got}.",
        "shapes.case": "For T={T}, B={B}, I={I}, H={H}:",
        "shapes.wrong": "{key} is {got}, but torch.nn.RNN has {expected}.",
        "shapes.hint.weight_transposed": "PyTorch stores a weight as (out, in).",
        "shapes.hint.batch_first": ("The input is time-major (T, B, I), so the output is "
                                    "(T, B, H); (B, T, H) is what batch_first=True gives."),
        "shapes.hint.h_n_layers": ("h_n has a leading axis for the layers "
                                   "(num_layers · num_directions = 1): (1, B, H)."),
        "shapes.hint.bias_2d": "A bias is a vector of shape (H,).",
        # textbook GRU → PyTorch GRU
        "tb.wrong_type": ("Return a dict of arrays with the keys weight_ih, weight_hh, "
                          "bias_ih, bias_hh; your function returned {got}."),
        "tb.missing_keys": "Keys missing from the dict: {keys}.",
        "tb.wrong_shape": "{key} has shape {got}; expected {expected}.",
        "tb.not_negated": ("The z rows of {keys} are copied unchanged; negate them. Since "
                           "σ(−a) = 1 − σ(a), negating every z row (weights and biases) turns "
                           "z into 1 − z."),
        "tb.negated_wrongly": "The {gates} rows of {keys} are negated; only the z rows change sign.",
        "tb.one_minus": ("The z rows of {keys} are 1 − W; the conversion negates them instead "
                         "(σ(−a) = 1 − σ(a))."),
        "tb.wrong_block": "The {gates} rows of {keys} are wrong.",
        # LSTM step, backward
        "bwd.wrong_type": ("Return a dict of gradients with the keys {keys}; your function "
                           "returned {got}."),
        "bwd.missing_keys": "Gradients missing from the dict: {keys}.",
        "bwd.wrong": ("Wrong gradients: {keys} (max error {err} against central differences, "
                      "test case {case})."),
        "bwd.dh_into_dc": ("The gradient reaching c_next must also include the path through "
                           "h_next = o ⊙ tanh(c_next): add dh_next ⊙ o ⊙ (1 − tanh²(c_next)) "
                           "to dc_next."),
        "bwd.gate_rows": ("In the parameter gradients the rows of {gates} are wrong; the other "
                          "gates' rows are right."),
    },
    "ko": {
        "passed": "정답입니다. 테스트 {n}개를 모두 통과했습니다.",
        "passed.step": ("정답입니다. 테스트 {n}개를 모두 통과했습니다(배치 크기 1과 1보다 큰 경우, "
                        "I ≠ H, 0이 아닌 무작위 가중치와 편향, float64)."),
        "not_attempted": ("아직 풀지 않았습니다. 함수가 여전히 NotImplementedError를 일으킵니다. "
                          "`raise NotImplementedError` 자리에 코드를 쓰고 이 셀을 다시 실행하세요."),
        "unknown_id": "알 수 없는 연습문제 id입니다: {id}. 등록된 id: {known}.",
        "not_callable": "check의 두 번째 인자로 함수를 넘겨야 하는데, 받은 것은 {type} 타입의 객체입니다.",
        "exception": "테스트 {case}에서 함수가 예외를 일으켰습니다: {etype}: {emsg}{where}.",
        "exception.where": " ({func} 함수, {line}번째 줄: `{code}`)",
        "time_limit": ("테스트 {case}에서 함수가 {seconds}초 안에 끝나지 않아 중단했습니다. "
                       "끝나지 않는 반복문이 있는지 확인하세요."),
        "checker_error": ("채점기 자체에서 오류가 났습니다({etype}: {emsg}). 여러분의 코드가 아니라 "
                          "rnnbook의 버그이니 알려 주세요."),
        "returned_none": "함수가 None을 반환했습니다. `return` 문을 빠뜨리지 않았는지 확인하세요.",
        "wrong_type": "{what}의 타입이 틀렸습니다. 기대한 것은 {expected}인데, 반환된 것은 {got}입니다.",
        "wrong_shape": "{what}의 모양이 {got}입니다. {expected} 모양이어야 합니다.",
        "dropped_batch": ("{what}의 모양이 {got}입니다. 배치 축이 빠졌습니다: "
                          "(B, H) = {expected} 모양이어야 합니다."),
        "transposed": ("{what}의 행과 열이 뒤바뀌었습니다(전치): (B, H) = {expected} 모양이 아니라 "
                       "{got} 모양입니다."),
        "wrong_dtype": ("{what}의 dtype이 {got}입니다. 입력이 float64이므로 결과도 float64여야 "
                        "합니다."),
        "nonfinite": "{what}에 NaN 또는 inf 값이 있습니다(테스트 {case}).",
        "mutated_input": ("함수가 입력을 제자리에서(in place) 바꿉니다({names}). 호출한 쪽은 그 값을 "
                          "계속 써야 하므로, 인자에 직접 쓰지 말고(`old *= 2`, `old += ...`, "
                          "`old[:] = ...`) 새 배열을 만드세요(`new = old * 2`, "
                          "`new = old.copy()`)."),
        "batch1_only": ("배치 크기가 1일 때만 맞고 B > 1이면 틀립니다(테스트 {case}: {problem}) "
                        "샘플 하나를 인덱싱하거나 한 행으로 reshape하지 말고, 배치 전체에 대해 "
                        "행렬 곱을 쓰세요(예: 모양이 (B, G·H)인 `x @ params['weight_ih'].T`)."),
        "mismatch": "{what} 값이 틀렸습니다: 최대 오차 {err}(테스트 {case}).",
        "mismatch.other_ok": "{what} 값은 맞습니다.",
        "case_note": "(테스트 {case})",
        "float32": ("{what} 값이 기준값과 최대 {err}만큼 다릅니다(테스트 {case}). float32의 반올림 "
                    "오차입니다. 입력의 dtype인 float64로 계산하세요(중간에 "
                    "`.astype(np.float32)`나 float32 텐서를 쓰지 마세요)."),
        "returns_state": ("{what} 값이 입력으로 받은 이전 상태와 같습니다. 새 상태를 계산하지 않고 "
                          "입력을 그대로 반환했습니다."),
        "gru.returns_n": ("h_next가 후보(n)와 같습니다. 마지막 단계가 빠졌습니다: "
                          "h_next = (1 − z) ⊙ n + z ⊙ h로 n과 이전 상태 h를 섞어야 합니다."),
        "exception.no_text": "(메시지를 보일 수 없습니다. 예외의 __str__에서 오류가 났습니다)",
        "lstm.swapped_hc": "(c_next, h_next) 순서로 반환했습니다. (h_next, c_next) 순서여야 합니다.",
        "lstm.only_h": "h_next만 반환했습니다. (h_next, c_next) 쌍을 반환하세요.",
        "lstm.structure": "(h_next, c_next) 튜플을 반환해야 하는데, 반환된 것은 {got}입니다.",
        "lstm.list": "리스트가 아니라 (h_next, c_next) 튜플을 반환하세요.",
        "gate_order": ("게이트 순서가 틀렸습니다: {swaps}. PyTorch는 가중치 행을 {order} 순서로 "
                       "쌓습니다."),
        "gate_order.swap": "{a}와 {b}가 뒤바뀌었습니다",
        "gate_order.move": "{dst} 자리에 {src}의 행을 썼습니다",
        "activation": "활성화 함수가 틀렸습니다: {gate}에 {expected} 대신 {got_obj} 썼습니다.",
        "activation.none": "활성화 함수가 빠졌습니다: {gate}에 {expected_obj} 적용해야 합니다.",
        "activation.none_many": "활성화 함수가 빠졌습니다: {gate}에 {expected_obj} 적용해야 합니다.",
        "rnn.ignores_nonlinearity": ("nonlinearity=\"relu\"일 때 tanh를 적용합니다. "
                                     "`nonlinearity` 인자를 어떻게 쓰는지 확인하세요."),
        "no_bias_ih": "편향 bias_ih를 더하지 않았습니다.",
        "no_bias_hh": "편향 bias_hh를 더하지 않았습니다.",
        "no_bias": "편향 bias_ih와 bias_hh를 모두 더하지 않았습니다.",
        "rnn.hh_not_transposed": ("은닉 상태에 weight_hh의 전치가 아니라 weight_hh를 그대로 "
                                  "곱했습니다: `h @ params['weight_hh'].T`를 쓰세요."),
        "rnn.no_hh": ("이전 은닉 상태 h를 쓰지 않았습니다: `h @ params['weight_hh'].T` 항이 "
                      "빠졌습니다."),
        "lstm.no_tanh_c": ("셀 상태에 적용할 tanh가 빠졌습니다: h_next = o ⊙ c_next가 아니라 "
                           "o ⊙ tanh(c_next)입니다."),
        "lstm.h_from_old_c": ("h_next를 계산할 때 이전 셀 상태 c를 썼습니다. 새 셀 상태를 써야 "
                              "합니다: h_next = o ⊙ tanh(c_next)."),
        "gru.z_flipped": ("갱신 게이트(z)의 관례가 뒤집혔습니다: z ⊙ n + (1 − z) ⊙ h를 "
                          "계산했지만, PyTorch와 이 책은 h_next = (1 − z) ⊙ n + z ⊙ h를 씁니다."),
        "gru.reset_before": ("리셋 게이트(r)를 행렬 곱 앞에서 적용했습니다"
                             "(weight_hn (r ⊙ h) + bias_hn). PyTorch는 행렬 곱 뒤에 적용합니다: "
                             "r ⊙ (weight_hn h + bias_hn)."),
        "gru.reset_bias_outside": ("리셋 게이트(r)를 weight_hn h에만 곱하고 bias_hn에는 곱하지 "
                                   "않았습니다: r ⊙ (weight_hn h + bias_hn)이어야 합니다."),
        "gru.no_reset": ("리셋 게이트(r)를 쓰지 않았습니다: 후보(n)는 "
                         "tanh(weight_in x + bias_in + r ⊙ (weight_hn h + bias_hn))입니다."),
        "probe.gate": "값을 보면 {gate}를 잘못 계산했습니다. 다른 게이트는 맞아 보입니다.",
        "probe.h_only": "c_next는 맞으므로 h_next = o ⊙ tanh(c_next) 쪽이 틀렸습니다.",
        "probe.candidate": ("갱신 게이트(z)는 맞아 보입니다. 후보(n)의 계산(활성화 함수나 리셋 "
                            "게이트를 적용하는 방식)이 틀렸습니다."),
        "count.wrong_type": "정수(int)를 반환해야 하는데, 반환된 것은 {got}입니다.",
        "count.mismatch": ("input_size={I}, hidden_size={H}에서 개수가 틀렸습니다: 반환값은 "
                           "{got}인데, {cellname}의 실제 개수는 {expected}입니다."),
        "count.one_bias": ("편향 벡터를 하나만 셌습니다. PyTorch에는 bias_ih와 bias_hh 두 개가 "
                           "있고, 각각 원소가 {gh}개입니다."),
        "count.no_bias": "편향 bias_ih와 bias_hh(모두 2 · {gh}개)를 빠뜨렸습니다.",
        "count.no_gate_factor": ("블록 하나만 셌습니다. {cellname}에는 게이트 블록이 {G}개 쌓여 "
                                 "있어서, 가중치와 편향의 행이 모두 {G}·H개입니다."),
        "count.wrong_gates": "게이트 블록을 {got_g}개로 셌습니다. {cellname}에는 {G}개가 있습니다.",
        "count.no_hh": "순환 가중치 weight_hh({gh} × H)를 빠뜨렸습니다.",
        "clip.returned_none": ("함수가 None을 반환했습니다. 잘라 낸 기울기의 리스트를 반환하세요"
                               "(입력 배열은 바꾸지 말고)."),
        "clip.wrong_type": "배열의 리스트를 반환해야 하는데, 반환된 것은 {got}입니다.",
        "clip.wrong_length": "기울기 {expected}개를 넣었는데 배열 {got}개를 반환했습니다.",
        "clip.wrong_shape": "{k}번째 기울기의 모양이 {got}입니다. {expected} 모양이어야 합니다.",
        "clip.mismatch": "{k}번째 기울기가 틀렸습니다: 최대 오차 {err}(테스트 {case}).",
        "clip.per_tensor": ("기울기마다 따로 노름을 계산해 잘랐습니다. 기울기 클리핑은 모든 기울기를 "
                            "합친 전체 노름 ‖g‖ = sqrt(Σ_k ‖g_k‖²) 하나를 써서, 갱신 전체의 "
                            "방향을 유지합니다."),
        "clip.always_scale": ("전체 노름이 이미 max_norm보다 작은 기울기까지 키웠습니다. "
                              "‖g‖ > max_norm일 때만 줄이고, 그렇지 않으면 그대로 두어야 합니다."),
        "clip.by_value": ("원소 하나하나를 [−max_norm, max_norm]으로 잘랐습니다(값 기준 클리핑). "
                          "이 문제는 노름 기준 클리핑입니다: ‖g‖ > max_norm이면 "
                          "g ← g · max_norm / ‖g‖."),
        "clip.sum_of_norms": ("전체 노름을 ‖g_k‖의 합으로 계산했습니다. sqrt(Σ_k ‖g_k‖²)여야 "
                              "합니다."),
        "clip.squared_norm": "전체 노름에 제곱근이 빠졌습니다: ‖g‖ = sqrt(Σ_k ‖g_k‖²).",
        "clip.inverted": ("배율이 뒤집혔습니다: ‖g‖ / max_norm이 아니라 max_norm / ‖g‖를 "
                          "곱해야 합니다."),
        "shapes.wrong_type": "딕셔너리를 반환해야 하는데, 반환된 것은 {got}입니다.",
        "shapes.missing_keys": "딕셔너리에 키가 빠졌습니다: {keys}.",
        "shapes.bad_value": "{key}의 값이 모양 튜플이 아닙니다: {got}.",
        "shapes.case": "T={T}, B={B}, I={I}, H={H}일 때:",
        "shapes.wrong": "{key}: 반환한 모양은 {got}인데, torch.nn.RNN에서는 {expected}입니다.",
        "shapes.hint.weight_transposed": "PyTorch는 가중치를 (출력, 입력) 모양으로 저장합니다.",
        "shapes.hint.batch_first": ("입력이 시간 축 우선(time-major) (T, B, I)이므로 출력은 (T, B, H)"
                                    "입니다. (B, T, H)는 batch_first=True일 때의 모양입니다."),
        "shapes.hint.h_n_layers": ("h_n의 맨 앞에는 층 축이 있습니다"
                                   "(num_layers · num_directions = 1): (1, B, H)."),
        "shapes.hint.bias_2d": "편향은 (H,) 모양의 벡터입니다.",
        "tb.wrong_type": ("weight_ih, weight_hh, bias_ih, bias_hh를 키로 하는 배열의 딕셔너리를 "
                          "반환해야 하는데, 반환된 것은 {got}입니다."),
        "tb.missing_keys": "딕셔너리에 키가 빠졌습니다: {keys}.",
        "tb.wrong_shape": "{key}의 모양이 {got}입니다. {expected} 모양이어야 합니다.",
        "tb.not_negated": ("{keys}의 z 행을 그대로 복사했습니다. 부호를 바꾸세요. "
                           "σ(−a) = 1 − σ(a)이므로 z 행(가중치와 편향 모두)의 부호를 바꾸면 z가 "
                           "1 − z가 됩니다."),
        "tb.negated_wrongly": "{keys}의 {gates} 행의 부호를 바꿨습니다. 부호가 바뀌는 것은 z 행뿐입니다.",
        "tb.one_minus": ("{keys}의 z 행을 1 − W로 바꿨습니다. 부호만 바꾸어야 합니다"
                         "(σ(−a) = 1 − σ(a))."),
        "tb.wrong_block": "{keys}의 {gates} 행이 틀렸습니다.",
        "bwd.wrong_type": ("{keys}를 키로 하는 기울기의 딕셔너리를 반환해야 하는데, 반환된 것은 "
                           "{got}입니다."),
        "bwd.missing_keys": "딕셔너리에 기울기가 빠졌습니다: {keys}.",
        "bwd.wrong": ("기울기가 틀렸습니다: {keys}(중앙 차분과의 최대 오차 {err}, "
                      "테스트 {case})."),
        "bwd.dh_into_dc": ("c_next에 도달하는 기울기에는 h_next = o ⊙ tanh(c_next)를 거치는 경로도 "
                           "들어가야 합니다: dc_next에 dh_next ⊙ o ⊙ (1 − tanh²(c_next))를 "
                           "더하세요."),
        "bwd.gate_rows": ("파라미터 기울기에서 {gates}의 행이 틀렸습니다. 다른 게이트의 행은 "
                          "맞습니다."),
    },
}

# Names of the gates and of the hidden state, as the book's glossary writes them.
GATES = {
    "en": {
        "lstm": {"i": "the input gate i", "f": "the forget gate f",
                 "g": "the candidate cell state g", "o": "the output gate o"},
        "gru": {"r": "the reset gate r", "z": "the update gate z", "n": "the candidate n"},
        "rnn": {"h": "the new hidden state h_next"},
    },
    "ko": {
        "lstm": {"i": "입력 게이트(i)", "f": "망각 게이트(f)", "g": "후보 셀 상태(g)",
                 "o": "출력 게이트(o)"},
        "gru": {"r": "리셋 게이트(r)", "z": "갱신 게이트(z)", "n": "후보(n)"},
        "rnn": {"h": "새 은닉 상태(h_next)"},
    },
}

ACTIVATIONS = {
    "en": {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "identity": "no activation"},
    "ko": {"sigmoid": "시그모이드", "tanh": "tanh", "relu": "ReLU", "identity": "활성화 함수 없음"},
}

# The same names followed by the object particle (all four readings end in a vowel).
ACTIVATIONS_OBJ = {
    "en": ACTIVATIONS["en"],
    "ko": {"sigmoid": "시그모이드를", "tanh": "tanh를", "relu": "ReLU를", "identity": "그대로"},
}

CELL_NAMES = {
    "en": {"rnn": "torch.nn.RNN", "lstm": "torch.nn.LSTM", "gru": "torch.nn.GRU"},
    "ko": {"rnn": "torch.nn.RNN", "lstm": "torch.nn.LSTM", "gru": "torch.nn.GRU"},
}

WORDS = {
    "en": {"and": " and ", "sep": "; ", "array": "a NumPy array", "arrays": "{n} arrays"},
    "ko": {"and": "와 ", "sep": "; ", "array": "NumPy 배열", "arrays": "배열 {n}개"},
}
