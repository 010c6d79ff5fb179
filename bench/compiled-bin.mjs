// `shredproof` as an installed package or an image runs it: the compiled
// JavaScript in dist/ (`npm run build`), not the sources through tsx, which
// costs memory and start-up time that production never pays. bench/run.ts
// builds once before its sections and sets BENCH_BUILT (bench/procs.ts).
const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv);
