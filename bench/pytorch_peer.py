#!/usr/bin/python3
"""PyTorch CPU peer for the bilstm-attn benchmark workloads (issue 5).

Model (same as the TF.js peer and the library):
  Embedding(V, E) -> bidirectional LSTM(H, batch_first, all timesteps) -> additive attention pooling
  (W [F,1] ~ N(0, 0.05), b [T,1] zeros; e = tanh(x.W + b); a = softmax over time; out = sum_t a_t x_t)
  -> Linear(F, 1) -> BCEWithLogitsLoss; torch.optim.Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-7).
B-gru: the same with a bidirectional GRU (nn.GRU: reset after, as the library's default) for the LSTM.
Initialisers follow Keras (embedding U(-0.05, 0.05), glorot-uniform kernels, orthogonal recurrent kernels,
unit forget bias (LSTM), zero GRU and dense biases); they do not change the timing.

Workloads: A (V 30, E 32, H 32, T 16, batch 64), B and B-gru (V 20000, E 64, H 64, T 200, batch 32),
C (V 20000, E 1152, H 32, T 1152, batch 8). Random ids 1..V-1 and 0/1 labels from a seeded torch.Generator.

Cases per workload and thread count: training samples/s, predict latency at batch 1 (ms; eval + no_grad),
and for B and B-gru predict throughput at batch 256 (samples/s). Each figure is the mean of several timed rounds
(after warm-up), with rme = 95% confidence half-width of that mean in % (as benchmark.js reports it).

Usage:
  /usr/bin/python3 bench/pytorch_peer.py [--workloads A,B,B-gru,C] [--threads 1,2] [--quick] [--json out.json]

Exits 0 with a message (and writes an empty JSON list if --json is given) where torch is not installed.
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE slow OpenBLAS down on the benchmark machine, so the script re-executes
itself without them if they are set.
"""
import os
import sys

_BAD_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(k in os.environ for k in _BAD_ENV):
    _env = {k: v for k, v in os.environ.items() if k not in _BAD_ENV}
    _argv = [sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, _argv, _env)

# libgomp reads OMP_WAIT_POLICY when torch loads it. Left unset, torch's idle OpenMP workers spin, and at 2 threads on
# this 2-core machine they compete with OpenBLAS's own pthreads and with everything else: PASSIVE measured about 2x
# faster at 2 threads (A and B, OpenBLAS), no different at 1 thread. The peer should get its best figure, so PASSIVE is
# the default here unless the caller set the variable or passed --omp-wait-policy.
for _i, _a in enumerate(sys.argv):
    if _a.startswith("--omp-wait-policy"):
        _v = _a.split("=", 1)[1] if "=" in _a else (sys.argv[_i + 1] if _i + 1 < len(sys.argv) else "")
        if _v.lower() in ("unset", "default"):
            os.environ.pop("OMP_WAIT_POLICY", None)
        elif _v:
            os.environ["OMP_WAIT_POLICY"] = _v.upper()
        break
else:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import json
import math
import platform
import time

WORKLOADS = {
    "A": dict(vocab=30, embed=32, units=32, seq=16, batch=64),
    "B": dict(vocab=20000, embed=64, units=64, seq=200, batch=32),
    "B-gru": dict(vocab=20000, embed=64, units=64, seq=200, batch=32, cell="gru"),
    "C": dict(vocab=20000, embed=1152, units=32, seq=1152, batch=8),
}

# two-sided Student t, 97.5% quantile, by degrees of freedom (benchmark.js uses the same table idea)
_T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
         10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
         18: 2.101, 19: 2.093, 20: 2.086, 25: 2.060, 30: 2.042}


def t975(df):
    if df <= 0:
        return float("nan")
    if df in _T975:
        return _T975[df]
    if df > 30:
        return 1.96
    return _T975[min(k for k in _T975 if k >= df)]


def mean_rme(values):
    n = len(values)
    m = sum(values) / n
    if n < 2 or m == 0:
        return m, 0.0
    var = sum((v - m) ** 2 for v in values) / (n - 1)
    sem = math.sqrt(var / n)
    return m, 100.0 * t975(n - 1) * sem / abs(m)


def loaded_blas():
    """Shared objects in this process whose file name says BLAS (Linux only; [] elsewhere)."""
    found = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path).lower()
                if ("blas" in name or "mkl_" in name) and path not in found:
                    found.append(os.path.realpath(path))
    except OSError:
        return []
    return sorted(set(found))


def blas_kind(paths):
    names = " ".join(os.path.basename(p).lower() for p in paths)
    if "openblas" in names:
        return "openblas"
    if "mkl" in names:
        return "mkl"
    if "blis" in names:
        return "blis"
    return "reference" if paths else "unknown"


def openblas_set_threads(paths, n):
    """torch.set_num_threads does not reach an OpenBLAS that torch was not built against (Debian's
    BLAS_INFO=generic): its pthread pool would use every core for large products. Set it directly."""
    import ctypes
    for p in paths:
        if "openblas" in os.path.basename(p).lower():
            try:
                lib = ctypes.CDLL(p)
                lib.openblas_set_num_threads(ctypes.c_int(n))
                return lib.openblas_get_num_threads()
            except (OSError, AttributeError):
                pass
    return None


def parse_args(argv):
    p = argparse.ArgumentParser(description="PyTorch CPU peer for the bilstm-attn workloads")
    p.add_argument("--workloads", default="A,B,B-gru,C", help="comma list of A,B,B-gru,C (default all)")
    p.add_argument("--threads", default="1,2", help="comma list of torch thread counts (default 1,2)")
    p.add_argument("--quick", action="store_true", help="short runs (about 1 s per figure)")
    p.add_argument("--json", metavar="FILE", help="write a JSON list of results to FILE")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rss", action="store_true",
                   help="after each training figure, record the process's peak RSS and skip the predict cases "
                        "(run one workload and one thread count per process for a clean figure)")
    p.add_argument("--omp-wait-policy", default=None, metavar="P",
                   help="OMP_WAIT_POLICY for torch's OpenMP pool: passive (default unless already set in the "
                        "environment), active, or unset")
    a = p.parse_args(argv)
    names = {k.lower(): k for k in WORKLOADS}
    a.workloads = [w.strip() for w in a.workloads.split(",") if w.strip()]
    for w in a.workloads:
        if w.lower() not in names:
            p.error(f"unknown workload {w!r} (have {', '.join(WORKLOADS)})")
    a.workloads = [names[w.lower()] for w in a.workloads]
    a.threads = [int(t) for t in a.threads.split(",") if t.strip()]
    return a


def main(argv):
    args = parse_args(argv)
    try:
        import torch
        import torch.nn as nn
    except ImportError as e:  # graceful skip where torch is absent
        # Debian's python3-torch lives under /usr/bin/python3; a pyenv/venv python3 first on PATH cannot see it.
        system_py = "/usr/bin/python3"
        if (os.path.exists(system_py) and os.path.realpath(sys.executable) != os.path.realpath(system_py)
                and not os.environ.get("PYTORCH_PEER_REEXEC")):
            print(f"pytorch peer: torch not importable from {sys.executable}; retrying with {system_py}", flush=True)
            env = dict(os.environ, PYTORCH_PEER_REEXEC="1")
            os.execve(system_py, [system_py, os.path.abspath(__file__)] + sys.argv[1:], env)
        print(f"pytorch peer: skipped (torch not importable: {e})")
        if args.json:
            with open(args.json, "w") as f:
                json.dump([], f)
        return 0

    class AttentionPooling(nn.Module):
        def __init__(self, features, steps):
            super().__init__()
            self.W = nn.Parameter(torch.empty(features, 1).normal_(0.0, 0.05))
            self.b = nn.Parameter(torch.zeros(steps, 1))

        def forward(self, x):  # x [B, T, F]
            e = torch.tanh(torch.matmul(x, self.W) + self.b)  # [B, T, 1]
            a = torch.softmax(e, dim=1)  # over time
            return (x * a).sum(dim=1)  # [B, F]

    class Model(nn.Module):
        def __init__(self, vocab, embed, units, seq, cell="lstm"):
            super().__init__()
            self.embedding = nn.Embedding(vocab, embed)
            # nn.GRU is reset after, as Keras 3's GRU and ours by default
            rnn = nn.GRU if cell == "gru" else nn.LSTM
            self.rnn = rnn(embed, units, batch_first=True, bidirectional=True)
            self.attention = AttentionPooling(2 * units, seq)
            self.dense = nn.Linear(2 * units, 1)
            self._keras_init(units, 3 if cell == "gru" else 4)

        def _keras_init(self, units, blocks):
            with torch.no_grad():
                nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
                for name, p in self.rnn.named_parameters():
                    if name.startswith("weight_ih"):
                        # Keras kernel [in, blocks * H] glorot-uniform; torch stores [blocks * H, in]
                        nn.init.xavier_uniform_(p)
                    elif name.startswith("weight_hh"):
                        for g in range(blocks):
                            nn.init.orthogonal_(p[g * units:(g + 1) * units])
                    elif name.startswith("bias_ih"):
                        p.zero_()
                        if blocks == 4:
                            p[units:2 * units].fill_(1.0)  # unit forget bias (gate order i, f, g, o)
                    elif name.startswith("bias_hh"):
                        p.zero_()
                nn.init.xavier_uniform_(self.dense.weight)
                nn.init.zeros_(self.dense.bias)

        def forward(self, ids):
            x = self.embedding(ids)
            x, _ = self.rnn(x)
            return self.dense(self.attention(x))  # logits [B, 1]

    def make_data(gen, cfg, batch, n):
        out = []
        for _ in range(n):
            x = torch.randint(1, cfg["vocab"], (batch, cfg["seq"]), generator=gen, dtype=torch.long)
            y = torch.randint(0, 2, (batch, 1), generator=gen).float()
            out.append((x, y))
        return out

    def timed_rounds(fn, rounds, round_time, warmup):
        """Runs fn warmup times, then `rounds` rounds of >= round_time s each; returns per-round (calls, seconds)."""
        for _ in range(warmup):
            fn()
        res = []
        for _ in range(rounds):
            n = 0
            t0 = time.perf_counter()
            while True:
                fn()
                n += 1
                dt = time.perf_counter() - t0
                if dt >= round_time:
                    break
            res.append((n, dt))
        return res

    print(f"pytorch peer: torch {torch.__version__}, python {platform.python_version()}, "
          f"{platform.machine()}, cpus {os.cpu_count()}")
    info = torch.__config__.parallel_info().strip().splitlines()
    for line in info[:4]:
        print("  " + line.strip())
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))  # make sure the BLAS is loaded, then say which one
    blas = loaded_blas()
    kind = blas_kind(blas)
    print(f"  BLAS in use: {', '.join(blas) if blas else '(none found in /proc/self/maps)'}")
    if kind == "reference":
        print("  WARNING: reference (netlib) BLAS: PyTorch's CPU matrix products will be many times slower than with "
              "OpenBLAS (Debian: apt-get install libopenblas0-pthread, which libtorch1.13 recommends)")
    print(f"  OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    print(f"  mkldnn available: {torch.backends.mkldnn.is_available()}; "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')} "
          f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', '(unset)')}")
    try:
        print(f"  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    except OSError:
        pass

    quick = args.quick
    rounds = 3 if quick else 5
    total = 1.0 if quick else 3.0  # seconds of timed work per figure
    results = []

    def record(threads, workload, case, value, unit, rme, extra=""):
        results.append(dict(peer="pytorch", threads=threads, workload=workload, case=case,
                            value=value, unit=unit, rme=rme, blas=kind))
        print(f"pytorch | threads {threads} | {workload} | {case:<28} | {value:12.3f} {unit:<9} "
              f"±{rme:5.1f}% {extra}", flush=True)

    for threads in args.threads:
        torch.set_num_threads(threads)
        ob = openblas_set_threads(blas, threads)
        if ob is not None:
            print(f"  threads {threads}: torch {torch.get_num_threads()}, openblas {ob}")
        for wname in args.workloads:
            cfg = WORKLOADS[wname]
            torch.manual_seed(args.seed)
            gen = torch.Generator().manual_seed(args.seed)
            model = Model(cfg["vocab"], cfg["embed"], cfg["units"], cfg["seq"], cfg.get("cell", "lstm"))
            loss_fn = nn.BCEWithLogitsLoss()
            opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
            bs = cfg["batch"]
            data = make_data(gen, cfg, bs, 4)
            k = [0]

            def train_step():
                x, y = data[k[0] % len(data)]
                k[0] += 1
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(x), y)
                loss.backward()
                opt.step()
                return loss

            # --- training ---
            model.train()
            t0 = time.perf_counter()
            first_loss = float(train_step())
            step_s = time.perf_counter() - t0
            warm = 2 if step_s > 0.2 else 10
            res = timed_rounds(train_step, rounds, total / rounds, warm)
            sps = [n * bs / dt for n, dt in res]
            m, rme = mean_rme(sps)
            steps = sum(n for n, _ in res)
            last_loss = float(train_step())
            assert math.isfinite(last_loss), "training diverged"
            record(threads, wname, "train", m, "samples/s", rme,
                   f"({steps} steps of {bs}; loss {first_loss:.4f} -> {last_loss:.4f})")
            if args.rss:
                import resource
                record(threads, wname, "train peak RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, "MB", 0.0)
                continue

            # --- predict, batch 1 ---
            model.eval()
            one = data[0][0][:1].clone()
            with torch.no_grad():
                p = torch.sigmoid(model(one))
                assert p.shape == (1, 1) and 0.0 < float(p) < 1.0

                def predict_one():
                    return float(torch.sigmoid(model(one)))

                res = timed_rounds(predict_one, rounds, total / rounds, 20 if wname == "A" else 3)
                ms = [1000.0 * dt / n for n, dt in res]
                m, rme = mean_rme(ms)
                record(threads, wname, "predict batch 1", m, "ms", rme, f"({sum(n for n, _ in res)} calls)")

                # --- predict, batch 256 (B and B-gru) ---
                if wname in ("B", "B-gru"):
                    big = torch.randint(1, cfg["vocab"], (256, cfg["seq"]), generator=gen, dtype=torch.long)

                    def predict_big():
                        out = torch.sigmoid(model(big))
                        return out

                    assert predict_big().shape == (256, 1)
                    res = timed_rounds(predict_big, rounds, total / rounds, 1)
                    sps = [n * 256 / dt for n, dt in res]
                    m, rme = mean_rme(sps)
                    record(threads, wname, "predict batch 256", m, "samples/s", rme,
                           f"({sum(n for n, _ in res)} calls)")
            del model, opt, data

    # summary table
    print()
    cases = []
    for r in results:
        key = (r["workload"], r["case"], r["unit"])
        if key not in cases:
            cases.append(key)
    hdr = f"{'workload':<8} | {'case':<18} | {'unit':<9} | " + " | ".join(f"{'threads ' + str(t):>17}" for t in args.threads)
    print(hdr)
    print("-" * len(hdr))
    for (w, c, u) in cases:
        cells = []
        for t in args.threads:
            r = next((r for r in results if r["workload"] == w and r["case"] == c and r["threads"] == t), None)
            cells.append(f"{r['value']:>9.3f} ±{r['rme']:4.1f}%" if r else f"{'-':>17}")
        print(f"{w:<8} | {c:<18} | {u:<9} | " + " | ".join(f"{x:>17}" for x in cells))

    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
        print(f"\nwrote {len(results)} results to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
