#!/usr/bin/env python3
"""The stage rule, checked on the built code: every symbol an object file
of a stage uses is defined in that stage or a stage it links (src/CMakeLists.txt),
and no two object files depend on each other, directly or around a loop.
The compiler already refuses an include up a stage (a higher stage's headers
are not on a lower stage's include path); this checks what was linked.

  layers.py STAGE=ARCHIVE:DEP,DEP ...     (passed by tests/CMakeLists.txt)
Prints each violation and cycle; exits 1 if there is any."""
import subprocess
import sys


def symbols(archive):
    """{object: (defined, undefined)} for the objects of a static archive."""
    out = subprocess.run(["nm", "-A", "-g", archive], check=True, capture_output=True, text=True).stdout
    objects = {}
    for line in out.splitlines():
        # ARCHIVE:MEMBER:VALUE TYPE NAME, VALUE blank for an undefined symbol
        prefix, _, rest = line.partition(archive + ":")
        obj, _, rest = rest.partition(":")
        parts = rest.split()
        defined, undefined = objects.setdefault(obj, (set(), set()))
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] not in ("U", "w", "v"):
            defined.add(parts[2])
    return objects


def main(args):
    stages, allowed, owner = {}, {}, {}
    for arg in args:
        name, _, rest = arg.partition("=")
        archive, _, deps = rest.rpartition(":")
        stages[name] = symbols(archive)
        allowed[name] = set(filter(None, deps.split(",")))
    # What a stage may reach: its links, and theirs.
    def reach(name, seen=None):
        seen = seen if seen is not None else set()
        for dep in allowed[name]:
            if dep not in seen:
                seen.add(dep)
                reach(dep, seen)
        return seen
    for stage, objects in stages.items():
        for obj, (defined, _) in objects.items():
            for sym in defined:
                owner[sym] = (stage, obj)
    problems = 0
    edges = {}
    for stage, objects in stages.items():
        may = reach(stage) | {stage}
        for obj, (_, undefined) in objects.items():
            node = f"{stage}/{obj}"
            for sym in sorted(undefined):
                if sym not in owner:
                    continue  # a system library's
                to_stage, to_obj = owner[sym]
                if to_stage not in may:
                    print(f"{node} uses {sym} from stage {to_stage}, which {stage} does not link")
                    problems += 1
                target = f"{to_stage}/{to_obj}"
                if target != node:
                    edges.setdefault(node, set()).add(target)
    # Cycles between object files (Tarjan's strongly connected components).
    index, low, on_stack, stack, counter = {}, {}, set(), [], [0]
    def connect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                nonlocal_problems.append(sorted(component))
    nonlocal_problems = []
    sys.setrecursionlimit(10000)
    for v in sorted(set(edges) | {w for ws in edges.values() for w in ws}):
        if v not in index:
            connect(v)
    for component in nonlocal_problems:
        print("cycle: " + " <-> ".join(component))
        problems += 1
    objects = sum(len(o) for o in stages.values())
    print(f"{len(stages)} stages, {objects} object files, {sum(len(e) for e in edges.values())} dependencies: "
          f"{problems} problem{'s' if problems != 1 else ''}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
