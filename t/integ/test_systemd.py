"""rtprelay.service (debian/rtprelay-daemon.rtprelay.service) without a
running systemd: the unit passes `systemd-analyze verify` and the offline
security audit, states what the packaging promises (Type=notify, reload by
SIGHUP, hardening, capabilities, LimitNOFILE for the packaged port range),
and the daemon started exactly as its ExecStart line says (packaged config,
OPTIONS from the packaged /etc/default file, plus unique loopback ports)
reports READY=1 from its main PID only once UDP, TCP and HTTP ng answer,
reloads on ExecReload, and reports STOPPING=1 on stop.

test_process.py covers the notify protocol itself (abstract sockets, a
socket nobody listens on, READY=1 once); this file covers the unit.
"""

import glob
import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402
import daemon  # noqa: E402
import golden  # noqa: E402
import ng  # noqa: E402

TOP = daemon.TOP
UNIT = os.path.join(TOP, "debian", "rtprelay-daemon.rtprelay.service")
CONF = os.path.join(TOP, "debian", "conf", "rtprelay.conf")
DEFAULT = os.path.join(TOP, "debian", "default", "rtprelay")
START_TIMEOUT = 30.0 if daemon.SAN else 10.0
STOP_TIMEOUT = 20.0  # the unit's TimeoutStopSec
MAX_EXPOSURE = 4.5   # systemd-analyze security: "OK" is below 5.0


def unit_sections(path=UNIT):
    """{section: [(key, value), ...]} of a unit file (repeated keys kept)."""
    out, cur = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                cur = line.strip("[]")
                out.setdefault(cur, [])
                continue
            k, _, v = line.partition("=")
            out[cur].append((k.strip(), v.strip()))
    return out


def unit_get(section, key, sections=None):
    vals = [v for k, v in (sections or unit_sections())[section] if k == key]
    check.true(vals, "[%s] %s= in %s" % (section, key, UNIT))
    return vals[-1]


def read_env_file(path):
    """systemd EnvironmentFile=: KEY=VALUE lines, '#' comments, quotes."""
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            k, _, v = line.partition("=")
            env[k.strip()] = " ".join(shlex.split(v)) if v.strip() else ""
    return env


def expand_exec(line, env):
    """An Exec*= line as systemd splits it: '$VAR' alone becomes the
    variable's words, '${VAR}' one word; a leading '-', '@', '+' is dropped."""
    words = []
    for w in shlex.split(line.lstrip("-@+!")):
        m = re.fullmatch(r"\$(\w+)", w)
        if m:
            words.extend(env.get(m.group(1), "").split())
        else:
            words.append(re.sub(r"\$\{(\w+)\}", lambda mm: env.get(mm.group(1), ""), w))
    return words


def fake_root(tmp):
    """A --root tree for systemd-analyze: the unit at its packaged place, the
    binaries its Exec lines name, and the host's targets it orders against."""
    root = os.path.join(tmp, "root")
    unitdir = os.path.join(root, "lib", "systemd", "system")
    os.makedirs(unitdir)
    for t in glob.glob("/lib/systemd/system/*.target"):
        shutil.copy(t, unitdir)
    shutil.copy(UNIT, os.path.join(unitdir, "rtprelay.service"))
    for src, dst in ((daemon.default_bin(), "usr/bin/rtprelay"), ("/bin/kill", "bin/kill")):
        os.makedirs(os.path.join(root, os.path.dirname(dst)), exist_ok=True)
        shutil.copy(src, os.path.join(root, dst))
    return root, os.path.join(unitdir, "rtprelay.service")


def systemd_analyze():
    exe = shutil.which("systemd-analyze")
    if not exe:
        check.skip("systemd-analyze not installed (package systemd)")
    return exe


def verify(root):
    r = subprocess.run([systemd_analyze(), "verify", "--man=no", "--root=" + root,
                        "rtprelay.service"], capture_output=True, text=True, timeout=60)
    return r.returncode, (r.stdout + r.stderr).strip()


# ------------------------------------------------------------ the unit file


def test_unit_verifies():
    check.only("rtprelay")
    with tempfile.TemporaryDirectory() as tmp:
        root, unit = fake_root(tmp)
        rc, out = verify(root)
        check.eq((rc, out), (0, ""), "systemd-analyze verify rtprelay.service (rc, output)")
        # The check can fail: a misspelt key and a bad value are reported.
        with open(unit) as f:
            text = f.read()
        with open(unit, "w") as f:
            f.write(text.replace("Type=notify", "Type=notifyy")
                    .replace("ProtectSystem=", "ProtectSytem="))
        rc, out = verify(root)
        check.contains(out, "notifyy", "verify reports a bad Type=")
        check.contains(out, "ProtectSytem", "verify reports an unknown key")


def test_unit_security_exposure():
    check.only("rtprelay")
    exe = systemd_analyze()
    with tempfile.TemporaryDirectory() as tmp:
        root, unit = fake_root(tmp)
        r = subprocess.run([exe, "security", "--offline=yes", "--no-pager", unit],
                           capture_output=True, text=True, timeout=60)
        m = re.search(r"Overall exposure level for rtprelay\.service: ([0-9.]+)", r.stdout)
        if r.returncode != 0 and m is None and "offline" in r.stderr:
            check.skip("systemd-analyze security --offline unsupported: " + r.stderr.strip())
        check.true(m is not None, "exposure level in the output", r.stdout[-2000:], r.stderr)
        check.true(float(m.group(1)) <= MAX_EXPOSURE,
                   "exposure %s <= %.1f" % (m.group(1), MAX_EXPOSURE), r.stdout[-3000:])


def port_range_of_packaged_config():
    """port-min/port-max from the packaged config, else the built-in defaults
    (read from --help, so a changed default is followed)."""
    vals = {}
    with open(CONF) as f:
        for line in f:
            m = re.match(r"\s*(port-min|port-max)\s*=\s*(\d+)", line)
            if m:
                vals[m.group(1)] = int(m.group(2))
    helptext = subprocess.run([daemon.default_bin(), "--help"], capture_output=True,
                              text=True, timeout=10).stdout
    for k in ("port-min", "port-max"):
        if k not in vals:
            m = re.search(r"--%s=\S+\s.*\(default: (\d+)\)" % k, helptext)
            check.true(m is not None, "default of %s in --help" % k, helptext)
            vals[k] = int(m.group(1))
    return vals["port-min"], vals["port-max"]


def test_unit_promises():
    check.only("rtprelay")
    s = unit_sections()
    check.eq(unit_get("Service", "Type", s), "notify", "Type")
    check.eq(unit_get("Service", "NotifyAccess", s), "main", "NotifyAccess")
    check.eq(unit_get("Service", "Restart", s), "on-failure", "Restart")
    reload_cmd = unit_get("Service", "ExecReload", s).split()
    check.eq(reload_cmd, ["/bin/kill", "-HUP", "$MAINPID"], "ExecReload")
    start = unit_get("Service", "ExecStart", s).split()
    check.eq(start[0], "/usr/bin/rtprelay", "ExecStart binary")
    check.true("--foreground" in start, "ExecStart runs in the foreground (Type=notify)", start)
    check.eq(unit_get("Service", "User", s), "rtprelay", "User")
    for key, want in (("NoNewPrivileges", "yes"), ("PrivateTmp", "yes"),
                      ("ProtectSystem", "strict"), ("ProtectHome", "yes")):
        check.eq(unit_get("Service", key, s), want, key)
    caps = {"CAP_NET_ADMIN", "CAP_SYS_NICE"}
    check.eq(set(unit_get("Service", "CapabilityBoundingSet", s).split()), caps,
             "CapabilityBoundingSet")
    check.eq(set(unit_get("Service", "AmbientCapabilities", s).split()), caps,
             "AmbientCapabilities")
    # Each port of the range can be a socket; the rest: control, spares.
    lo, hi = port_range_of_packaged_config()
    nofile = int(unit_get("Service", "LimitNOFILE", s))
    check.true(nofile >= (hi - lo + 1) + 1024,
               "LimitNOFILE %d >= ports %d..%d (%d) + 1024" % (nofile, lo, hi, hi - lo + 1))
    check.eq(unit_get("Install", "WantedBy", s), "multi-user.target", "WantedBy")


def test_packaged_config_complete_and_valid():
    check.only("rtprelay")
    # --help: the options rtprelay implements (--help-all adds the ignored
    # rtpengine ones).
    helptext = subprocess.run([daemon.default_bin(), "--help"], capture_output=True,
                              text=True, timeout=10).stdout
    names = set(re.findall(r"^\s+(?:-\w, )?--([a-z0-9-]+)", helptext, re.M))
    cmdline_only = {"help", "help-all", "help-rtpengine", "version", "config-file",
                    "config-section", "check-config"}
    names -= cmdline_only
    check.true(len(names) > 20, "options found in --help-all", sorted(names))
    with open(CONF) as f:
        text = f.read()
    keys = set(re.findall(r"^#?\s*([a-z0-9-]+)\s*=", text, re.M))
    check.eq(sorted(names - keys), [], "options of --help missing from %s" % CONF)
    check.eq(sorted(k for k in keys - names if not k.startswith("log-level-")
                    and k not in ("interface",)), [],
             "keys in %s that are not options" % CONF)
    r = subprocess.run([daemon.default_bin(), "--config-file=" + CONF, "--check-config"],
                       capture_output=True, text=True, timeout=10)
    check.eq(r.returncode, 0, "--check-config of the packaged config (%r)" % (r.stdout + r.stderr))
    check.eq(r.stderr, "", "no warnings for the packaged config")


# ------------------------------------------------------------ run as ExecStart


class Notify:
    """A NOTIFY_SOCKET that records (sender pid, message) with SO_PASSCRED."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.sock.bind(path)
        self.got = []

    def wait(self, state, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data, anc, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(12))
            except socket.timeout:
                break
            pid = None
            for level, typ, cdata in anc:
                if level == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("iII", cdata[:12])[0]
            msg = data.decode("utf-8", "replace")
            self.got.append((pid, msg))
            if state in msg.split("\n"):
                return pid
        return None

    def close(self):
        self.sock.close()


def answers(transport, port, timeout=1.0):
    with ng.NG(("127.0.0.1", port), transport=transport, timeout=timeout) as c:
        try:
            return c.request({"command": "ping"}).get("result") == "pong"
        except Exception:  # noqa: BLE001 - any failure is "no"
            return False


def set_key(path, key, value):
    """Set (or uncomment) `key = value` in a key file copy."""
    with open(path) as f:
        text = f.read()
    new, n = re.subn(r"(?m)^#?\s*%s\s*=.*$" % re.escape(key), "%s = %s" % (key, value), text,
                     count=1)
    check.eq(n, 1, "key %s in %s" % (key, path))
    with open(path, "w") as f:
        f.write(new)


def call_gone_within(c, cid, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = c.query(cid, check=False)
        if r.get("result") == "error":
            return True
        time.sleep(0.2)
    return False


def test_execstart_ready_reload_stop():
    check.only("rtprelay")
    s = unit_sections()
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "rtprelay.conf")
        shutil.copy(CONF, conf)
        env_unit = read_env_file(DEFAULT)
        check.eq(env_unit.get("OPTIONS"), "", "OPTIONS in the packaged /etc/default/rtprelay")
        # Unique ports on top of the packaged settings, as an operator would
        # add them with OPTIONS=.
        udp, tcp, http = daemon.free_ports([socket.SOCK_DGRAM, socket.SOCK_STREAM,
                                            socket.SOCK_STREAM])
        lo, hi = daemon.media_range(40)
        env_unit["OPTIONS"] = ("--listen-ng=127.0.0.1:%d --listen-tcp-ng=127.0.0.1:%d "
                               "--listen-http=127.0.0.1:%d --port-min=%d --port-max=%d"
                               % (udp, tcp, http, lo, hi))
        argv = expand_exec(unit_get("Service", "ExecStart", s), env_unit)
        check.eq(argv[:3], ["/usr/bin/rtprelay", "--foreground",
                            "--config-file=/etc/rtprelay/rtprelay.conf"], "ExecStart words")
        argv[0] = daemon.default_bin()
        argv[2] = "--config-file=" + conf
        notify = Notify(os.path.join(tmp, "notify"))
        log = os.path.join(tmp, "stderr.log")
        env = dict(os.environ, NOTIFY_SOCKET=os.path.join(tmp, "notify"))
        proc = None
        try:
            with open(log, "wb") as lf:
                proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=lf, stderr=lf,
                                        env=env, preexec_fn=daemon._pdeathsig)
            pid = notify.wait("READY=1", START_TIMEOUT)
            text = lambda: open(log, errors="replace").read()  # noqa: E731
            check.true(pid is not None, "READY=1 within %.0fs; got %r" % (START_TIMEOUT, notify.got),
                       text())
            check.eq(pid, proc.pid, "READY=1 sent by the main PID (NotifyAccess=main)")
            # Ready means every control socket answers at once (one try each).
            for transport, port in (("udp", udp), ("tcp", tcp), ("http", http)):
                check.true(answers(transport, port), "%s ping right after READY=1" % transport,
                           text())

            # ExecReload with a new timeout: a call answered afterwards times
            # out after 2 s of silence instead of 60.
            c = ng.NG(("127.0.0.1", udp), timeout=5)
            set_key(conf, "timeout", "2")
            reload_argv = expand_exec(unit_get("Service", "ExecReload", s),
                                      {"MAINPID": str(proc.pid)})
            r = subprocess.run(reload_argv, capture_output=True, text=True, timeout=10)
            check.eq(r.returncode, 0, "ExecReload %r (stderr %r)" % (reload_argv, r.stderr))
            time.sleep(0.5)
            check.true(proc.poll() is None, "alive after ExecReload", text())
            cid = "systemd-reload-%d" % os.getpid()
            c.offer(golden.read("basic-g711.offer.in"), cid, "a", replace=["origin"])
            c.answer(golden.read("basic-g711.answer.in"), cid, "a", "b", replace=["origin"])
            check.true(call_gone_within(c, cid, 8), "call timed out within 8 s after the "
                       "reload set timeout = 2")
            # A config that does not parse changes nothing and stops nothing.
            with open(conf, "a") as f:
                f.write("\nthis is not a key file line\n")
            os.kill(proc.pid, signal.SIGHUP)
            time.sleep(0.5)
            check.true(proc.poll() is None, "alive after reloading a broken config", text())
            check.true(answers("udp", udp), "ping after reloading a broken config")
            cid2 = cid + "-2"
            c.offer(golden.read("basic-g711.offer.in"), cid2, "a", replace=["origin"])
            c.answer(golden.read("basic-g711.answer.in"), cid2, "a", "b", replace=["origin"])
            check.true(call_gone_within(c, cid2, 8), "timeout = 2 still in force")
            c.close()

            # systemctl stop: SIGTERM, STOPPING=1, exit 0 within TimeoutStopSec.
            proc.send_signal(signal.SIGTERM)
            check.true(notify.wait("STOPPING=1", STOP_TIMEOUT) is not None,
                       "STOPPING=1 after SIGTERM; got %r" % notify.got, text())
            rc = proc.wait(STOP_TIMEOUT)
            check.eq(rc, 0, "exit status after SIGTERM; log:\n" + text())
            check.true(not answers("udp", udp, 0.3), "no answer after stop")
        finally:
            notify.close()
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(5)
