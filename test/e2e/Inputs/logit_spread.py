"""Random images, and how far apart a model's logits for them are.

  logit_spread.py images N RES OUT.bin [SEED [black]]
      N random RGB images of RES x RES, uniform 8-bit pixels normalized with
      ImageNet's mean and std, float32 NCHW (as NAME_run takes them); with
      `black`, the first is a black image instead.
  logit_spread.py spread CLASSES OUT.bin [LEAST]
      For the N images' logits in OUT.bin (float32, N x CLASSES): per pair
      of images, the largest difference of a logit between the two, as a
      share of the range of all their logits; prints the least of them and
      each image's top class. With LEAST, exits 1 when a share is below it.
"""
import random
import struct
import sys

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)

if sys.argv[1] == "images":
    n, res, path = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    black = len(sys.argv) > 6 and sys.argv[6] == "black"
    values = []
    for i in range(n):
        for c in range(3):
            values += [((0 if black and i == 0 else rng.randrange(256)) / 255.0
                        - MEAN[c]) / STD[c] for _ in range(res * res)]
    with open(path, "wb") as out:
        out.write(struct.pack("<%df" % len(values), *values))
    sys.exit(0)

classes, path = int(sys.argv[2]), sys.argv[3]
data = open(path, "rb").read()
logits = struct.unpack("<%df" % (len(data) // 4), data)
n = len(logits) // classes
rows = [logits[i * classes:(i + 1) * classes] for i in range(n)]
least = None
for i in range(n):
    for j in range(i + 1, n):
        both = rows[i] + rows[j]
        span = max(both) - min(both)
        apart = max(abs(a - b) for a, b in zip(rows[i], rows[j]))
        share = apart / span if span > 0 else 0.0
        least = share if least is None else min(least, share)
top = [max(range(classes), key=lambda k: row[k]) for row in rows]
print("logit spread: the least share over %d pairs of images is %.3f" %
      (n * (n - 1) // 2, least))
print("top classes: %s" % " ".join(str(k) for k in top))
if len(sys.argv) > 4:
    if least < float(sys.argv[4]):
        print("logit spread: below %s: the logits hardly depend on the image"
              % sys.argv[4])
        sys.exit(1)
    print("logit spread: at least %s" % sys.argv[4])
