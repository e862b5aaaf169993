#!/usr/bin/env bash
# Installs this build into a temporary prefix, builds the outside project against it with
# find_package(Pledge) and pledge_add_actors, and runs it. Usage: <build dir> <outside source>
set -euo pipefail
build="$1"
source="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$source" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" "${launcher[@]}" \
  >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" >"$work/build.log" || { cat "$work/build.log"; exit 1; }
output="$("$work/build/greeter_app")"
echo "$output"
grep -qx 'worker result: "hello, world"' <<<"$output"
grep -qx 'decider recorded 1 task: Greeter#1.0.greet' <<<"$output"
