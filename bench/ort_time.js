// Times an ONNX model in ONNX Runtime (onnxruntime-node): median of RUNS
// calls on BATCH images after warm-up, for each thread count. Prints
// "threads median_ms".
// Usage: node ort_time.js MODEL.onnx RESOLUTION BATCH RUNS THREADS...
const ort = require('onnxruntime-node');

async function main() {
  const [model, resolution, batch, runs, ...threads] = process.argv.slice(2);
  const res = Number(resolution), n = Number(batch);
  const input = new ort.Tensor('float32', new Float32Array(n * 3 * res * res).fill(0.5),
                               [n, 3, res, res]);
  for (const count of threads.map(Number)) {
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: count,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    for (let i = 0; i < 10; ++i)
      await session.run({input});
    const times = [];
    for (let i = 0; i < Number(runs); ++i) {
      const start = process.hrtime.bigint();
      await session.run({input});
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(`${count} ${times[Math.floor(times.length / 2)].toFixed(3)}`);
    await session.release();
  }
}

main().catch((error) => {
  console.error(`ort_time: ${error.message}`);
  process.exit(1);
});
