"""guitest.py: what the tests of safeid-gui share (imported, never run).

A test runs inside tests/harness/safeid-harness (a private pcscd, emulated
tokens, a mount and network namespace of its own).  A Session adds, all
private to the test: an X socket directory (a tmpfs over /tmp/.X11-unix in
that namespace), an Xvfb (one screen, or one split into two RandR
monitors), a home, a runtime directory and a session bus, so the AT-SPI
bus GTK starts is the test's own.  It starts the real window and drives
it over AT-SPI (pyatspi) and, where AT-SPI cannot act, with xdotool.
Every wait is a condition with a bound; every process started is stopped
by its process id.  Each step's screenshot goes to $GUI_SHOTS/<test>/.
"""
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time

COMMON = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      '..', '..', 'lib', 'common.sh')
BOUND = float(os.environ.get('GUI_BOUND', '60'))
TITLE = 'safeid'


def fail(msg):
    print('FAIL: ' + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def skip(msg):
    print('SKIP: ' + msg, flush=True)
    sys.exit(77)


T0 = time.monotonic()


def note(msg):
    print('--- [%.1f s] %s' % (time.monotonic() - T0, msg), flush=True)


def ok(msg):
    print('ok: [%.1f s] %s' % (time.monotonic() - T0, msg), flush=True)


def wait_for(cond, bound, step=0.05):
    """The value of cond() once it is true, or None after bound seconds.
    Exceptions count as not yet (the accessible tree changes under us);
    the last one is returned as the second value."""
    end = time.monotonic() + bound
    last = None
    while True:
        try:
            v = cond()
            if v:
                return v, None
        except Exception as e:  # noqa: BLE001 - retried until the bound
            last = e
        if time.monotonic() > end:
            return None, last
        time.sleep(step)


def until(cond, what, bound=None, step=0.05, report=None):
    """The value of cond() once it is true; fail after bound seconds
    (saying report(), if given)."""
    v, last = wait_for(cond, bound or BOUND, step)
    if v:
        return v
    if report is not None:
        last = report()
    fail('gave up after %.0f s waiting for %s%s' %
         (bound or BOUND, what, ' (%s)' % last if last else ''))


def read_line(fd, what, bound=30):
    """One line from a pipe the child writes to, within bound seconds."""
    buf = b''
    end = time.monotonic() + bound
    while not buf.endswith(b'\n'):
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            fail('%s did not answer within %d s' % (what, bound))
        chunk = os.read(fd, 256)
        if not chunk:
            fail('%s closed its pipe without answering' % what)
        buf += chunk
    return buf.decode().strip()


def bash(script, *args, env=None):
    """A bash snippet with tests/lib/common.sh sourced; its exit status."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(['bash', '-c', '. "$0"; ' + script, COMMON] +
                          list(args), env=e).returncode


def expect_code(state, secret, hash_name='SHA1', step=30):
    """The decisive check: the emulated token's code equals oathtool's
    (tests/lib/common.sh expect_code); the secret goes in the
    environment, not argv."""
    if bash('expect_code "$1" "$GUI_SECRET" "$2" "$3"', state, hash_name,
            str(step), env={'GUI_SECRET': secret}) != 0:
        fail('the token does not show the code of the account burned')


def emu_code(state):
    """(code, token_time) the emulated token shows now."""
    out = subprocess.run(['bash', '-c', '. "$0"; emu_code "$1"', COMMON,
                          state], capture_output=True, text=True)
    if out.returncode != 0:
        fail('the token holds no seed: ' + out.stderr.strip())
    code, t = out.stdout.split()[:2]
    return code, int(t)


def oath_code(secret, t, hash_name='SHA1', step=30):
    out = subprocess.run(['bash', '-c',
                          '. "$0"; oath_code "$GUI_SECRET" "$1" "$2" "$3"',
                          COMMON, str(t), hash_name, str(step)],
                         capture_output=True, text=True,
                         env=dict(os.environ, GUI_SECRET=secret))
    if out.returncode != 0:
        fail('oathtool failed: ' + out.stderr.strip())
    return out.stdout.strip()


def emu_ctl(i, *cmd):
    ctl = os.environ['SAFEID_EMU_CTL_%d' % i]
    out = subprocess.run(['safeid-emu', 'ctl', '--ctl', ctl] + list(cmd),
                         capture_output=True, text=True, timeout=BOUND)
    if out.returncode != 0 or out.stdout.startswith('error'):
        fail('safeid-emu ctl %s: %s%s' % (' '.join(cmd), out.stdout,
                                            out.stderr))
    return out.stdout.strip()


def emu_log(i):
    with open(os.environ['SAFEID_EMU_LOG_%d' % i]) as f:
        return f.read().splitlines()


def qr_png(work, text, path):
    """text as a QR code image (through a file, not argv)."""
    src = os.path.join(work, 'qr-text')
    with open(src, 'w') as f:
        f.write(text)
    subprocess.run(['qrencode', '-l', 'M', '-s', '8', '-m', '4', '-o', path,
                    '-r', src], check=True)
    os.unlink(src)


class Session:
    """A private desktop for one test: X display, bus, AT-SPI, the
    window.  Use as a context manager; everything is stopped on exit."""

    def __init__(self, name, width=1280, height=800, split=None):
        if os.geteuid() != 0:
            skip('needs root (the harness, a private X socket directory)')
        if 'SAFEID_HARNESS_DIR' not in os.environ:
            fail('run inside tests/harness/safeid-harness (through CTest)')
        for prog in ('Xvfb', 'dbus-daemon', 'xdotool', 'import'):
            if shutil.which(prog) is None:
                skip('%s not found (see .ci/packages.txt)' % prog)
        self.name = name
        self.work = os.path.join(os.environ['SAFEID_HARNESS_DIR'], name)
        self.shots = os.path.join(os.environ.get('GUI_SHOTS', self.work),
                                  name)
        self.width, self.height, self.split = width, height, split
        self.procs = []
        self.shot_no = 0
        self.app = None
        self.gui = None
        os.makedirs(self.work, mode=0o700, exist_ok=True)
        os.makedirs(self.shots, exist_ok=True)
        for old in os.listdir(self.shots):
            if old.endswith('.png'):
                os.unlink(os.path.join(self.shots, old))

    # ---- setting up and taking down ---------------------------------------

    def __enter__(self):
        self.t0 = time.monotonic()
        # Our own X socket directory: other tests' displays stay apart
        # (the abstract socket is per network namespace already).
        subprocess.run(['mount', '-t', 'tmpfs', '-o', 'mode=1777,size=1m',
                        'gui-x11', '/tmp/.X11-unix'], check=True)
        r, w = os.pipe()
        self.start(['Xvfb', '-displayfd', str(w), '-screen', '0',
                    '%dx%dx24' % (self.width, self.height), '-nolisten',
                    'tcp', '-noreset', '+extension', 'RANDR'],
                   'xvfb', pass_fds=(w,))
        os.close(w)
        display = ':' + read_line(r, 'Xvfb')
        os.close(r)
        env = os.environ
        env['DISPLAY'] = display
        for sub in ('run', 'home', 'home/data', 'home/cache', 'home/config',
                    'home/state'):
            os.makedirs(os.path.join(self.work, sub), mode=0o700,
                        exist_ok=True)
        home = os.path.join(self.work, 'home')
        # The runtime directory before the bus: the AT-SPI bus it starts
        # lives there, not in a home shared with other sessions.
        env.update({'XDG_RUNTIME_DIR': os.path.join(self.work, 'run'),
                    'HOME': home,
                    'XDG_DATA_HOME': os.path.join(home, 'data'),
                    'XDG_CACHE_HOME': os.path.join(home, 'cache'),
                    'XDG_CONFIG_HOME': os.path.join(home, 'config'),
                    'XDG_STATE_HOME': os.path.join(home, 'state'),
                    'GSETTINGS_BACKEND': 'memory',
                    'GDK_BACKEND': 'x11',
                    'GSK_RENDERER': 'cairo',
                    'LANG': 'C.UTF-8',
                    'SAFEID_ASSUME_NTP': 'synced'})
        if self.split:
            left = self.split
            for args in (['LEFT-1', '%d/338x%d/211+0+0' % (left, self.height),
                          'screen'],
                         ['RIGHT-2', '%d/270x%d/211+%d+0' %
                          (self.width - left, self.height, left), 'none']):
                subprocess.run(['xrandr', '--setmonitor'] + args, check=True,
                               stdout=subprocess.DEVNULL)
        r, w = os.pipe()
        self.start(['dbus-daemon', '--session', '--nofork', '--nopidfile',
                    '--print-address=%d' % w], 'dbus', pass_fds=(w,))
        os.close(w)
        env['DBUS_SESSION_BUS_ADDRESS'] = read_line(r, 'dbus-daemon')
        os.close(r)
        note('%s: display %s, session bus up after %.1f s' %
             (self.name, display, time.monotonic() - self.t0))
        return self

    def __exit__(self, kind, value, tb):
        if kind is not None and kind is not SystemExit:
            self.shot('failed')
        elif kind is SystemExit and value.code not in (0, None, 77):
            self.shot('failed')
        self.stop_all()
        subprocess.run(['umount', '/tmp/.X11-unix'])
        return False

    def start(self, argv, log, **kw):
        out = open(os.path.join(self.work, log + '.log'), 'w')
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, **kw)
        out.close()
        self.procs.append(p)
        return p

    def log(self, name):
        """What a process started as start(..., name) has said so far."""
        with open(os.path.join(self.work, name + '.log')) as f:
            return f.read()

    def stop(self, p, bound=15):
        """SIGTERM to one process we started, wait (bounded), SIGKILL."""
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(bound)
            except subprocess.TimeoutExpired:
                print('process %d ignored SIGTERM for %d s; killing it' %
                      (p.pid, bound), file=sys.stderr)
                p.kill()
                p.wait()
        if p in self.procs:
            self.procs.remove(p)
        return p.returncode

    def stop_all(self):
        for p in reversed(list(self.procs)):
            self.stop(p)

    # ---- the window ---------------------------------------------------------

    def start_gui(self, env=None):
        """Start safeid-gui and find its window over AT-SPI."""
        import pyatspi  # after the bus exists: it connects at import
        self.pyatspi = pyatspi
        gui = os.path.join(os.environ['SAFEID_BIN'], 'safeid-gui')
        e = dict(os.environ)
        e.update(env or {})
        self.gui_err = os.path.join(self.work, 'gui.log')
        self.gui = self.start([gui], 'gui', env=e)
        t = time.monotonic()
        self.app = until(lambda: [a for a in pyatspi.Registry.getDesktop(0)
                                  if a is not None and
                                  a.name == 'safeid-gui'][0],
                         'the window on the AT-SPI bus')
        self.find('push button', 'Burn')
        note('window on the AT-SPI bus %.1f s after start' %
             (time.monotonic() - t))
        return self.app

    def stop_gui(self):
        """End the window as a person would (SIGTERM closes it cleanly);
        its exit status must be 0 and its log free of sanitizer
        reports."""
        rc = self.stop(self.gui)
        with open(self.gui_err) as f:
            log = f.read()
        if rc != 0 or 'Sanitizer' in log or 'runtime error' in log:
            fail('safeid-gui ended with status %s:\n%s' % (rc, log[-4000:]))
        ok('the window closed cleanly')

    def find(self, role, name, root=None):
        return until(lambda: self.pyatspi.findDescendant(
            root or self.app,
            lambda o: o.getRoleName() == role and o.name == name),
            '%s "%s"' % (role, name))

    def described(self, desc, root=None):
        return until(lambda: self.pyatspi.findDescendant(
            root or self.app,
            lambda o: o.getRoleName() == 'label' and
            o.description == desc), 'label described "%s"' % desc)

    def press(self, role, name):
        self.find(role, name).queryAction().doAction(0)

    def text(self, o):
        t = o.queryText()
        return t.getText(0, t.characterCount)  # (0, -1) is "" in 4.8

    def label(self, desc):
        """The text of the label described desc; "" while it is hidden
        (an empty message is not shown, so not on the AT-SPI bus)."""
        lab = self.pyatspi.findDescendant(
            self.app, lambda o: o.getRoleName() == 'label' and
            o.description == desc)
        return lab.name if lab is not None else ''

    def wait_label(self, desc, pattern, bound=None):
        """A label's text once it matches pattern (a regex)."""
        seen = ['']

        def matches():
            seen[0] = self.label(desc)
            return re.search(pattern, seen[0]) and seen[0]
        return until(matches, 'the %s line to match /%s/' % (desc, pattern),
                     bound, report=lambda: 'it says: %r' % seen[0])

    def focused_in(self, o):
        """o or one of its descendants has the keyboard focus."""
        focused = self.pyatspi.STATE_FOCUSED
        return o.getState().contains(focused) or \
            self.pyatspi.findDescendant(
                o, lambda c: c.getState().contains(focused)) is not None

    def steps(self):
        return [o.name for o in self.pyatspi.findAllDescendants(
            self.app, lambda o: o.getRoleName() == 'label' and
            o.description == 'Burn step')]

    def open_image(self, path):
        """"Open QR image…", then the file chooser: its location entry
        (Ctrl+L) gets the path over AT-SPI (typed text may lose its Return
        to the completion popup), and its Open button is pressed."""
        self.press('push button', 'Open QR image…')
        chooser = until(lambda: [c for c in self.app
                                 if c.name == 'Open QR image'][0],
                        'the file chooser')
        self.shot('file-chooser')
        self.xdo('windowfocus', '--sync', self.xwin('Open QR image'))
        self.xdo('key', 'ctrl+l')
        loc = until(lambda: self.pyatspi.findDescendant(
            chooser, lambda o: o.getRoleName() == 'text' and
            o.getState().contains(self.pyatspi.STATE_FOCUSED)),
            'the location entry')
        loc.queryEditableText().setTextContents(path)
        until(lambda: self.text(loc) == path, 'the path in the entry')
        # GTK 4.8 names it "_Open Open" (mnemonic and label joined)
        until(lambda: self.pyatspi.findDescendant(
            chooser, lambda o: o.getRoleName() == 'push button' and
            o.name.endswith('Open')), 'the Open button'
            ).queryAction().doAction(0)

    def clip(self, data, target=None):
        """Put data on the clipboard (xclip stays as its owner until
        stopped) and wait until the X server offers it."""
        args = ['xclip', '-quiet', '-selection', 'clipboard']
        if target:
            args += ['-t', target]
        p = subprocess.Popen(args, stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        self.procs.append(p)
        p.stdin.write(data)
        p.stdin.close()
        want = (target or 'UTF8_STRING').encode()
        until(lambda: want in subprocess.run(
            ['xclip', '-selection', 'clipboard', '-t', 'TARGETS', '-o'],
            capture_output=True, timeout=10).stdout, 'the clipboard offer')
        return p

    def paste(self, desc, pattern):
        """Ctrl+V until the label described desc matches pattern: GDK
        learns of a new clipboard owner asynchronously, so a key pressed
        right after the copy may still find the old one (as a person
        pressing Ctrl+V again would)."""
        end = time.monotonic() + BOUND
        while time.monotonic() < end:
            self.xdo('key', 'ctrl+v')
            if wait_for(lambda: re.search(pattern, self.label(desc)), 3)[0]:
                return self.label(desc)
        fail('Ctrl+V did not bring %s to match /%s/ (it says %r)' %
             (desc, pattern, self.label(desc)))

    # ---- X ------------------------------------------------------------------

    def xdo(self, *args):
        return subprocess.run(['xdotool'] + [str(a) for a in args],
                              capture_output=True, text=True,
                              check=True).stdout

    def xwin(self, title=TITLE):
        """X window id by exact title (a search may fail while windows come
        and go: retried)."""
        return until(lambda: self.xdo('search', '--name', '^%s$' %
                                      re.escape(title)).split()[0],
                     'X window "%s"' % title)

    def center(self, o, title=TITLE):
        """GTK 4.8 gives extents relative to the toplevel even in desktop
        coordinates: add the toplevel's position."""
        g = dict(l.split('=') for l in
                 self.xdo('getwindowgeometry', '--shell',
                          self.xwin(title)).split())
        e = o.queryComponent().getExtents(self.pyatspi.WINDOW_COORDS)
        return (int(g['X']) + e.x + e.width // 2,
                int(g['Y']) + e.y + e.height // 2)

    def click(self, o):
        """A click at o's middle.  (No --sync: xdotool would wait for a
        move that never comes when the pointer is there already; the
        server takes the move and the click in order anyway.)"""
        x, y = self.center(o)
        self.xdo('mousemove', x, y, 'click', 1)

    def focus_window(self):
        w = self.xwin()
        self.xdo('windowraise', w)
        self.xdo('windowfocus', '--sync', w)

    def shot_window(self, what):
        """The window alone (for the README's picture)."""
        self.shot_no += 1
        path = os.path.join(self.shots, '%02d-%s.png' % (self.shot_no, what))
        subprocess.run(['import', '-window', self.xwin(), path],
                       stderr=subprocess.DEVNULL)
        return path

    def shot(self, what):
        self.shot_no += 1
        path = os.path.join(self.shots, '%02d-%s.png' % (self.shot_no, what))
        subprocess.run(['import', '-window', 'root', path],
                       stderr=subprocess.DEVNULL)
        return path
