#!/usr/bin/env python3
"""The library's call graph between files, from its objects' symbols.

Usage: calls.py OBJ...  A file A calls file B when A's object uses a
symbol B's object defines.  Prints every circle (a strongly connected
set of files that call each other, directly or through others) and
exits 1 if there is one.
"""
import os
import subprocess
import sys


def symbols(obj):
    out = subprocess.run(["nm", "--defined-only", "-g", obj], capture_output=True, text=True, check=True).stdout
    defined = {l.split()[-1] for l in out.splitlines() if l.strip()}
    out = subprocess.run(["nm", "-u", obj], capture_output=True, text=True, check=True).stdout
    used = {l.split()[-1] for l in out.splitlines() if l.strip()}
    return defined, used


def circles(graph):
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main(objs):
    name = {o: os.path.splitext(os.path.basename(o))[0] for o in objs}
    syms = {o: symbols(o) for o in objs}
    owner = {}
    for o, (defined, _) in syms.items():
        for s in defined:
            owner[s] = name[o]
    graph = {name[o]: set() for o in objs}
    for o, (_, used) in syms.items():
        for s in used:
            if s in owner and owner[s] != name[o]:
                graph[name[o]].add(owner[s])
    bad = circles(graph)
    for comp in bad:
        print("library files that call each other in a circle: " + " ".join(c + ".c" for c in comp))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
