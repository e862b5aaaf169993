#!/usr/bin/env bash
# An installed Pledge runs on its own. Installs this build into a temporary prefix and, with only
# <prefix>/bin (and the system's folders) on PATH:
#   - pledge-server starts with the package's default config (packaging/server.yaml; port, data
#     dir and port file given as flags), serves /api/v1/openapi.json and the console's index.html
#     from <prefix>/share/pledge/console (marked in the prefix, so the build tree's copy cannot
#     pass), and runs its workflow scripts in <prefix>/bin/pledge-script;
#   - the installed CLI registers a workflow with an INLINE task and runs it: {"a":2} -> 4;
#   - a runner: the installed pledge-bootstrap runs the actors of a plugin that an outside project
#     (tests/package/outside) built against the prefix with find_package(Pledge), and a process
#     started with the CLI ends with their result.
# Usage: check_installed.sh <build dir> <source dir>
set -euo pipefail
build="$(cd "$1" && pwd)"
source="$(cd "$2" && pwd)"
work="$(mktemp -d)"
prefix="$work/prefix"
server_pid=""
runner_pid=""

stop() {
  for pid in $runner_pid $server_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $runner_pid $server_pid; do
    wait "$pid" 2>/dev/null || true
  done
  runner_pid=""
  server_pid=""
}
fail() {
  echo "FAILED: $*" >&2
  for log in "$work"/*.log; do
    [[ -f "$log" ]] && { echo "--- $log" >&2; tail -n 40 "$log" >&2; }
  done
  exit 1
}
trap 'stop; rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$prefix" >"$work/install.log" || fail "cmake --install"
for program in pledge-server pledge-script pledge-bootstrap pledge pledge-gen; do
  [[ -x "$prefix/bin/$program" ]] || fail "$program is not installed in $prefix/bin"
  if readelf -d "$prefix/bin/$program" | grep -F -- "$build" >/dev/null; then
    fail "$program's run path names the build tree"
  fi
  if ldd "$prefix/bin/$program" | grep -E 'not found|libpledge' | grep -v -F -- "$prefix/" >&2; then
    fail "$program does not load its libraries from $prefix/lib"
  fi
done
console="$prefix/share/pledge/console"
[[ -f "$console/index.html" ]] || fail "the console is not installed in $console"
echo "<!-- the installed copy -->" >>"$console/index.html"

# The plugin: an outside project, built against the prefix only.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$source/tests/package/outside" -B "$work/outside" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" "${launcher[@]}" >"$work/outside.log" || fail "configure outside"
cmake --build "$work/outside" --target greeter_actors >>"$work/outside.log" || fail "build outside"

export PATH="$prefix/bin:/usr/bin:/bin"
unset LD_LIBRARY_PATH PLEDGE_SERVER PLEDGE_TOKEN PLEDGE_CA
[[ "$(command -v pledge-server)" == "$prefix/bin/pledge-server" ]] || fail "PATH"
cd "$work"

# The server, from the prefix, on the package's default config.
pledge-server --config "$source/packaging/server.yaml" --port 0 --data-dir "$work/data" \
  --port-file "$work/port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do
  [[ -s "$work/port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || fail "pledge-server exited"
  sleep 0.1
done
[[ -s "$work/port" ]] || fail "pledge-server did not write its port"
url="http://127.0.0.1:$(cat "$work/port")"
export PLEDGE_SERVER="$url"

curl -fsS "$url/api/v1/openapi.json" >"$work/openapi.json" || fail "GET /api/v1/openapi.json"
grep -q '"openapi"' "$work/openapi.json" || fail "openapi.json holds no openapi version"
curl -fsS "$url/" >"$work/index.html" || fail "GET /"
grep -qF "<!-- the installed copy -->" "$work/index.html" ||
  fail "GET / did not serve $console/index.html"
echo "server: $url, openapi.json and the console from $console"

# A workflow whose INLINE task runs in pledge-script, found beside the installed pledge-server.
cat >"$work/double.json" <<'EOF'
{"name": "installed_double", "version": 1, "inputParameters": ["a"],
 "tasks": [{"name": "double", "taskReferenceName": "double", "type": "INLINE",
            "inputParameters": {"evaluatorType": "javascript", "expression": "$.a * 2",
                                "a": "${workflow.input.a}"}}],
 "outputParameters": {"doubled": "${double.output.result}"}}
EOF
pledge workflow register "$work/double.json" >"$work/register.log" 2>&1 || fail "workflow register"
pledge start workflow:installed_double --input '{"a":2}' --wait --timeout 60 --json \
  >"$work/workflow.json" 2>"$work/workflow.log" || fail "the workflow did not complete"
tr -d ' \n' <"$work/workflow.json" | grep -qF '"result":{"doubled":4}' ||
  fail "workflow result: $(cat "$work/workflow.json")"
helpers=0
# The children file lists pids separated by spaces.
# shellcheck disable=SC2013
for child in $(cat /proc/"$server_pid"/task/*/children); do
  exe="$(readlink "/proc/$child/exe" || true)"
  [[ "$exe" == */pledge-script ]] || continue
  [[ "$exe" == "$prefix/bin/pledge-script" ]] || fail "the server runs scripts in $exe"
  helpers=$((helpers + 1))
done
((helpers > 0)) || fail "no pledge-script helper runs beside the server"
echo "workflow: {\"a\":2} -> {\"doubled\":4}, scripts in $prefix/bin/pledge-script"

# A runner: the installed pledge-bootstrap with the outside project's plugin.
cat >"$work/actors.yaml" <<EOF
servers: ["$url"]
plugins: ["$work/outside/libgreeter_actors.so"]
actors:
  - {actor: "Welcome#1.0", threads: 1}
  - {actor: "Greeter#1.0", threads: 1}
EOF
pledge-bootstrap -f "$work/actors.yaml" >"$work/bootstrap.log" 2>&1 &
runner_pid=$!
pledge start 'Welcome#1.0' run '["world"]' --wait --timeout 60 --json \
  >"$work/greeting.json" 2>"$work/greeting.log" || fail "the Welcome process did not complete"
tr -d ' \n' <"$work/greeting.json" | grep -qF '"result":"hello,world"' ||
  fail "Welcome result: $(cat "$work/greeting.json")"
kill -0 "$runner_pid" 2>/dev/null || fail "pledge-bootstrap exited"
echo "runner: Welcome#1.0.run(\"world\") -> \"hello, world\" through pledge-bootstrap"

stop
