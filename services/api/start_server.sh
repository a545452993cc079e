#!/bin/sh
# The API container's PID 1: runs uWSGI and turns SIGTERM into a graceful stop.
#
# `docker stop` sends SIGTERM to PID 1 only, then SIGKILL after the grace
# period. uWSGI 2.0 on its own takes SIGTERM as "reload", so it would restart
# its workers and be killed mid-request. Instead this script traps SIGTERM (and
# SIGINT, for Ctrl-C) and writes "q" to uWSGI's master fifo: stop accepting,
# finish the requests in flight, exit. See uwsgi.ini (master-fifo) and
# https://uwsgi-docs.readthedocs.io/en/latest/MasterFIFO.html
#
# A watchdog bounds the wait: a "q" that arrives while a worker is still
# loading the app (lazy-apps: at start-up, or after a worker is recycled) is
# lost by uWSGI 2.0, whose master then waits for that worker forever and
# ignores further signals. After GRACEFUL_STOP_TIMEOUT seconds uWSGI is killed,
# so the container still ends (143) before docker's own SIGKILL.
#
# Env: MASTER_FIFO (default /tmp/uwsgi-fifo, as in uwsgi.ini),
#      UWSGI_INI (default /opt/code/services/api/uwsgi.ini),
#      GRACEFUL_STOP_TIMEOUT (seconds, default 30: uwsgi.ini's harakiri, the
#      longest a request may take; keep the container's stop grace above it).
# Exit status: 128 + the signal after a requested stop (143 for SIGTERM),
# else uWSGI's own (1 on a configuration error, reported in one line).

fifo=${MASTER_FIFO:-/tmp/uwsgi-fifo}
ini=${UWSGI_INI:-/opt/code/services/api/uwsgi.ini}
timeout=${GRACEFUL_STOP_TIMEOUT:-30}
uwsgi_pid=
stop_status=
watchdog_pid=

# shellcheck disable=SC2317  # only ever called from the traps below
stop_gracefully() {
    # $1: the signal's name, $2: the exit status it stands for.
    [ -n "$stop_status" ] && return # a second signal changes nothing
    stop_status=$2
    [ -n "$uwsgi_pid" ] || exit "$stop_status"
    if [ -p "$fifo" ]; then
        echo "Caught $1: asking uWSGI to stop gracefully through the master fifo"
        # In the background: opening a fifo blocks until uWSGI reads it.
        (echo q >"$fifo") &
    else
        # Still starting (no fifo yet), so nothing is in flight: stop it now.
        echo "Caught $1 while uWSGI starts: stopping it"
        kill -INT "$uwsgi_pid" 2>/dev/null
    fi
    # $$ is this shell's PID, in the subshell too.
    (sleep "$timeout" && kill -USR1 $$) &
    watchdog_pid=$!
}

# shellcheck disable=SC2317  # only ever called from the trap below
stop_now() {
    if kill -0 "$uwsgi_pid" 2>/dev/null; then
        echo "uWSGI has not stopped ${timeout} s after the signal: killing it"
        kill -KILL "$uwsgi_pid" 2>/dev/null
    fi
}

trap 'stop_gracefully SIGTERM 143' TERM
trap 'stop_gracefully SIGINT 130' INT
trap 'stop_now' USR1

# A fifo left by an earlier run in this container would have no reader yet.
rm -f "$fifo"

# In the background, so that this shell stays free to run its traps: a shell
# runs a trap only between commands, or when a `wait` is interrupted.
uwsgi --ini "$ini" &
uwsgi_pid=$!

# A trapped signal makes `wait` return early; wait again until uWSGI is gone.
status=0
wait "$uwsgi_pid" || status=$?
while kill -0 "$uwsgi_pid" 2>/dev/null; do
    status=0
    wait "$uwsgi_pid" || status=$?
done

if [ -n "$watchdog_pid" ]; then
    kill "$watchdog_pid" 2>/dev/null
fi
exit "${stop_status:-$status}"
