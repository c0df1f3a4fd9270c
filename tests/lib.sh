# shellcheck shell=bash
# What the shell tests (tests/t_*.sh) share. Each test sources it by its own path, never from
# the current directory:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# It makes the repository root the current directory and sets B (the binary: $BPFAULT, else
# ./bpfault), PY (python3) and fails (how many checks failed); T is the test's temporary
# directory once it calls tmpdir. Results are TAP lines, "ok - name" / "not ok - name"; under
# CI=true a test that cannot run what it needs (root, BPF, a tool) fails, elsewhere it skips.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 99
B=${BPFAULT:-./bpfault}
PY=/usr/bin/python3
fails=0

# tmpdir [TEMPLATE]: T, a fresh directory (mktemp -d TEMPLATE), removed when the test exits
tmpdir() {
	T=$(mktemp -d "$@") || exit 99
	trap 'rm -rf "$T"' EXIT
}

pass() { echo "ok - $1"; }
# fail NAME [WHY]: a failed check, WHY on the same line
fail() {
	echo "not ok - $1${2:+: $(printf '%s' "$2" | tr '\n' ' ')}"
	fails=$((fails + 1))
}
# check NAME CMD...: CMD's status decides; what it printed is the reason it failed
check() {
	local name=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then pass "$name"; else fail "$name" "$(head -c 400 "$T/check.out")"; fi
}
# skip NAME WHY: the environment cannot run NAME: a failure under CI=true, a skip elsewhere
skip() {
	if [ "${CI:-}" = true ]; then fail "$1 (CI=true: cannot skip)" "$2"; else echo "ok - $1 # SKIP $2"; fi
}
# finish: the test's exit status, 1 if any check failed
finish() { exit $((fails > 0)); }
# cannot NAME WHY: skip NAME (fail under CI=true) and stop
cannot() {
	skip "$1" "$2"
	finish
}

# need_bin: stop unless $B is built
need_bin() { [ -x "$B" ] || { fail "$B is built"; exit 1; }; }
# need_root NAME: stop (cannot NAME) unless root
need_root() { [ "$(id -u)" -eq 0 ] || cannot "$1" "not root"; }
# arm_status ARM: ARM's status in 'bpfault list' ("ok" or "unsupported: why"), the list kept in
# $T/list
arm_status() {
	[ -s "$T/list" ] || "$B" list >"$T/list" 2>&1
	grep -E "^  $1 " "$T/list" | sed "s/^  $1 *//"
}
# need_bpf NAME [ARM]: stop (cannot NAME) unless $B is built, we are root and ARM (enter) loads
need_bpf() {
	local why
	need_bin
	need_root "$1"
	why=$(arm_status "${2:-enter}")
	[ "$why" = ok ] || cannot "$1" "${2:-BPF} cannot load: ${why:-not in bpfault list}"
}

# need_pkgs [--no-recommends] PKG...: the Debian packages a test drives, installed with apt-get
# (as root; once more after an apt-get update if the first try fails) unless they already are;
# false if one is still missing. apt-get's output is appended to $T/apt.log
need_pkgs() {
	local p miss=() opt=()
	[ "${1:-}" = --no-recommends ] && opt=(--no-install-recommends) && shift
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || miss+=("$p")
	done
	[ ${#miss[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${opt[@]}" "${miss[@]}" >>"$T/apt.log" 2>&1 ||
		{ apt-get update -qq >>"$T/apt.log" 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${opt[@]}" "${miss[@]}" \
				>>"$T/apt.log" 2>&1; }
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s (a run may first wait for another's lock)
wait_until() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
# locked CMD...: CMD (a shell function too) while holding the run lock, so that no run changes
# the machine meanwhile (waits up to 15 minutes for a run in progress)
locked() {
	(flock -w 900 9 || {
		echo "# the run lock is still held after 900 s, by: $(lock_holders)" >&2
		exit 1
	} && "$@") 9<>/run/bpfault.lock
}
# lock_holders: the processes holding a lock on /run/bpfault.lock (pid and command)
lock_holders() {
	local ino pid
	ino=$(stat -c %i /run/bpfault.lock 2>/dev/null) || return 0
	awk -v ino="$ino" '{ split($6, f, ":"); if (f[3] == ino) print $5 }' /proc/locks | sort -u |
		while read -r pid; do printf '%s(%s) ' "$pid" "$(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null)"; done
}
# reap PID [SECONDS]: wait for the background job PID (default 120 s) and return its status; a
# job still alive then is described (its threads' kernel stacks, its children) as TAP comments,
# killed, and its status is 124, so that a run that ignores its stop signal fails a check
# instead of hanging the suite
reap() {
	local pid=$1 n=$((${2:-120} * 10)) st
	while [ $n -gt 0 ]; do
		st=$(awk '{print $3}' /proc/"$pid"/stat 2>/dev/null)
		[ -z "$st" ] || [ "$st" = Z ] && break
		sleep 0.1
		n=$((n - 1))
	done
	if [ $n -eq 0 ]; then
		echo "# pid $pid still running after ${2:-120} s: $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null)"
		for t in /proc/"$pid"/task/*; do
			echo "#   thread ${t##*/} $(cat "$t"/wchan 2>/dev/null): $(tr '\n' ';' <"$t"/stack 2>/dev/null)"
		done
		ps -o pid=,stat=,wchan:24=,args= --ppid "$pid" 2>/dev/null | sed 's/^/#   child /'
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid"
}
