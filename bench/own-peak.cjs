// Preloaded by bench/history.mjs (node --require): at exit, writes this Node process's own peak RSS in KB and
// its CPU seconds (not its children's: git's are measured apart) to the file $KEYGUARD_BENCH_PEAK_FILE.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeFileSync(process.env.KEYGUARD_BENCH_PEAK_FILE, `${usage.maxRSS} ${(usage.userCPUTime + usage.systemCPUTime) / 1e6}`);
});
