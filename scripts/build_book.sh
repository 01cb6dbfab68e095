#!/usr/bin/env bash
# Build the book into _build/html with warnings as errors. Notebooks are not
# executed: the stored outputs are shown, and nbval (scripts/test.sh) proves they are current.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
rm -rf _build/html _build/.doctrees
start=$(date +%s)
jupyter-book build . -W -n --keep-going --all -q "$@"
echo "book built in $(( $(date +%s) - start )) s: $ROOT/_build/html/index.html"
