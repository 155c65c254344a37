"""Input of the K-quant quantizer vectors: blocks of 256 floats (little-endian float32) chosen to
reach every path of ggml's Q4_K/Q5_K/Q6_K reference quantizers. Run from this folder:

    python3 make_input.py            # writes input.f32

The expected bytes (q4_k.bin, q5_k.bin, q6_k.bin) are llama.cpp's own quantizer output for this
file; test-fixtures/README.md says how they were made.
"""
import numpy as np

rng = np.random.default_rng(20250614)
blocks = []
for scale in (1e-3, 0.02, 1.0, 300.0):
    blocks += list(rng.normal(0, scale, size=(4, 256)))
blocks += list(rng.laplace(0, 0.02, size=(3, 256)))          # heavy tails, as trained weights have
blocks.append(np.zeros(256))                                   # all zero
blocks.append(rng.uniform(0.5, 1.5, 256))                      # all positive: the min is clamped to 0
blocks.append(-rng.uniform(0.5, 1.5, 256))                     # all negative
blocks.append(np.full(256, 0.7))                               # constant
b = rng.normal(0, 0.05, 256); b[64:96] = 0; b[160:176] = 0     # zero sub-blocks among others
blocks.append(b)
b = rng.normal(0, 0.02, 256); b[::32] = 5.0; b[17::64] = -7.0  # one outlier per sub-block
blocks.append(b)
b = np.concatenate([rng.normal(0, s, 32) for s in (1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0, 0.5, 5e-3)])
blocks.append(b)                                               # sub-blocks of very different size
blocks.append(np.array([1e-30, -3e-30] * 128))                 # below F16's range: scales round to 0
blocks.append(np.concatenate([[6e4, -6e4], rng.normal(0, 1e4, 254)]))  # near F16's largest
blocks.append(np.array([(k % 31) - 15.5 for k in range(256)]))  # halves: ties in nearest_int
blocks.append(np.array([(k % 64) / 2.0 - 16 for k in range(256)]))
x = np.concatenate(blocks).astype("<f4")
x.tofile("input.f32")
print(len(x) // 256, "blocks of 256")
