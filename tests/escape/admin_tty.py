#!/usr/bin/env python3
"""The admin's terminal, for the escape tests: run a command on a terminal
of our own, then type a line once it has ended, and report what reached
whom.

usage: admin_tty.py tty|pipe LINE COMMAND...

The command runs in a new session with the terminal (a pty pair made here)
as its controlling terminal and standard input; its standard output and
error are the terminal too (tty) or a pipe (pipe).  Once it has exited,
LINE is typed on the terminal.  Printed, one per line:
  rc=STATUS       the command's exit status
  before=TEXT     what it wrote while it ran
  after=TEXT      what reached the terminal or the pipe after it ended
  left=TEXT       what of the typed line is still there for the admin to read
"""
import fcntl
import os
import select
import sys
import termios
import time


def read_ready(fds, seconds):
    """Everything the fds give within seconds, until each is at its end."""
    out = b""
    fds = [fd for fd in fds if fd is not None]
    end = time.monotonic() + seconds
    while fds:
        left = end - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select(fds, [], [], left)
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if data:
                out += data
            else:
                fds.remove(fd)
    return out


def main():
    mode, line, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    master, slave = os.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~termios.ECHO  # what is typed is not echoed into "after"
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    rd, wr = os.pipe() if mode == "pipe" else (None, None)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        os.dup2(slave, 0)
        os.dup2(wr if wr is not None else slave, 1)
        os.dup2(wr if wr is not None else slave, 2)
        os.closerange(3, 1024)
        os.execvp(argv[0], argv)
    if wr is not None:
        os.close(wr)
    before = b""
    while True:
        before += read_ready([master, rd], 0.1)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    before += read_ready([master, rd], 0.3)
    os.write(master, line.encode() + b"\n")
    after = read_ready([master, rd], 3.0)
    os.set_blocking(slave, False)
    try:
        left = os.read(slave, 4096)
    except OSError:
        left = b""
    print("rc=%d" % os.waitstatus_to_exitcode(status))
    for name, text in (("before", before), ("after", after), ("left", left)):
        print("%s=%s" % (name, text.decode(errors="replace").replace("\r", "").replace("\n", "|")))


main()
