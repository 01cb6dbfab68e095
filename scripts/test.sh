#!/usr/bin/env bash
# Every test: unit tests, notebook conventions, nbval over every chapter, the book
# build, the browser test over the built book and the Colab simulation.
# Extra arguments go to pytest (e.g. -k twins).
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
export RNNBOOK_REQUIRE_ALL="${RNNBOOK_REQUIRE_ALL:-1}"
bash scripts/build_book.sh
python -m pytest tests chapters --nbval --nbval-current-env --durations=12 "$@"
