#!/usr/bin/env bash
# The Debian package: runs `cpack -G DEB` on this build into a temporary folder and checks the
# .deb: its control fields, the files (programs, the console, the systemd unit, the default
# config as a conffile), the maintainer scripts, and that the unpacked programs run: pledge-server
# from <root>/usr/bin on the packaged config serves the packaged console.
# Usage: check_deb.sh <build dir> <source dir> <version>
set -euo pipefail
build="$(cd "$1" && pwd)"
source="$(cd "$2" && pwd)"
version="$3"
work="$(mktemp -d)"
server_pid=""
fail() {
  echo "FAILED: $*" >&2
  for log in "$work"/*.log; do
    [[ -f "$log" ]] && { echo "--- $log" >&2; tail -n 40 "$log" >&2; }
  done
  exit 1
}
trap '[[ -n "$server_pid" ]] && { kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }; rm -rf "$work"' EXIT

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  fail "cpack -G DEB"
deb="$work/out/pledge_${version}_$(dpkg --print-architecture).deb"
[[ -f "$deb" ]] || fail "no $deb: $(ls "$work/out")"

dpkg-deb -I "$deb" >"$work/info.log"
for field in "Package: pledge" "Version: $version" "Maintainer: " "Depends: .*adduser" \
  "Depends: .*libc6" "Depends: .*libsqlite3-0" "Depends: .*libcpprest2.10"; do
  grep -q "^ $field" "$work/info.log" || fail "dpkg-deb -I: no \"$field\""
done

dpkg-deb -c "$deb" | awk '{print $NF}' >"$work/files.log"
for path in ./usr/bin/pledge-server ./usr/bin/pledge-script ./usr/bin/pledge \
  ./usr/bin/pledge-bootstrap ./usr/bin/pledge-gen ./usr/share/pledge/console/index.html \
  ./usr/share/pledge/console/assets/app.js ./lib/systemd/system/pledge-server.service \
  ./etc/pledge/server.yaml ./usr/lib/cmake/Pledge/PledgeConfig.cmake ./usr/include/pledge/promise.h; do
  grep -qxF "$path" "$work/files.log" || fail "the package has no $path"
done
if grep -E 'tests?|bench|example|_test$' "$work/files.log" | grep -v '^./usr/include/' >&2; then
  fail "the package holds tests, benchmarks or examples"
fi

dpkg-deb -e "$deb" "$work/control"
grep -qxF /etc/pledge/server.yaml "$work/control/conffiles" || fail "server.yaml is no conffile"
for script in postinst prerm postrm; do
  [[ -x "$work/control/$script" ]] || fail "no executable $script"
  sh -n "$work/control/$script" || fail "$script: syntax"
done
grep -q "adduser --system" "$work/control/postinst" || fail "postinst creates no pledge user"

dpkg-deb -x "$deb" "$work/root"
unit="$work/root/lib/systemd/system/pledge-server.service"
for line in "ExecStart=/usr/bin/pledge-server --config /etc/pledge/server.yaml" "User=pledge" \
  "StateDirectory=pledge" "WantedBy=multi-user.target"; do
  grep -qxF "$line" "$unit" || fail "the unit has no line $line"
done
cmp -s "$work/root/etc/pledge/server.yaml" "$source/packaging/server.yaml" ||
  fail "etc/pledge/server.yaml differs from packaging/server.yaml"

# The unpacked programs run where they are: the server finds its libraries in <root>/usr/lib and
# its console in <root>/usr/share/pledge/console. The packaged config, with this test's port and
# data folder (the flags win over the file).
echo "<!-- the packaged copy -->" >>"$work/root/usr/share/pledge/console/index.html"
"$work/root/usr/bin/pledge-server" --config "$work/root/etc/pledge/server.yaml" --port 0 \
  --data-dir "$work/data" --port-file "$work/port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do
  [[ -s "$work/port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || fail "pledge-server exited"
  sleep 0.1
done
[[ -s "$work/port" ]] || fail "pledge-server did not write its port"
url="http://127.0.0.1:$(cat "$work/port")"
curl -fsS "$url/" | grep -qF "<!-- the packaged copy -->" || fail "GET / did not serve the package's console"
"$work/root/usr/bin/pledge" --server "$url" ps >"$work/ps.log" 2>&1 || fail "pledge ps"
"$work/root/usr/bin/pledge-bootstrap" --help >"$work/bootstrap.log" 2>&1 || fail "pledge-bootstrap --help"
grep -q "127.0.0.1" "$work/server.log" || fail "the packaged config does not listen on loopback"
echo "$(basename "$deb"): $(wc -l <"$work/files.log") entries; the unpacked server serves $url"
